import "server-only";
import type { IncidentStatus } from "@/lib/incident";
import type { Severity } from "@/lib/severity";
import type { ComponentState, DayMinutes, PublicIncidentRecord } from "@/lib/status-page";
import { getDb, type Queryable } from "@/server/db";
import { LEASE_HELD } from "@/server/fleet/sample-store";
import { FencedError, type Fence } from "@/server/fleet/leader";

/** The status page's SQL: public updates posted from incidents, and the per-day minutes behind the uptime bars. */

export interface StatusUpdateRow {
  id: string;
  incidentId: number;
  title: string;
  status: IncidentStatus;
  body: string;
  postedAt: string;
}

export async function insertStatusUpdate(
  tx: Queryable,
  u: { incidentId: number; title: string; status: IncidentStatus; body: string; postedBy: string },
): Promise<StatusUpdateRow> {
  const r = await tx.query<{ id: string; posted_at: Date }>(
    `insert into status_updates (incident_id, title, status, body, posted_by) values ($1, $2, $3, $4, $5)
     returning id, posted_at`,
    [u.incidentId, u.title, u.status, u.body, u.postedBy],
  );
  const row = r.rows[0]!;
  return {
    id: String(row.id),
    incidentId: u.incidentId,
    title: u.title,
    status: u.status,
    body: u.body,
    postedAt: row.posted_at.toISOString(),
  };
}

/** An incident on the status page with the fields the public derivation needs (never its lead, people or notes). */
export type PublicIncidentRow = PublicIncidentRecord;

/**
 * The incidents with at least one public update that are open, or were resolved since `since`, each with its
 * updates, the incident with the newest update first.
 */
export async function readPublicIncidents(since: Date, db?: Queryable): Promise<PublicIncidentRow[]> {
  const q = db ?? (await getDb());
  const r = await q.query<{
    id: number;
    status: IncidentStatus;
    severity: Severity;
    scenario_id: string | null;
    regions: string[];
    resolved_at: Date | null;
    update_id: string;
    title: string;
    update_status: IncidentStatus;
    body: string;
    posted_at: Date;
  }>(
    `select i.id, i.status, i.severity, i.scenario_id, i.regions, i.resolved_at,
            u.id as update_id, u.title, u.status as update_status, u.body, u.posted_at
     from status_updates u join incidents i on i.id = u.incident_id
     where i.status <> 'resolved' or i.resolved_at >= $1
     order by u.posted_at desc, u.id desc
     limit 2000`,
    [since.toISOString()],
  );
  const out = new Map<number, PublicIncidentRow>();
  for (const row of r.rows) {
    let i = out.get(row.id);
    if (!i) {
      i = {
        id: row.id,
        status: row.status,
        severity: row.severity,
        scenarioId: row.scenario_id,
        regions: row.regions,
        resolvedAt: row.resolved_at?.toISOString() ?? null,
        updates: [],
      };
      out.set(row.id, i);
    }
    i.updates.push({
      id: String(row.update_id),
      title: row.title,
      status: row.update_status,
      body: row.body,
      postedAt: row.posted_at.toISOString(),
    });
  }
  return [...out.values()];
}

/** The stored minutes per component and day from `sinceDay` (`YYYY-MM-DD`, UTC) on. */
export async function readStatusDays(sinceDay: string): Promise<DayMinutes[]> {
  const db = await getDb();
  const r = await db.query<{ component_id: string; day: string } & Record<ComponentState, number>>(
    `select component_id, to_char(day, 'YYYY-MM-DD') as day,
            operational, degraded_performance, partial_outage, major_outage, under_maintenance
     from status_days where day >= $1::date`,
    [sinceDay],
  );
  return r.rows.map((row) => ({
    componentId: row.component_id,
    day: row.day,
    minutes: {
      operational: row.operational,
      degraded_performance: row.degraded_performance,
      partial_outage: row.partial_outage,
      major_outage: row.major_outage,
      under_maintenance: row.under_maintenance,
    },
  }));
}

/**
 * Adds one minute per component to its day, in the state it had then; a minute already counted for a component
 * (another pass, another console) is not counted again. Under the collector's lease, like every sample write; days
 * before `keepFromDay` are dropped.
 */
export async function writeStatusMinute(
  minute: Date,
  states: Map<string, ComponentState>,
  fence: Fence,
  keepFromDay: string,
): Promise<void> {
  if (!states.size) return;
  if (!fence.holds()) throw new FencedError(fence.term);
  const db = await getDb();
  const day = minute.toISOString().slice(0, 10);
  const params: unknown[] = [fence.term, fence.holder, day, minute.toISOString()];
  const rows = [...states].map(([id, state]) => {
    params.push(id, state);
    return `($${params.length - 1}, $${params.length})`;
  });
  await db.query(
    `insert into status_days as d (component_id, day, operational, degraded_performance, partial_outage, major_outage,
                                   under_maintenance, last_minute)
     select v.id, $3::date, (v.state = 'operational')::int, (v.state = 'degraded_performance')::int,
            (v.state = 'partial_outage')::int, (v.state = 'major_outage')::int, (v.state = 'under_maintenance')::int,
            $4::timestamptz
     from (values ${rows.join(", ")}) as v(id, state)
     where ${LEASE_HELD}
     on conflict (component_id, day) do update set
       operational = d.operational + excluded.operational,
       degraded_performance = d.degraded_performance + excluded.degraded_performance,
       partial_outage = d.partial_outage + excluded.partial_outage,
       major_outage = d.major_outage + excluded.major_outage,
       under_maintenance = d.under_maintenance + excluded.under_maintenance,
       last_minute = excluded.last_minute
     where d.last_minute < excluded.last_minute`,
    params,
  );
  await db.query("delete from status_days where day < $1::date", [keepFromDay]);
}
