import "server-only";
import { z } from "zod";
import { commKinds, commLabels } from "@/lib/comm-templates";
import { drillRef } from "@/lib/drills";
import { incidentRef, maxInt4 } from "@/lib/ids";
import { incidentStatuses, statusLabels, statusTransitions, type Incident } from "@/lib/incident";
import { declareInput, incidentFilters } from "@/lib/incident-schema";
import { generatePostmortem } from "@/lib/postmortem";
import { hasRole } from "@/lib/roles";
import { severities } from "@/lib/severity";
import { appendAudit } from "@/server/audit/append-audit";
import { confirmGroupTriage } from "@/server/alerts/alert-groups";
import { holdAlert } from "@/server/alerts/alert-store";
import type { Caller } from "@/server/auth/caller";
import { requireRole } from "@/server/auth/require-role";
import { readUser, type User } from "@/server/auth/users";
import { getDb, type Queryable } from "@/server/db";
import { conflict, invalid, notFound, parseInput } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { readPerChange } from "@/server/events/read-per-change";
import { cachedFleetSnapshot } from "@/server/fleet/fleet-service";
import { postToIncidentChannel } from "@/server/notify/slack";
import { findRunbook } from "@/server/runbooks/catalog";
import { lockDrillForIncident } from "@/server/drills/drill-store";
import { readPeople } from "@/server/oncall/oncall-store";
import { followUpPages, scheduleParticipantPages, schedulePages } from "./escalation";
import {
  addEvent,
  cancelUnacknowledgedPages,
  cancelUnsentPages,
  checklistFor,
  figuresOf,
  insertIncident,
  readIncident,
  readIncidentDetail,
  readIncidents,
  readStepCheck,
  writeAcknowledged,
  writeCommSent,
  writeDetails,
  writeLead,
  writePostmortem,
  writeStatus,
  writeStepCheck,
} from "./incident-store";

/**
 * Everything people do to an incident. Each function checks the caller's role first, works in one
 * transaction with its timeline event, and tells open pages. Viewers read; engineers check steps,
 * acknowledge and add notes; leads (and admins) do everything else.
 */

const who = (u: User) => u.name;

async function figures() {
  return figuresOf(await cachedFleetSnapshot().catch(() => null));
}

/** The audit row of a change to an incident, written in the change's own transaction. */
function audit(tx: Queryable, actor: User, action: string, id: number, detail: Record<string, unknown> = {}) {
  return appendAudit(tx, { actor, action: `incident.${action}`, target: incidentRef(id), detail });
}

async function mutate<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
  const db = await getDb();
  const result = await db.transaction(work);
  publish("incidents");
  return result;
}

/**
 * Declares an incident. `fromGroup`: a lead confirms the triage incident an alert group proposed; the levels the
 * group paged already are not paged again, and the group counts as acknowledged.
 */
export async function declareIncident(
  actor: User,
  raw: z.input<typeof declareInput>,
  fromGroup?: { groupId: number },
): Promise<Incident> {
  requireRole(actor, "lead", "Declaring an incident");
  const input = parseInput(declareInput, raw);
  if (input.scenarioId && findRunbook(input.scenarioId)?.kind !== "scenario")
    throw invalid(`Unknown scenario ${input.scenarioId}.`);
  const snapshot = await figures();
  return mutate(async (tx) => {
    const lead = await readUser(tx, input.leadId);
    if (!lead) throw invalid("The incident lead does not exist.");
    if (!hasRole(lead.role, "lead")) throw invalid("The incident lead must have the lead or admin role.");
    // Checked here, not left to the foreign key: a clear refusal, and the share lock keeps the alert until the insert commits.
    if (input.fromAlertId !== null && !(await holdAlert(tx, input.fromAlertId)))
      throw invalid(`Alert #${input.fromAlertId} does not exist.`);
    // A drill's incident: the drill must be running and have none yet; it pages the participants instead of the chain.
    const drill = input.drillId === null ? null : await drillForIncident(tx, input.drillId);
    const incident = await insertIncident(tx, { ...input, declaredBy: actor.id });
    await addEvent(tx, incident.id, {
      actor: who(actor),
      kind: "declared",
      message: `Declared ${incident.severity} "${incident.title}"${incident.scenarioTitle ? ` (${incident.scenarioTitle})` : ""}, lead ${incident.lead.name}${input.fromAlertId ? ` from alert #${input.fromAlertId}` : ""}${drill ? ` as the incident of ${drillRef(input.drillId!)}: pages go to its participants only` : ""}`,
      data: {
        severity: incident.severity,
        scenarioId: incident.scenarioId,
        fromAlertId: input.fromAlertId,
        drillId: input.drillId,
      },
      snapshot,
    });
    const pagedByGroup = fromGroup ? await confirmGroupTriage(tx, fromGroup.groupId, incident.id, who(actor)) : [];
    if (drill) await scheduleParticipantPages(tx, incident, drill.participants);
    else await schedulePages(tx, incident, pagedByGroup);
    if (fromGroup) await writeAcknowledged(tx, incident.id);
    await audit(tx, actor, "declare", incident.id, {
      ...(fromGroup ? { fromAlertGroup: fromGroup.groupId } : {}),
      title: incident.title,
      scenarioId: incident.scenarioId,
      severity: incident.severity,
      leadId: incident.lead.id,
      regions: input.regions,
      fromAlertId: input.fromAlertId,
      ...(input.drillId !== null ? { drillId: input.drillId } : {}),
    });
    return incident;
  });
}

