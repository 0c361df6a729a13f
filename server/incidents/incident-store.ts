import "server-only";
import { buildChecklist, type ChecklistStep } from "@/lib/checklist";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { incidentRef } from "@/lib/ids";
import type { FiguresSnapshot, Incident, IncidentDetail, PageState, StepState, TimelineEvent } from "@/lib/incident";
import type { Queryable } from "@/server/db";
import { getDb } from "@/server/db";
import { notFound } from "@/server/errors";
import { findRunbook } from "@/server/runbooks/catalog";

type IncidentRow = {
  id: number;
  title: string;
  scenario_id: string | null;
  severity: Incident["severity"];
  impact: string;
  regions: string[];
  lead_id: string;
  lead_name: string;
  lead_email: string;
  status: Incident["status"];
  from_alert_id: number | null;
  declared_by_name: string | null;
  declared_at: Date;
  acknowledged_at: Date | null;
  first_comm_at: Date | null;
  mitigated_at: Date | null;
  resolved_at: Date | null;
  eta: string;
  root_cause: string;
  postmortem: string | null;
  version: number;
  drill_id: number | string | null;
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const INCIDENT_SELECT = `
  select i.*, l.name as lead_name, l.email as lead_email, d.name as declared_by_name
  from incidents i join users l on l.id = i.lead_id left join users d on d.id = i.declared_by`;

export function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    title: r.title,
    scenarioId: r.scenario_id,
    scenarioTitle: r.scenario_id ? (findRunbook(r.scenario_id)?.title ?? r.scenario_id) : null,
    severity: r.severity,
    impact: r.impact,
    regions: r.regions,
    lead: { id: r.lead_id, name: r.lead_name, email: r.lead_email },
    status: r.status,
    fromAlertId: r.from_alert_id === null ? null : Number(r.from_alert_id),
    declaredBy: r.declared_by_name,
    declaredAt: r.declared_at.toISOString(),
    acknowledgedAt: iso(r.acknowledged_at),
    firstCommAt: iso(r.first_comm_at),
    mitigatedAt: iso(r.mitigated_at),
    resolvedAt: iso(r.resolved_at),
    eta: r.eta,
    rootCause: r.root_cause,
    postmortem: r.postmortem,
    version: r.version,
    drillId: r.drill_id === null ? null : Number(r.drill_id),
  };
}

/** The guided checklist of an incident: its scenario's and the response procedure's steps for its severity. */
export function checklistFor(incident: Pick<Incident, "scenarioId" | "severity">): ChecklistStep[] {
  const response = findRunbook("incident-response");
  if (!response) throw new Error("runbooks/response.yaml is missing");
  return buildChecklist(
    response,
    incident.scenarioId ? (findRunbook(incident.scenarioId) ?? null) : null,
    incident.severity,
  );
}

export async function readIncident(db: Queryable, id: number, forUpdate = false): Promise<Incident> {
  const r = await db.query<IncidentRow>(`${INCIDENT_SELECT} where i.id = $1${forUpdate ? " for update of i" : ""}`, [
    id,
  ]);
  if (!r.rows[0]) throw notFound(`There is no incident ${incidentRef(id)}.`);
  return toIncident(r.rows[0]);
}

export async function readIncidentDetail(id: number): Promise<IncidentDetail> {
  const db = await getDb();
  const incident = await readIncident(db, id);
  const [steps, events, pages] = await Promise.all([
    db.query<{
      step_key: string;
      checked: boolean;
      checked_by: string | null;
      checked_at: Date | null;
      observed: string | null;
      version: number;
      holding_since: Date | null;
    }>("select * from incident_steps where incident_id = $1", [id]),
    db.query<{
      id: number;
      at: Date;
      actor: string;
      kind: TimelineEvent["kind"];
      message: string;
      data: Record<string, unknown>;
      snapshot: FiguresSnapshot | null;
    }>("select * from incident_events where incident_id = $1 order by at, id", [id]),
    db.query<{
      level: number;
      target: string;
      contact: string;
      due_at: Date;
      only_if_unacknowledged: boolean;
      sent_at: Date | null;
      cancelled_at: Date | null;
      delivery: string | null;
    }>("select * from incident_pages where incident_id = $1 order by due_at, level", [id]),
  ]);
  const state = new Map(steps.rows.map((s) => [s.step_key, s]));
  return {
    incident,
    steps: checklistFor(incident).map((s): StepState => ({
      ...s,
      checked: state.get(s.key)?.checked ?? false,
      checkedBy: state.get(s.key)?.checked_by ?? null,
      checkedAt: iso(state.get(s.key)?.checked_at ?? null),
      observed: state.get(s.key)?.observed ?? null,
      holdingSince: iso(state.get(s.key)?.holding_since ?? null),
      version: state.get(s.key)?.version ?? 0,
    })),
    events: events.rows.map((e) => ({
      id: Number(e.id),
      at: e.at.toISOString(),
      actor: e.actor,
      kind: e.kind,
      message: e.message,
      data: e.data,
      snapshot: e.snapshot,
    })),
    pages: pages.rows.map((p): PageState => ({
      level: p.level,
      target: p.target,
      contact: p.contact,
      dueAt: p.due_at.toISOString(),
      onlyIfUnacknowledged: p.only_if_unacknowledged,
      sentAt: iso(p.sent_at),
      cancelledAt: iso(p.cancelled_at),
      delivery: p.delivery,
    })),
    serverNow: new Date().toISOString(),
  };
}

