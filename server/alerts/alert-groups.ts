import "server-only";
import {
  causeOf,
  groupWaitMs,
  primaryDatabaseDown,
  proposedSeverity,
  routeFor,
  type AlertGroupView,
  type AlertRoute,
  type Cause,
} from "@/lib/alert-groups";
import type { RegionView } from "@/lib/fleet-view";
import { windowCovering } from "@/lib/maintenance";
import { hasRole, type Role } from "@/lib/roles";
import type { Severity } from "@/lib/severity";
import { getDb, type Queryable } from "@/server/db";
import { conflict, notFound } from "@/server/errors";
import { readPolicy } from "@/server/incidents/escalation";
import { readActiveWindows } from "@/server/maintenance/maintenance-store";
import { onCallPersonAt } from "@/server/oncall/oncall-store";
import { resolveAlert } from "./alert-store";

/**
 * Alert groups in the store: the engine files each alert it fires under its cause's open group, opening one when
 * there is none; a new group is routed (pages scheduled, a triage incident proposed) in the same transaction, so a
 * group pages once whichever console leads. A group resolves when its last alert does.
 */

export async function readRoutes(db: Queryable): Promise<AlertRoute[]> {
  const r = await db.query<{
    rule_id: string;
    severity: "critical" | "warning";
    page_level: number | null;
    open_triage: boolean;
  }>("select rule_id, severity, page_level, open_triage from alert_routes order by rule_id, severity");
  return r.rows.map((x) => ({
    ruleId: x.rule_id,
    severity: x.severity,
    pageLevel: x.page_level,
    openTriage: x.open_triage,
  }));
}

/** The lead a triage incident is proposed with: the first person on call, in chain order, who may lead. */
async function onCallLead(tx: Queryable, at: Date): Promise<string | null> {
  const policy = (await readPolicy(tx)).sort((a, b) => a.afterSeconds - b.afterSeconds || a.level - b.level);
  for (const l of policy) {
    const person = await onCallPersonAt(tx, l.level, at);
    if (!person) continue;
    const r = await tx.query<{ role: Role }>("select role from users where id = $1", [person.id]);
    if (r.rows[0] && hasRole(r.rows[0].role, "lead")) return person.id;
  }
  return null;
}

/**
 * Pages for a new group: the chain from the routed level on, the routed level due at once and the later ones
 * shifted by as much; every one only while nobody has acknowledged. Levels for other severities are left out.
 */
async function scheduleGroupPages(
  tx: Queryable,
  groupId: number,
  startLevel: number,
  severity: Severity,
  at: Date,
  waitMs: number,
) {
  const policy = await readPolicy(tx);
  const start = policy.find((l) => l.level === startLevel);
  if (!start) return 0;
  let n = 0;
  for (const l of policy) {
    if (l.afterSeconds < start.afterSeconds) continue;
    if (l.severities && !l.severities.includes(severity)) continue;
    await tx.query(
      `insert into incident_pages (group_id, level, target, contact, due_at, only_if_unacknowledged)
       values ($1, $2, $3, $4, $5::timestamptz + make_interval(secs => $6), true)`,
      [groupId, l.level, l.target, l.contact, at.toISOString(), l.afterSeconds - start.afterSeconds + waitMs / 1000],
    );
    n++;
  }
  return n;
}

/**
 * Files a fired alert under its cause's open group, opening and routing the group when it is new. A new group whose
 * alert a maintenance window in progress covers (lib/maintenance.ts windowCovering, over the fleet's `regions`) is
 * expected: it records the window, pages nobody and proposes no triage incident. Returns whether pages were
 * scheduled, so the caller can send them at once.
 */