/** The running drill an incident is declared for, locked until the declaration commits, with its participants. */
async function drillForIncident(
  tx: Queryable,
  drillId: number,
): Promise<{ participants: { id: string; name: string }[] }> {
  const drill = await lockDrillForIncident(tx, drillId);
  if (!drill) throw invalid(`There is no ${drillRef(drillId)}.`);
  if (drill.status !== "running")
    throw conflict(`${drillRef(drillId)} has ${drill.status}: its incident can no longer be declared.`);
  if (drill.hasIncident) throw conflict(`${drillRef(drillId)} has its incident already.`);
  const people = await readPeople(tx, drill.participants);
  return { participants: drill.participants.flatMap((id) => people.get(id) ?? []) };
}

/** The status the lead saw: another lead's move meanwhile is a conflict; a sent message or a check is not. */
export const statusInput = z.object({ status: z.enum(incidentStatuses), expectedStatus: z.enum(incidentStatuses) });

/** Moves the incident through Investigating → Mitigating → Monitoring → Resolved, or reopens it. */
export async function changeStatus(actor: User, id: number, raw: z.input<typeof statusInput>): Promise<Incident> {
  requireRole(actor, "lead", "Changing an incident's status");
  const input = parseInput(statusInput, raw);
  const snapshot = await figures();
  return mutate(async (tx) => {
    const before = await readIncident(tx, id, true);
    if (before.status !== input.expectedStatus)
      throw conflict(
        `${incidentRef(id)} was moved to ${statusLabels[before.status]} meanwhile; look again before changing it.`,
      );
    if (!statusTransitions[before.status].includes(input.status))
      throw conflict(`An incident cannot go from ${statusLabels[before.status]} to ${statusLabels[input.status]}.`);
    const reopening = input.status === "investigating" && before.status === "resolved";
    await writeStatus(tx, id, input.status, reopening);
    if (input.status === "resolved") await cancelUnsentPages(tx, id);
    await addEvent(tx, id, {
      actor: who(actor),
      kind: "status",
      message: reopening
        ? "Reopened the incident"
        : `Status ${statusLabels[before.status]} → ${statusLabels[input.status]}`,
      data: { from: before.status, to: input.status },
      snapshot,
    });
    await audit(tx, actor, "status", id, { from: before.status, to: input.status });
    return readIncident(tx, id);
  }).then((incident) => {
    if (input.status === "resolved") void followUpPages({ incidentId: id }, "resolve");
    return incident;
  });
}