export async function readIncidents(filter: {
  status: "open" | "resolved" | "all";
  severity?: string;
  scenarioId?: string;
}): Promise<Incident[]> {
  const db = await getDb();
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status === "open") where.push("i.status <> 'resolved'");
  if (filter.status === "resolved") where.push("i.status = 'resolved'");
  if (filter.severity) where.push(`i.severity = $${params.push(filter.severity)}`);
  if (filter.scenarioId) where.push(`i.scenario_id = $${params.push(filter.scenarioId)}`);
  const r = await db.query<IncidentRow>(
    `${INCIDENT_SELECT} ${where.length ? `where ${where.join(" and ")}` : ""} order by i.declared_at desc limit 500`,
    params,
  );
  return r.rows.map(toIncident);
}

/** The figures that mattered at a decision, taken from the fleet snapshot. */
export function figuresOf(s: FleetSnapshot | null): FiguresSnapshot | null {
  if (!s) return null;
  return {
    at: s.generatedAt,
    regions: s.regions.map((r) => ({
      id: r.id,
      status: r.status,
      lagSeconds: r.sample?.lag?.seconds ?? null,
      mirrorHitRate: r.sample?.mirrors?.hitRate ?? null,
      cdnHitRate: r.sample?.cdn?.cacheHitRate ?? null,
    })),
  };
}

export async function addEvent(
  tx: Queryable,
  incidentId: number,
  e: {
    actor: string;
    kind: TimelineEvent["kind"];
    message: string;
    data?: Record<string, unknown>;
    snapshot?: FiguresSnapshot | null;
  },
) {
  await tx.query(
    "insert into incident_events (incident_id, actor, kind, message, data, snapshot) values ($1, $2, $3, $4, $5, $6)",
    [
      incidentId,
      e.actor,
      e.kind,
      e.message,
      JSON.stringify(e.data ?? {}),
      e.snapshot ? JSON.stringify(e.snapshot) : null,
    ],
  );
}

export interface NewIncident {
  title: string;
  scenarioId: string | null;
  severity: Incident["severity"];
  impact: string;
  regions: string[];
  leadId: string;
  fromAlertId: number | null;
  declaredBy: string;
  /** the drill it is the incident of */
  drillId: number | null;
}

/** A declared incident, with an unchecked row for each step of its checklist; returns it as read back. */
export async function insertIncident(tx: Queryable, i: NewIncident): Promise<Incident> {
  const r = await tx.query<{ id: number }>(
    `insert into incidents (title, scenario_id, severity, impact, regions, lead_id, from_alert_id, declared_by, drill_id, declared_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) returning id`,
    [i.title, i.scenarioId, i.severity, i.impact, i.regions, i.leadId, i.fromAlertId, i.declaredBy, i.drillId],
  );
  const incident = await readIncident(tx, r.rows[0]!.id);
  for (const step of checklistFor(incident)) {
    await tx.query("insert into incident_steps (incident_id, step_key) values ($1, $2)", [incident.id, step.key]);
  }
  return incident;
}

/** A new status; reaching Monitoring or Resolved stamps when it was mitigated (once), and reopening clears resolved_at. */
export async function writeStatus(
  tx: Queryable,
  id: number,
  status: Incident["status"],
  reopening: boolean,
): Promise<void> {
  await tx.query(
    `update incidents set status = $2, version = version + 1, updated_at = now(),
       mitigated_at = case when $2 in ('monitoring', 'resolved') then coalesce(mitigated_at, now()) else mitigated_at end,
       resolved_at = case when $2 = 'resolved' then now() when $3 then null else resolved_at end
     where id = $1`,
    [id, status, reopening],
  );
}

