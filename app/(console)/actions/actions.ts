"use server";

import { z } from "zod";
import type { ActionResult } from "@/lib/action-result";
import type { ActionRun } from "@/lib/actions/run";
import { rowId, rowIdRule } from "@/lib/ids";
import * as actions from "@/server/actions/action-service";
import type { Preview } from "@/server/actions/action-service";
import { requireUser } from "@/server/auth/session";
import { toActionResult } from "@/server/boundary";
import { invalid, parseInput } from "@/server/errors";

/**
 * The runbook actions' server actions. Each checks the caller's role itself (a page's check does not protect a
 * direct POST); the service validates the input with zod and checks the role again.
 */

type Input = Record<string, unknown>;
const fields = (input: unknown): Input => (input && typeof input === "object" ? (input as Input) : {});
const runId = (v: unknown): number => {
  const id = rowId.safeParse(v);
  if (!id.success) throw invalid(`Not an action id (${rowIdRule}).`);
  return id.data;
};
/** The incident a request is for, bounded to int4 before the service reads it (its own schema checks the rest). */
const requestLink = z.object({ incidentId: rowId.nullish() });

export async function previewActionAction(input: unknown): Promise<ActionResult<Preview>> {
  return toActionResult(async () => actions.previewAction(await requireUser("engineer"), fields(input)));
}

export async function requestActionAction(input: unknown): Promise<ActionResult<ActionRun>> {
  return toActionResult(async () => {
    const actor = await requireUser("engineer");
    const f = fields(input);
    parseInput(requestLink, f);
    return actions.requestAction(actor, f as never);
  });
}

export async function approveActionAction(input: unknown): Promise<ActionResult<ActionRun>> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    const f = fields(input);
    return actions.approveAction(actor, runId(f.id), { paramsHash: String(f.paramsHash ?? "") });
  });
}

export async function rejectActionAction(input: unknown): Promise<ActionResult<ActionRun>> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    const f = fields(input);
    return actions.rejectAction(actor, runId(f.id), { reason: String(f.reason ?? "") });
  });
}

/** The override's own fields; the service checks the reason's length and that `confirm` matches what a failing check asks. */
const overrideInput = z.object({
  reason: z.string().max(2000),
  confirm: z.string().max(100).optional(),
});

export async function overridePreflightAction(input: unknown): Promise<ActionResult<ActionRun>> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    const f = fields(input);
    const { reason, confirm } = parseInput(overrideInput, { reason: String(f.reason ?? ""), confirm: f.confirm ?? undefined });
    return actions.overridePreflight(actor, runId(f.id), { reason, confirm });
  });
}

export async function cancelActionAction(input: unknown): Promise<ActionResult<ActionRun>> {
  return toActionResult(async () => actions.cancelAction(await requireUser("engineer"), runId(fields(input).id)));
}

export async function controlActionAction(input: unknown): Promise<ActionResult<ActionRun>> {
  return toActionResult(async () => {
    const actor = await requireUser("engineer");
    const f = fields(input);
    return actions.controlAction(actor, runId(f.id), { control: f.control as never });
  });
}