/** Hands the incident over to another lead. */
export async function handOver(actor: User, id: number, newLeadId: string): Promise<Incident> {
  requireRole(actor, "lead", "Handing over an incident");
  if (!z.uuid().safeParse(newLeadId).success) throw invalid("Pick the new incident lead.");
  return mutate(async (tx) => {
    const before = await readIncident(tx, id, true);
    const lead = await readUser(tx, newLeadId);
    if (!lead || !hasRole(lead.role, "lead")) throw invalid("The new lead must be a user with the lead or admin role.");
    if (before.lead.id === newLeadId) throw invalid(`${lead.name} already leads this incident.`);
    await writeLead(tx, id, newLeadId);
    await addEvent(tx, id, {
      actor: who(actor),
      kind: "lead",
      message: `Handed over from ${before.lead.name} to ${lead.name}`,
      data: { from: before.lead.id, to: newLeadId },
    });
    await audit(tx, actor, "hand-over", id, { from: before.lead.email, to: lead.email });
    return readIncident(tx, id);
  });
}

export const detailsInput = z.object({
  impact: z.string().trim().max(2000),
  eta: z.string().trim().max(200),
  rootCause: z.string().trim().max(5000),
  severity: z.enum(severities),
});

/** Impact, ETA, root cause and severity, as the comms and the post-mortem use them. */
export async function updateDetails(actor: User, id: number, raw: z.input<typeof detailsInput>): Promise<Incident> {
  requireRole(actor, "lead", "Editing an incident");
  const input = parseInput(detailsInput, raw);
  return mutate(async (tx) => {
    const before = await readIncident(tx, id, true);
    await writeDetails(tx, id, input);
    const changed = (["impact", "eta", "rootCause"] as const).filter((k) => before[k] !== input[k]);
    if (changed.length)
      await addEvent(tx, id, {
        actor: who(actor),
        kind: "details",
        message: `Updated ${changed.map((k) => (k === "rootCause" ? "root cause" : k === "eta" ? "ETA" : k)).join(", ")}`,
        data: { ...input },
      });
    if (changed.length)
      await audit(tx, actor, "details", id, { changed, ...Object.fromEntries(changed.map((k) => [k, input[k]])) });
    if (before.severity !== input.severity) {
      await addEvent(tx, id, {
        actor: who(actor),
        kind: "severity",
        message: `Severity ${before.severity} → ${input.severity}`,
        data: { from: before.severity, to: input.severity },
        snapshot: await figures(),
      });
      await audit(tx, actor, "severity", id, { from: before.severity, to: input.severity });
    }
    return readIncident(tx, id);
  });
}

export const checkInput = z.object({
  stepKey: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/),
  checked: z.boolean(),
  expectedVersion: z.number().int().min(0).max(maxInt4),
});

/**
 * Checks or unchecks a step. The caller says which version of the step they saw: if someone changed it
 * meanwhile, nothing is written and the caller learns who did (no lost or doubled change).
 */
export async function checkStep(actor: User, id: number, raw: z.input<typeof checkInput>): Promise<void> {
  requireRole(actor, "engineer", "Checking a step");
  const input = parseInput(checkInput, raw);
  const step = checklistFor(await readIncident(await getDb(), id)).find((s) => s.key === input.stepKey);
  if (!step) throw notFound("That step is not on this incident's checklist.");
  await mutate(async (tx) => {
    if (!(await writeStepCheck(tx, id, input.stepKey, input.checked, who(actor), input.expectedVersion))) {
      const s = await readStepCheck(tx, id, input.stepKey);
      throw conflict(
        `"${step.title}" was just ${s?.checked ? "checked" : "unchecked"}${s?.checkedBy ? ` by ${s.checkedBy}` : ""}; it now shows their change.`,
      );
    }
    await addEvent(tx, id, {
      actor: who(actor),
      kind: "step",
      message: `${input.checked ? "Checked" : "Unchecked"} "${step.title}"`,
      data: { stepKey: input.stepKey, checked: input.checked },
    });
    await audit(tx, actor, input.checked ? "step-check" : "step-uncheck", id, { stepKey: input.stepKey });
  });
}

/** Acknowledges the incident's pages: the backup page of a P0 is no longer needed, and PagerDuty stops notifying. */
export async function acknowledge(actor: User, id: number): Promise<void> {
  requireRole(actor, "engineer", "Acknowledging a page");
  await mutate(async (tx) => {
    const before = await readIncident(tx, id, true);
    if (before.acknowledgedAt) throw conflict(`${incidentRef(id)} was already acknowledged.`);
    const cancelled = await recordAcknowledgement(tx, id, who(actor));
    await audit(tx, actor, "acknowledge", id, { pagesCancelled: cancelled });
  });
  void followUpPages({ incidentId: id }, "acknowledge");
}