export async function writeLead(tx: Queryable, id: number, leadId: string): Promise<void> {
  await tx.query("update incidents set lead_id = $2, version = version + 1, updated_at = now() where id = $1", [
    id,
    leadId,
  ]);
}

export async function writeDetails(
  tx: Queryable,
  id: number,
  d: Pick<Incident, "impact" | "eta" | "rootCause" | "severity">,
): Promise<void> {
  await tx.query(
    "update incidents set impact = $2, eta = $3, root_cause = $4, severity = $5, version = version + 1, updated_at = now() where id = $1",
    [id, d.impact, d.eta, d.rootCause, d.severity],
  );
}

export async function writeAcknowledged(tx: Queryable, id: number): Promise<void> {
  await tx.query(
    "update incidents set acknowledged_at = now(), version = version + 1, updated_at = now() where id = $1",
    [id],
  );
}

/** The first message to the incident channel is when comms began; later ones leave it be. */
export async function writeCommSent(tx: Queryable, id: number): Promise<void> {
  await tx.query(
    "update incidents set first_comm_at = coalesce(first_comm_at, now()), version = version + 1, updated_at = now() where id = $1",
    [id],
  );
}

export async function writePostmortem(tx: Queryable, id: number, markdown: string): Promise<void> {
  await tx.query("update incidents set postmortem = $2, version = version + 1, updated_at = now() where id = $1", [
    id,
    markdown,
  ]);
}

/** Cancels every page of the incident not yet sent (it was resolved). */
export async function cancelUnsentPages(tx: Queryable, incidentId: number): Promise<void> {
  await tx.query(
    "update incident_pages set cancelled_at = now() where incident_id = $1 and sent_at is null and cancelled_at is null",
    [incidentId],
  );
}

/** Cancels the unsent pages that were only for an unacknowledged incident (a P0's backup); returns whom they were for. */
export async function cancelUnacknowledgedPages(tx: Queryable, incidentId: number): Promise<string[]> {
  const r = await tx.query<{ target: string }>(
    "update incident_pages set cancelled_at = now() where incident_id = $1 and only_if_unacknowledged and sent_at is null and cancelled_at is null returning target",
    [incidentId],
  );
  return r.rows.map((c) => c.target);
}

/**
 * A person checks or unchecks a step, only if it is still at the version they saw (the live check's observation is
 * cleared). False when someone changed it meanwhile: nothing was written.
 */
export async function writeStepCheck(
  tx: Queryable,
  incidentId: number,
  stepKey: string,
  checked: boolean,
  by: string,
  expectedVersion: number,
): Promise<boolean> {
  const r = await tx.query(
    `update incident_steps set checked = $3, checked_by = $4, checked_at = case when $3 then now() else null end, observed = null, version = version + 1
     where incident_id = $1 and step_key = $2 and version = $5 returning version`,
    [incidentId, stepKey, checked, by, expectedVersion],
  );
  return r.rowCount > 0;
}

/** Whether a step is checked now, and by whom. */
export async function readStepCheck(
  db: Queryable,
  incidentId: number,
  stepKey: string,
): Promise<{ checked: boolean; checkedBy: string | null } | null> {
  const r = await db.query<{ checked: boolean; checked_by: string | null }>(
    "select checked, checked_by from incident_steps where incident_id = $1 and step_key = $2",
    [incidentId, stepKey],
  );
  const s = r.rows[0];
  return s ? { checked: s.checked, checkedBy: s.checked_by } : null;
}

/** Ticks a step that is still unchecked on behalf of a live check or an action, with what it observed, and says so on the timeline. */
export async function tickStep(
  tx: Queryable,
  incidentId: number,
  step: { key: string; title: string },
  by: string,
  observed: string,
): Promise<boolean> {
  const r = await tx.query(
    `update incident_steps set checked = true, checked_by = $3, checked_at = now(), observed = $4, version = version + 1
     where incident_id = $1 and step_key = $2 and not checked`,
    [incidentId, step.key, by, observed],
  );
  if (r.rowCount === 0) return false;
  await addEvent(tx, incidentId, {
    actor: by,
    kind: "step",
    message: `Checked "${step.title}": ${observed}`,
    data: { stepKey: step.key, checked: true, observed },
  });
  return true;
}
