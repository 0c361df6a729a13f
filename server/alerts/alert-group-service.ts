import "server-only";
import { z } from "zod";
import { alertGroupStatus, alertRouteInput, type AlertGroupView, type AlertRoute } from "@/lib/alert-groups";
import type { Incident } from "@/lib/incident";
import { appendAudit } from "@/server/audit/append-audit";
import type { Caller } from "@/server/auth/caller";
import { requireRole } from "@/server/auth/require-role";
import type { User } from "@/server/auth/users";
import { getDb, type Queryable } from "@/server/db";
import { conflict, invalid, notFound, parseInput } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { readPerChange } from "@/server/events/read-per-change";
import { followUpPages, readPolicy } from "@/server/incidents/escalation";
import { declareIncident } from "@/server/incidents/incident-service";
import { cancelGroupPages, readAlertGroups, readRoutes, triageGone } from "./alert-groups";

/**
 * What people do with alert groups: everyone signed in reads them; engineers acknowledge a group's page; leads
 * confirm its triage incident (one click: it is declared as proposed) or dismiss it; admins edit the routing policy.
 */

export const groupIdInput = z.object({ groupId: z.coerce.number().int().positive() });

/**
 * The groups pages show, each read once per change, not per request: "recent" (the alerts page), open and resolved in
 * the last hour; "open" (the overview, whose firing alerts name their groups), only those not resolved. After a
 * storm the last hour holds dozens of resolved groups with their pages, more than the whole overview besides.
 */
const groupReads = {
  recent: readPerChange("alert-groups", ["alerts", "incidents", "users"], () => readAlertGroups()),
  open: readPerChange("open-alert-groups", ["alerts", "incidents", "users"], () => readAlertGroups(0)),
};

export const alertGroupFilters = z.object({ status: alertGroupStatus.default("recent") });

export async function listAlertGroups(_caller: Caller, raw: unknown = {}): Promise<AlertGroupView[]> {
  return groupReads[parseInput(alertGroupFilters, raw).status]();
}

/** Stops the group's escalation (one acknowledgement, by a person or through PagerDuty). False: it was already. */
export async function recordGroupAcknowledgement(tx: Queryable, groupId: number, by: string): Promise<boolean> {
  const r = await tx.query(
    "update alert_groups set acknowledged_at = now(), acknowledged_by = $2 where id = $1 and acknowledged_at is null",
    [groupId, by],
  );
  if (r.rowCount === 0) return false;
  await cancelGroupPages(tx, groupId);
  return true;
}

async function lockGroup(tx: Queryable, groupId: number) {
  const r = await tx.query<{ title: string; acknowledged_at: Date | null; triage_state: string | null }>(
    "select title, acknowledged_at, triage_state from alert_groups where id = $1 for update",
    [groupId],
  );
  if (!r.rows[0]) throw notFound(`There is no alert group ${groupId}.`);
  return r.rows[0];
}

export async function acknowledgeGroup(actor: User, raw: unknown): Promise<void> {
  requireRole(actor, "engineer", "Acknowledging a page");
  const { groupId } = parseInput(groupIdInput, raw);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const g = await lockGroup(tx, groupId);
    if (g.acknowledged_at) throw conflict(`"${g.title}" was acknowledged already.`);
    await recordGroupAcknowledgement(tx, groupId, actor.name);
    await appendAudit(tx, { actor, action: "alert-group.acknowledge", target: g.title, detail: { groupId } });
  });
  publish("alerts");
  void followUpPages({ groupId }, "acknowledge");
}

/** One click: the proposed triage incident is declared as proposed, with the proposed lead (else the confirming lead). */
export async function confirmTriage(actor: User, raw: unknown): Promise<Incident> {
  requireRole(actor, "lead", "Confirming a triage incident");
  const { groupId } = parseInput(groupIdInput, raw);
  const db = await getDb();
  const g = await db.query<{
    triage_state: string | null;
    triage_title: string;
    triage_severity: Incident["severity"];
    triage_scenario_id: string | null;
    triage_regions: string[];
    triage_lead_id: string | null;
    acknowledged_at: Date | null;
    first_alert: number | null;
  }>(
    `select g.*, (select min(id) from alerts where group_id = g.id) as first_alert from alert_groups g where g.id = $1`,
    [groupId],
  );
  const group = g.rows[0];
  if (!group) throw notFound(`There is no alert group ${groupId}.`);
  if (group.triage_state !== "proposed") throw conflict(triageGone(group.triage_state));
  const incident = await declareIncident(
    actor,
    {
      title: group.triage_title,
      severity: group.triage_severity,
      scenarioId: group.triage_scenario_id,
      regions: group.triage_regions,
      leadId: group.triage_lead_id ?? actor.id,
      fromAlertId: group.first_alert === null ? null : Number(group.first_alert),
    },
    { groupId },
  );
  publish("alerts");
  if (!group.acknowledged_at) void followUpPages({ groupId }, "acknowledge");
  return incident;
}

/** Not an incident: the proposal is dismissed and the group's escalation stops. */
export async function dismissTriage(actor: User, raw: unknown): Promise<void> {
  requireRole(actor, "lead", "Dismissing a triage incident");
  const { groupId } = parseInput(groupIdInput, raw);
  const db = await getDb();
  const acknowledged = await db.transaction(async (tx) => {
    const g = await lockGroup(tx, groupId);
    if (g.triage_state !== "proposed") throw conflict(triageGone(g.triage_state));
    await tx.query("update alert_groups set triage_state = 'dismissed', triage_decided_by = $2 where id = $1", [
      groupId,
      actor.name,
    ]);
    const acked = await recordGroupAcknowledgement(tx, groupId, actor.name);
    await appendAudit(tx, { actor, action: "alert-group.dismiss-triage", target: g.title, detail: { groupId } });
    return acked;
  });
  publish("alerts");
  if (acknowledged) void followUpPages({ groupId }, "acknowledge");
}

export async function listAlertRoutes(_caller: Caller): Promise<AlertRoute[]> {
  return readRoutes(await getDb());
}

/** Sets the route for one rule (or '*') and severity; admins only, audited in the same transaction. */
export async function updateAlertRoute(actor: User, raw: unknown): Promise<AlertRoute> {
  requireRole(actor, "admin", { refusal: "Only admins can change alert routing." });
  const input = parseInput(alertRouteInput, raw);
  const db = await getDb();
  await db.transaction(async (tx) => {
    if (input.pageLevel !== null && !(await readPolicy(tx)).some((l) => l.level === input.pageLevel))
      throw invalid(`Level ${input.pageLevel} is not in the escalation chain.`);
    await tx.query(
      `insert into alert_routes (rule_id, severity, page_level, open_triage, updated_at, updated_by) values ($1, $2, $3, $4, now(), $5)
       on conflict (rule_id, severity) do update set page_level = excluded.page_level, open_triage = excluded.open_triage,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [input.ruleId, input.severity, input.pageLevel, input.openTriage, actor.email],
    );
    await appendAudit(tx, {
      actor,
      action: "alert-route.update",
      target: `${input.ruleId}/${input.severity}`,
      detail: input,
    });
  });
  return input;
}
