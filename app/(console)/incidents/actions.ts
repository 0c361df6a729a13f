"use server";

import type { ActionResult } from "@/lib/action-result";
import type { Incident } from "@/lib/incident";
import { requireUser } from "@/server/auth/session";
import { toActionResult } from "@/server/boundary";
import { updatePolicy } from "@/server/incidents/escalation";
import { incidentId } from "@/server/incidents/incident-id";
import * as incidents from "@/server/incidents/incident-service";

/**
 * The incident command view's server actions. Each checks the caller's role itself (the page's own check
 * does not protect a direct POST), and the service validates the input and checks again.
 */

type Input = Record<string, unknown>;
const fields = (input: unknown): Input => (input && typeof input === "object" ? (input as Input) : {});

export async function declareIncidentAction(input: unknown): Promise<ActionResult<Incident>> {
  return toActionResult(async () => incidents.declareIncident(await requireUser("lead"), fields(input) as never));
}

export async function changeStatusAction(input: unknown): Promise<ActionResult<Incident>> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    const f = fields(input);
    return incidents.changeStatus(actor, incidentId(f.id), { status: f.status as never, expectedStatus: f.expectedStatus as never });
  });
}

export async function handOverAction(input: unknown): Promise<ActionResult<Incident>> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    const f = fields(input);
    return incidents.handOver(actor, incidentId(f.id), String(f.leadId ?? ""));
  });
}

export async function updateDetailsAction(input: unknown): Promise<ActionResult<Incident>> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    const f = fields(input);
    return incidents.updateDetails(actor, incidentId(f.id), f as never);
  });
}

export async function checkStepAction(input: unknown): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireUser("engineer");
    const f = fields(input);
    await incidents.checkStep(actor, incidentId(f.id), f as never);
  });
}

export async function acknowledgeAction(input: unknown): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireUser("engineer");
    await incidents.acknowledge(actor, incidentId(fields(input).id));
  });
}

export async function sendCommAction(input: unknown): Promise<ActionResult<{ delivered: boolean; detail: string }>> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    const f = fields(input);
    return incidents.sendComm(actor, incidentId(f.id), f as never);
  });
}

export async function addNoteAction(input: unknown): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireUser("engineer");
    const f = fields(input);
    await incidents.addNote(actor, incidentId(f.id), f as never);
  });
}

export async function draftPostmortemAction(input: unknown): Promise<ActionResult<string>> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    return incidents.draftPostmortem({ kind: "user", user: actor }, incidentId(fields(input).id));
  });
}

export async function savePostmortemAction(input: unknown): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireUser("lead");
    const f = fields(input);
    await incidents.savePostmortem(actor, incidentId(f.id), f as never);
  });
}

export async function updateEscalationAction(input: unknown): Promise<ActionResult> {
  return toActionResult(async () => {
    await updatePolicy(await requireUser("admin"), input);
  });
}
