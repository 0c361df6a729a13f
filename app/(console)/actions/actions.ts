"use server";

import * as actions from "@/server/actions/action-service";
import { byId, serverAction } from "@/server/server-action";

/**
 * The runbook actions' server actions: the role each needs and its input's schema (the service's own, with the
 * run's id); the service checks the role and validates again. Each work function is `async`: in a "use server"
 * file Next.js refuses a synchronous function passed in an export's initializer.
 */

/** The live pre-flight and dry-run plan of a request not yet made. */
export const previewRequest = serverAction({ role: "engineer", input: actions.actionInput }, async (input, actor) =>
  actions.previewAction(actor, input),
);

/** The incident a request is for, bounded to int4 before the service reads it. */
const requestRunInput = actions.requestInput.extend({ incidentId: byId.shape.id.nullable().default(null) });

export const requestRun = serverAction({ role: "engineer", input: requestRunInput }, async (input, actor) =>
  actions.requestAction(actor, input),
);

export const approveRun = serverAction(
  { role: "lead", input: actions.approveInput.extend(byId.shape) },
  async ({ id, ...approval }, actor) => actions.approveAction(actor, id, approval),
);

export const rejectRun = serverAction(
  { role: "lead", input: actions.reasonInput.extend(byId.shape) },
  async ({ id, ...rejection }, actor) => actions.rejectAction(actor, id, rejection),
);

/** `confirm`: the value typed back when a failing check asks for it (Check.confirm). */
export const overridePreflight = serverAction(
  { role: "lead", input: actions.overrideInput.extend(byId.shape) },
  async ({ id, ...override }, actor) => actions.overridePreflight(actor, id, override),
);

export const cancelRun = serverAction({ role: "engineer", input: byId }, async ({ id }, actor) =>
  actions.cancelAction(actor, id),
);

export const controlRun = serverAction(
  { role: "engineer", input: actions.controlInput.extend(byId.shape) },
  async ({ id, ...control }, actor) => actions.controlAction(actor, id, control),
);