export async function fileAlert(
  alert: { id: number; severity: string; ruleId: string | null; labels: Record<string, string> },
  cause: Cause,
  at: Date,
  regions: readonly RegionView[],
): Promise<{ groupId: number; opened: boolean; paging: boolean; firstPageInMs: number; expected: boolean }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const severity = alert.severity === "critical" ? "critical" : "warning";
    const inserted = await tx.query<{ id: number }>(
      `insert into alert_groups (cause_key, title, severity, rule_id, opened_at) values ($1, $2, $3, $4, $5)
       on conflict (cause_key) where resolved_at is null do nothing returning id`,
      [cause.key, cause.title, severity, cause.ruleId, at.toISOString()],
    );
    const opened = inserted.rows.length > 0;
    const groupId = Number(
      opened
        ? inserted.rows[0]!.id
        : (
            await tx.query<{ id: number }>(
              "select id from alert_groups where cause_key = $1 and resolved_at is null for update",
              [cause.key],
            )
          ).rows[0]!.id,
    );
    await tx.query("update alerts set group_id = $2 where id = $1", [alert.id, groupId]);
    if (!opened) return { groupId, opened, paging: false, firstPageInMs: 0, expected: false };

    const window = windowCovering(await readActiveWindows(tx, at), alert, regions, at);
    if (window) {
      await tx.query("update alert_groups set maintenance_window_id = $2 where id = $1", [groupId, window.id]);
      return { groupId, opened, paging: false, firstPageInMs: 0, expected: true };
    }

    const firstPageInMs = groupWaitMs(cause, alert.ruleId);
    const paging = await routeGroup(tx, groupId, cause, severity, at, firstPageInMs);
    return { groupId, opened, paging, firstPageInMs, expected: false };
  });
}

/** Cancels the group's pages not sent yet: it was acknowledged, confirmed or closed. */
export async function cancelGroupPages(tx: Queryable, groupId: number): Promise<void> {
  await tx.query(
    "update incident_pages set cancelled_at = now() where group_id = $1 and incident_id is null and sent_at is null and cancelled_at is null",
    [groupId],
  );
}

/** Routes a group by the policy: schedules its pages (the first `waitMs` from `at`) and proposes its triage incident. */
async function routeGroup(
  tx: Queryable,
  groupId: number,
  cause: Cause,
  severity: "critical" | "warning",
  at: Date,
  waitMs: number,
): Promise<boolean> {
  const route = routeFor(await readRoutes(tx), cause.ruleId, severity);
  const triageSeverity = proposedSeverity(cause.key, severity);
  const paging =
    route?.pageLevel != null &&
    (await scheduleGroupPages(tx, groupId, route.pageLevel, triageSeverity, at, waitMs)) > 0;
  if (route?.openTriage)
    await tx.query(
      `update alert_groups set triage_state = 'proposed', triage_title = $2, triage_severity = $3,
         triage_scenario_id = $4, triage_regions = $5, triage_lead_id = $6 where id = $1`,
      [groupId, cause.title, triageSeverity, cause.scenarioId, cause.regions, await onCallLead(tx, at)],
    );
  return paging;
}

/**
 * Groups that opened inside a maintenance window and are still open when it ends (or is cancelled): the problem
 * outlived the work, so each is routed now as a new group would be. Returns how many of them page.
 */
export async function routeGroupsAfterMaintenance(regions: readonly RegionView[], at: Date): Promise<number> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const r = await tx.query<{
      id: number;
      severity: "critical" | "warning";
      rule_id: string | null;
      fingerprint: string;
      name: string;
      labels: Record<string, string>;
    }>(
      `select g.id, g.severity, a.rule_id, a.fingerprint, a.name, a.labels from alert_groups g
       join maintenance_windows w on w.id = g.maintenance_window_id
       join lateral (select * from alerts where group_id = g.id order by id limit 1) a on true
       where g.resolved_at is null and g.maintenance_over_at is null and (w.cancelled_at is not null or w.ends_at <= $1)
       for update of g skip locked`,
      [at.toISOString()],
    );
    let paging = 0;
    for (const g of r.rows) {
      await tx.query("update alert_groups set maintenance_over_at = $2 where id = $1", [g.id, at.toISOString()]);
      const cause = causeOf({ ruleId: g.rule_id, fingerprint: g.fingerprint, name: g.name, labels: g.labels }, regions);
      if (await routeGroup(tx, Number(g.id), cause, g.severity, at, 0)) paging++;
    }
    return paging;
  });
}

/**
 * Closes the group once none of its alerts fires (or all moved to `mergedInto`); a proposal nobody decided on is
 * withdrawn, unsent pages are cancelled. Returns whether it closed. In `tx` when given (the alert's resolution
 * and its group's closing are one change: no reader sees a quiet group still open), else in a transaction of its own.
 */