/** The acknowledgement itself, by a person in Switchyard or through PagerDuty: returns whom no longer to page. */
export async function recordAcknowledgement(tx: Queryable, id: number, by: string): Promise<string[]> {
  await writeAcknowledged(tx, id);
  const cancelled = await cancelUnacknowledgedPages(tx, id);
  await addEvent(tx, id, {
    actor: by,
    kind: "ack",
    message: `Acknowledged${cancelled.length ? `; no need to page ${cancelled.join(", ")}` : ""}`,
  });
  return cancelled;
}

export const commInput = z.object({
  kind: z.enum(commKinds),
  body: z.string().trim().min(1, "The message is empty.").max(4000),
});

/** Sends an Initial Alert, Update or Resolution to the incident channel; it lands on the timeline either way. */
export async function sendComm(
  actor: User,
  id: number,
  raw: z.input<typeof commInput>,
): Promise<{ delivered: boolean; detail: string }> {
  requireRole(actor, "lead", "Sending incident messages");
  const input = parseInput(commInput, raw);
  const incident = await readIncident(await getDb(), id);
  // A drill's messages say so, so nobody reading the channel takes the exercise for an outage.
  const delivery = await postToIncidentChannel(incident.drillId !== null ? `[DRILL] ${input.body}` : input.body);
  await mutate(async (tx) => {
    await writeCommSent(tx, id);
    await addEvent(tx, id, {
      actor: who(actor),
      kind: "comm",
      message: `Sent ${commLabels[input.kind]}${delivery.delivered ? " to the incident channel" : ` (not posted: ${delivery.detail})`}`,
      data: { kind: input.kind, body: input.body, delivered: delivery.delivered, detail: delivery.detail },
    });
    await audit(tx, actor, "comm", id, { kind: input.kind, body: input.body, delivered: delivery.delivered });
  });
  return delivery;
}

export const noteInput = z.object({ text: z.string().trim().min(1).max(4000) });

export async function addNote(actor: User, id: number, raw: z.input<typeof noteInput>): Promise<void> {
  requireRole(actor, "engineer", "Adding a note");
  const input = parseInput(noteInput, raw);
  await mutate(async (tx) => {
    await readIncident(tx, id);
    await addEvent(tx, id, { actor: who(actor), kind: "note", message: input.text });
    await audit(tx, actor, "note", id, { text: input.text });
  });
}

export const postmortemInput = z.object({ markdown: z.string().trim().min(1).max(100_000) });

/** A draft from the incident's record, for the editor (saves nothing). */
export async function draftPostmortem(_caller: Caller, id: number): Promise<string> {
  const d = await readIncidentDetail(id);
  return generatePostmortem(d.incident, d.events);
}

export async function savePostmortem(actor: User, id: number, raw: z.input<typeof postmortemInput>): Promise<void> {
  requireRole(actor, "lead", "Editing the post-mortem");
  const input = parseInput(postmortemInput, raw);
  await mutate(async (tx) => {
    const before = await readIncident(tx, id, true);
    await writePostmortem(tx, id, input.markdown);
    await addEvent(tx, id, {
      actor: who(actor),
      kind: "postmortem",
      message: before.postmortem ? "Edited the post-mortem" : "Wrote the post-mortem",
    });
    await audit(tx, actor, before.postmortem ? "postmortem-edit" : "postmortem-write", id, {
      length: input.markdown.length,
    });
  });
}

/** Any signed-in role, and API tokens, read incidents. */
export async function getIncident(_caller: Caller, id: number) {
  return readIncidentDetail(id);
}

/** The open incidents every overview and the incidents API's default show: read once per change, not per request. */
const openIncidents = readPerChange("open-incidents", ["incidents", "users"], () => readIncidents({ status: "open" }));

export async function listIncidents(_caller: Caller, raw: unknown): Promise<Incident[]> {
  const filter = parseInput(incidentFilters, raw);
  return filter.status === "open" && !filter.severity && !filter.scenarioId ? openIncidents() : readIncidents(filter);
}
