"use server";

import { z } from "zod";
import { declareInput } from "@/lib/incident-schema";
import { policyInput, updatePolicy } from "@/server/incidents/escalation";
import * as incidents from "@/server/incidents/incident-service";
import { byId, serverAction } from "@/server/server-action";
import { postStatusUpdate as postToStatusPage, statusPostInput } from "@/server/status/status-service";

/**
 * The incident command view's server actions: the role each needs and its input's schema (the service's own, with
 * the incident's id); the service checks the role and validates again. Each work function is `async`: in a
 * "use server" file Next.js refuses a synchronous function passed in an export's initializer.
 */

export const declareIncident = serverAction({ role: "lead", input: declareInput }, async (input, actor) =>
  incidents.declareIncident(actor, input),
);

export const changeIncidentStatus = serverAction(
  { role: "lead", input: incidents.statusInput.extend(byId.shape) },
  async ({ id, ...change }, actor) => incidents.changeStatus(actor, id, change),
);

/** The new lead's id is checked by the service (a user with the lead role). */
export const handOverIncident = serverAction(
  { role: "lead", input: byId.extend({ leadId: z.string().max(100) }) },
  async ({ id, leadId }, actor) => incidents.handOver(actor, id, leadId),
);

export const updateIncidentDetails = serverAction(
  { role: "lead", input: incidents.detailsInput.extend(byId.shape) },
  async ({ id, ...details }, actor) => incidents.updateDetails(actor, id, details),
);

export const checkStep = serverAction(
  { role: "engineer", input: incidents.checkInput.extend(byId.shape) },
  async ({ id, ...check }, actor) => incidents.checkStep(actor, id, check),
);

/** Acknowledges the incident's pages: the backup page of a P0 is no longer needed. */
export const acknowledgePage = serverAction({ role: "engineer", input: byId }, async ({ id }, actor) =>
  incidents.acknowledge(actor, id),
);

export const sendComm = serverAction(
  { role: "lead", input: incidents.commInput.extend(byId.shape) },
  async ({ id, ...comm }, actor) => incidents.sendComm(actor, id, comm),
);

/** A public update of the incident on the status page (its public title and text, edited by the lead). */
export const postStatusUpdate = serverAction(
  { role: "lead", input: statusPostInput.extend(byId.shape) },
  async ({ id, ...post }, actor) => postToStatusPage(actor, id, post),
);

export const addNote = serverAction(
  { role: "engineer", input: incidents.noteInput.extend(byId.shape) },
  async ({ id, ...note }, actor) => incidents.addNote(actor, id, note),
);

/** A draft from the incident's record, for the editor (saves nothing). */
export const draftPostmortem = serverAction({ role: "lead", input: byId }, async ({ id }, actor) =>
  incidents.draftPostmortem({ kind: "user", user: actor }, id),
);

export const savePostmortem = serverAction(
  { role: "lead", input: incidents.postmortemInput.extend(byId.shape) },
  async ({ id, ...postmortem }, actor) => incidents.savePostmortem(actor, id, postmortem),
);

/** Replaces the escalation chain; incidents declared from then on use it. */
export const updateEscalationPolicy = serverAction({ role: "admin", input: policyInput }, async (input, actor) =>
  updatePolicy(actor, input),
);