export async function closeGroupIfQuiet(
  groupId: number,
  at: Date,
  mergedInto: number | null = null,
  tx?: Queryable,
): Promise<{ closed: boolean; acknowledged: boolean }> {
  if (!tx) return (await getDb()).transaction((own) => closeGroupIfQuiet(groupId, at, mergedInto, own));
  const r = await tx.query<{ acknowledged_at: Date | null }>(
    `update alert_groups set resolved_at = $2, merged_into = $3,
       triage_state = case when triage_state = 'proposed' then 'withdrawn' else triage_state end
     where id = $1 and resolved_at is null
       and not exists (select 1 from alerts where group_id = $1 and state = 'firing') returning acknowledged_at`,
    [groupId, at.toISOString(), mergedInto],
  );
  if (!r.rows[0]) return { closed: false, acknowledged: false };
  await cancelGroupPages(tx, groupId);
  return { closed: true, acknowledged: r.rows[0].acknowledged_at !== null };
}

/** Resolves a firing alert and closes its group if none of the group's alerts fires now, as one change. */
export async function resolveAlertInGroup(fingerprint: string, at: Date) {
  return (await getDb()).transaction(async (tx) => {
    const alert = await resolveAlert(fingerprint, at, tx);
    const groupId = alert?.groupId ?? null;
    const closed =
      groupId === null ? { closed: false, acknowledged: false } : await closeGroupIfQuiet(groupId, at, null, tx);
    return { alert, groupId, ...closed };
  });
}

/**
 * While a primary database is down, firing alerts it explains that sit in another group (they fired a pass before
 * the collector saw the primary down) move into the primary's group, and the groups they leave close as merged.
 * Says how many alerts moved and whether a group was opened that pages (at once: its cause is the primary).
 */
export async function regroupUnderPrimaryDown(
  regions: RegionView[],
  at: Date,
): Promise<{ moved: number; paging: boolean }> {
  if (!primaryDatabaseDown(regions)) return { moved: 0, paging: false };
  const db = await getDb();
  const r = await db.query<{
    id: number;
    rule_id: string | null;
    fingerprint: string;
    name: string;
    severity: string;
    labels: Record<string, string>;
    group_id: number;
    cause_key: string;
  }>(
    `select a.id, a.rule_id, a.fingerprint, a.name, a.severity, a.labels, a.group_id, g.cause_key from alerts a
     join alert_groups g on g.id = a.group_id where a.state = 'firing' and a.source = 'rule' order by a.id`,
  );
  let paging = false;
  let moved = 0;
  for (const a of r.rows) {
    const cause = causeOf({ ruleId: a.rule_id, fingerprint: a.fingerprint, name: a.name, labels: a.labels }, regions);
    if (cause.key === a.cause_key || !cause.key.startsWith("primary-database-down/")) continue;
    const filed = await fileAlert(
      { id: Number(a.id), severity: a.severity, ruleId: a.rule_id, labels: a.labels },
      cause,
      at,
      regions,
    );
    paging ||= filed.paging;
    await closeGroupIfQuiet(Number(a.group_id), at, filed.groupId);
    moved++;
  }
  return { moved, paging };
}

type GroupRow = {
  id: number;
  title: string;
  severity: "critical" | "warning";
  opened_at: Date;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  triage_state: NonNullable<AlertGroupView["triage"]>["state"] | null;
  triage_title: string | null;
  triage_severity: Severity | null;
  triage_scenario_id: string | null;
  triage_regions: string[];
  triage_lead_id: string | null;
  lead_name: string | null;
  triage_decided_by: string | null;
  incident_id: number | null;
  maintenance_window_id: number | string | null;
  maintenance_title: string | null;
  maintenance_ends_at: Date | null;
  maintenance_over_at: Date | null;
};

