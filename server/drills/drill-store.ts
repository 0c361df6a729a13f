import "server-only";
import type { DrillScore } from "@/lib/drill-score";
import type { DrillFault, DrillStatus, DrillView } from "@/lib/drills";
import type { Severity } from "@/lib/severity";
import type { Queryable } from "@/server/db";
import { findRunbook } from "@/server/runbooks/catalog";

/** Drills' SQL (migration 0021). A drill is never deleted; its incident is the one whose drill_id names it. */

type DrillRow = {
  id: number | string;
  scenario_id: string;
  severity: Severity;
  region: string;
  fault: DrillFault | null;
  status: DrillStatus;
  started_at: Date;
  started_by_name: string | null;
  fault_injected_at: Date | null;
  fault_cleared_at: Date | null;
  fault_note: string | null;
  maintenance_window_id: number | string | null;
  ended_at: Date | null;
  ended_by_name: string | null;
  score: DrillScore | null;
  participant_list: { id: string; name: string; email: string }[];
  incident_id: number | null;
  incident_title: string | null;
  incident_severity: Severity | null;
  incident_status: NonNullable<DrillView["incident"]>["status"] | null;
  declared_at: Date | null;
  first_comm_at: Date | null;
  mitigated_at: Date | null;
  resolved_at: Date | null;
};

const SELECT = `
  select d.id, d.scenario_id, d.severity, d.region, d.fault, d.status, d.started_at, s.name as started_by_name,
    d.fault_injected_at, d.fault_cleared_at, d.fault_note, d.maintenance_window_id, d.ended_at,
    e.name as ended_by_name, d.score,
    (select coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email) order by u.name), '[]')
       from users u where u.id = any(d.participants)) as participant_list,
    i.id as incident_id, i.title as incident_title, i.severity as incident_severity, i.status as incident_status,
    i.declared_at, i.first_comm_at, i.mitigated_at, i.resolved_at
  from drills d
    left join users s on s.id = d.started_by
    left join users e on e.id = d.ended_by
    left join incidents i on i.drill_id = d.id`;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toView(r: DrillRow): DrillView {
  return {
    id: Number(r.id),
    scenarioId: r.scenario_id,
    scenarioTitle: findRunbook(r.scenario_id)?.title ?? r.scenario_id,
    severity: r.severity,
    region: r.region,
    fault: r.fault,
    participants: r.participant_list,
    status: r.status,
    startedAt: r.started_at.toISOString(),
    startedBy: r.started_by_name,
    faultInjectedAt: iso(r.fault_injected_at),
    faultClearedAt: iso(r.fault_cleared_at),
    faultNote: r.fault_note,
    incident:
      r.incident_id !== null && r.declared_at
        ? {
            id: r.incident_id,
            title: r.incident_title ?? "",
            severity: r.incident_severity ?? r.severity,
            status: r.incident_status ?? "investigating",
            declaredAt: r.declared_at.toISOString(),
            firstCommAt: iso(r.first_comm_at),
            mitigatedAt: iso(r.mitigated_at),
            resolvedAt: iso(r.resolved_at),
          }
        : null,
    maintenanceWindowId: r.maintenance_window_id === null ? null : Number(r.maintenance_window_id),
    endedAt: iso(r.ended_at),
    endedBy: r.ended_by_name,
    score: r.score,
  };
}

/** The latest drills first. */
export async function readDrills(db: Queryable, limit = 200): Promise<DrillView[]> {
  const r = await db.query<DrillRow>(`${SELECT} order by d.started_at desc, d.id desc limit $1`, [limit]);
  return r.rows.map(toView);
}

/** One drill; with `forUpdate`, its row stays locked until the caller's transaction ends. */
export async function readDrill(db: Queryable, id: number, forUpdate = false): Promise<DrillView | null> {
  const r = await db.query<DrillRow>(`${SELECT} where d.id = $1${forUpdate ? " for update of d" : ""}`, [id]);
  return r.rows[0] ? toView(r.rows[0]) : null;
}

/** The drill running now, if any (there is at most one). */
export async function readRunningDrill(db: Queryable): Promise<DrillView | null> {
  const r = await db.query<DrillRow>(`${SELECT} where d.status = 'running'`);
  return r.rows[0] ? toView(r.rows[0]) : null;
}

/** Serialises starts, so that two leads starting at once get one drill and a clear refusal, not a key violation. */
export async function lockDrillStarts(tx: Queryable): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(7311021)");
}

export interface NewDrill {
  scenarioId: string;
  severity: Severity;
  region: string;
  fault: DrillFault | null;
  participants: string[];
  startedBy: string;
}

/** Adds a running drill in the caller's transaction; returns its id. */
export async function insertDrill(tx: Queryable, d: NewDrill): Promise<number> {
  const r = await tx.query<{ id: number | string }>(
    `insert into drills (scenario_id, severity, region, fault, participants, started_by)
     values ($1, $2, $3, $4, $5::uuid[], $6) returning id`,
    [d.scenarioId, d.severity, d.region, d.fault, d.participants, d.startedBy],
  );
  return Number(r.rows[0]!.id);
}

/** The maintenance window that makes the drill's alerts expected. */
export async function writeDrillWindow(tx: Queryable, id: number, windowId: number): Promise<void> {
  await tx.query("update drills set maintenance_window_id = $2 where id = $1", [id, windowId]);
}

export async function markFaultInjected(tx: Queryable, id: number, at: Date): Promise<void> {
  await tx.query("update drills set fault_injected_at = $2 where id = $1", [id, at.toISOString()]);
}

export async function markFaultCleared(tx: Queryable, id: number, at: Date): Promise<void> {
  await tx.query("update drills set fault_cleared_at = $2 where id = $1", [id, at.toISOString()]);
}

export async function writeFaultNote(tx: Queryable, id: number, note: string): Promise<void> {
  await tx.query("update drills set fault_note = $2 where id = $1", [id, note.slice(0, 2000)]);
}

/** Stamps a running drill ended (with its score) or cancelled; false when it was not running. */
export async function markDrillOver(
  tx: Queryable,
  id: number,
  d: { status: "ended" | "cancelled"; at: Date; by: string | null; score: DrillScore | null },
): Promise<boolean> {
  const r = await tx.query(
    `update drills set status = $2, ended_at = $3, ended_by = $4, score = $5 where id = $1 and status = 'running'`,
    [id, d.status, d.at.toISOString(), d.by, d.score ? JSON.stringify(d.score) : null],
  );
  return r.rowCount > 0;
}

/**
 * The running drill `id` with its participants, locked until the caller's transaction ends, for declaring its
 * incident; null when there is no such drill.
 */
export async function lockDrillForIncident(
  tx: Queryable,
  id: number,
): Promise<{ status: DrillStatus; participants: string[]; hasIncident: boolean } | null> {
  const r = await tx.query<{ status: DrillStatus; participants: string[]; has_incident: boolean }>(
    `select status, participants::text[] as participants,
       exists (select 1 from incidents where drill_id = $1) as has_incident
     from drills where id = $1 for update`,
    [id],
  );
  const row = r.rows[0];
  return row ? { status: row.status, participants: row.participants, hasIncident: row.has_incident } : null;
}