/** Open groups, and those resolved in the last `recentMinutes`, newest first, with their alerts and pages. */
export async function readAlertGroups(recentMinutes = 60): Promise<AlertGroupView[]> {
  const db = await getDb();
  const groups = await db.query<GroupRow>(
    `select g.*, u.name as lead_name, m.title as maintenance_title, m.ends_at as maintenance_ends_at
     from alert_groups g left join users u on u.id = g.triage_lead_id
       left join maintenance_windows m on m.id = g.maintenance_window_id
     where g.merged_into is null and (g.resolved_at is null or g.resolved_at > now() - make_interval(mins => $1))
     order by g.opened_at desc, g.id desc limit 50`,
    [recentMinutes],
  );
  if (!groups.rows.length) return [];
  const ids = groups.rows.map((g) => g.id);
  const [alerts, pages] = await Promise.all([
    db.query<{
      id: number;
      group_id: number;
      state: string;
      name: string;
      summary: string;
      labels: Record<string, string>;
    }>(
      // The cause's own alert leads its group: the replicas' alerts of a stopped primary may start in the same moment.
      `select a.id, a.group_id, a.state, a.name, a.summary, a.labels from alerts a join alert_groups g on g.id = a.group_id
       where a.group_id = any($1::bigint[]) order by a.rule_id is distinct from g.rule_id, a.started_at, a.id`,
      [ids],
    ),
    db.query<{
      id: number;
      group_id: number;
      level: number;
      target: string;
      due_at: Date;
      sent_at: Date | null;
      cancelled_at: Date | null;
      delivery: string | null;
      recipient: string | null;
    }>(
      `select p.id, p.group_id, p.level, p.target, p.due_at, p.sent_at, p.cancelled_at, p.delivery, u.name as recipient
       from incident_pages p left join users u on u.id = p.recipient_id
       where p.group_id = any($1::bigint[]) and p.incident_id is null order by p.due_at, p.level`,
      [ids],
    ),
  ]);
  return groups.rows.map((g): AlertGroupView => {
    const own = alerts.rows.filter((a) => Number(a.group_id) === Number(g.id));
    return {
      id: Number(g.id),
      title: g.title,
      severity: g.severity,
      openedAt: g.opened_at.toISOString(),
      resolvedAt: g.resolved_at?.toISOString() ?? null,
      acknowledgedAt: g.acknowledged_at?.toISOString() ?? null,
      acknowledgedBy: g.acknowledged_by,
      alerts: own.map((a) => ({
        id: Number(a.id),
        name: a.name,
        summary: a.summary,
        region: a.labels.region ?? null,
        firing: a.state === "firing",
      })),
      pages: pages.rows
        .filter((p) => Number(p.group_id) === Number(g.id))
        .map((p) => ({
          id: Number(p.id),
          level: p.level,
          target: p.target,
          recipient: p.recipient,
          dueAt: p.due_at.toISOString(),
          sentAt: p.sent_at?.toISOString() ?? null,
          cancelled: p.cancelled_at !== null,
          delivery: p.delivery,
        })),
      triage: g.triage_state
        ? {
            state: g.triage_state,
            title: g.triage_title ?? g.title,
            severity: g.triage_severity ?? "P2",
            scenarioId: g.triage_scenario_id,
            regions: g.triage_regions,
            lead: g.triage_lead_id ? { id: g.triage_lead_id, name: g.lead_name ?? "" } : null,
            decidedBy: g.triage_decided_by,
            incidentId: g.incident_id,
          }
        : null,
      // Expected only while its window lasts: a group routed after the window shows its pages instead.
      maintenanceWindow:
        g.maintenance_window_id !== null && g.maintenance_ends_at && !g.maintenance_over_at
          ? {
              id: Number(g.maintenance_window_id),
              title: g.maintenance_title ?? "",
              endsAt: g.maintenance_ends_at.toISOString(),
            }
          : null,
    };
  });
}

/**
 * The group's triage incident becomes `incidentId` (in the declaring transaction): refused unless it is still
 * proposed; the group's unsent pages are cancelled and it counts as acknowledged. Returns the levels it paged.
 */
export async function confirmGroupTriage(
  tx: Queryable,
  groupId: number,
  incidentId: number,
  by: string,
): Promise<number[]> {
  const g = await tx.query<{ triage_state: string | null }>(
    "select triage_state from alert_groups where id = $1 for update",
    [groupId],
  );
  if (!g.rows[0]) throw notFound(`There is no alert group ${groupId}.`);
  if (g.rows[0].triage_state !== "proposed") throw conflict(triageGone(g.rows[0].triage_state));
  await tx.query(
    `update alert_groups set triage_state = 'confirmed', incident_id = $2, triage_decided_by = $3,
       acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $3) where id = $1`,
    [groupId, incidentId, by],
  );
  await cancelGroupPages(tx, groupId);
  const sent = await tx.query<{ level: number }>(
    "select level from incident_pages where group_id = $1 and incident_id is null and sent_at is not null",
    [groupId],
  );
  return sent.rows.map((r) => r.level);
}

/** Why a triage incident can no longer be decided on. */
export function triageGone(state: string | null): string {
  switch (state) {
    case "confirmed":
      return "This triage incident was confirmed already.";
    case "dismissed":
      return "This triage incident was dismissed already.";
    case "withdrawn":
      return "This triage incident was withdrawn: its alerts resolved.";
    default:
      return "This alert group proposed no triage incident.";
  }
}
