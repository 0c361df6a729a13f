import "server-only";
import { actionCatalog, type ActionId, type Risk } from "@/lib/actions/catalog";
import type {
  ActionRun,
  ActionRunDetail,
  Check,
  OutputLine,
  Person,
  PreflightRecheck,
  RunStatus,
} from "@/lib/actions/run";
import type { Queryable } from "@/server/db";

/**
 * Rows of action_runs and action_output: read as the views pages show, and written for the action service,
 * each write in the transaction it is handed (the service decides what may change and audits it).
 */

export const RUN_SELECT = `
  select r.*,
    rq.name as rq_name, rq.email as rq_email,
    dc.name as dc_name, dc.email as dc_email,
    ov.name as ov_name, ov.email as ov_email
  from action_runs r
  join users rq on rq.id = r.requested_by
  left join users dc on dc.id = r.decided_by
  left join users ov on ov.id = r.override_by`;

export interface RunRow {
  id: number;
  action_id: ActionId;
  params: Record<string, unknown>;
  params_hash: string;
  target: string;
  risk: Risk;
  status: RunStatus;
  requested_by: string;
  requested_at: Date;
  expires_at: Date;
  incident_id: number | null;
  step_key: string | null;
  preflight: Check[];
  preflight_at: Date | null;
  plan: string[];
  override_by: string | null;
  override_reason: string | null;
  override_at: Date | null;
  /** the failing checks the override's author saw (null without an override, or for runs finished before it was kept) */
  override_checks: Check[] | null;
  preflight_recheck: PreflightRecheck | null;
  decided_by: string | null;
  decided_at: Date | null;
  reject_reason: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  progress: ActionRun["progress"];
  verification: ActionRun["verification"];
  stages: ActionRun["stages"];
  figures: ActionRun["figures"] | null;
  error: string | null;
  control: "pause" | "abort" | null;
  runner: string | null;
  heartbeat_at: Date | null;
  version: number;
  rq_name: string;
  rq_email: string;
  dc_name: string | null;
  dc_email: string | null;
  ov_name: string | null;
  ov_email: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const person = (id: string | null, name: string | null, email: string | null): Person | null =>
  id && name && email ? { id, name, email } : null;

export function toRun(r: RunRow): ActionRun {
  const paused = r.control === "pause" && r.status === "running";
  const overrideBy = person(r.override_by, r.ov_name, r.ov_email);
  return {
    id: r.id,
    actionId: r.action_id,
    title: actionCatalog[r.action_id]?.title ?? r.action_id,
    params: r.params,
    paramsHash: r.params_hash,
    target: r.target,
    risk: r.risk,
    status: r.status,
    requestedBy: { id: r.requested_by, name: r.rq_name, email: r.rq_email },
    requestedAt: r.requested_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    incidentId: r.incident_id,
    stepKey: r.step_key,
    preflight: r.preflight,
    preflightAt: iso(r.preflight_at),
    plan: r.plan,
    override:
      overrideBy && r.override_reason && r.override_at
        ? {
            by: overrideBy,
            reason: r.override_reason,
            at: r.override_at.toISOString(),
            covers: r.override_checks ?? [],
          }
        : null,
    recheck: r.preflight_recheck,
    decidedBy: person(r.decided_by, r.dc_name, r.dc_email),
    decidedAt: iso(r.decided_at),
    rejectReason: r.reject_reason,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    progress: paused ? { percent: null, message: "paused", ...r.progress, paused } : r.progress,
    verification: r.verification,
    stages: r.stages ?? null,
    figures: r.figures ?? {},
    error: r.error,
    version: r.version,
  };
}

/** One run; with `lock`, its row stays locked until the caller's transaction ends. */
export async function readRunRow(db: Queryable, id: number, lock = false): Promise<RunRow | null> {
  const r = await db.query<RunRow>(`${RUN_SELECT} where r.id = $1${lock ? " for update of r" : ""}`, [id]);
  return r.rows[0] ?? null;
}

export async function readOutput(db: Queryable, id: number): Promise<OutputLine[]> {
  const r = await db.query<{ seq: number; at: Date; stream: OutputLine["stream"]; text: string }>(
    "select seq, at, stream, text from action_output where run_id = $1 order by seq",
    [id],
  );
  return r.rows.map((o) => ({ seq: o.seq, at: o.at.toISOString(), stream: o.stream, text: o.text }));
}

export async function readRunDetail(db: Queryable, id: number): Promise<ActionRunDetail | null> {
  const row = await readRunRow(db, id);
  if (!row) return null;
  return { ...toRun(row), output: await readOutput(db, id) };
}

export interface RunFilter {
  status?: RunStatus | "open";
  incidentId?: number;
  limit?: number;
}

export async function readRuns(db: Queryable, filter: RunFilter = {}): Promise<ActionRun[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status === "open") where.push("r.status in ('pending', 'running')");
  else if (filter.status) {
    params.push(filter.status);
    where.push(`r.status = $${params.length}`);
  }
  if (filter.incidentId) {
    params.push(filter.incidentId);
    where.push(`r.incident_id = $${params.length}`);
  }
  params.push(Math.min(500, filter.limit ?? 100));
  const r = await db.query<RunRow>(
    `${RUN_SELECT} ${where.length ? `where ${where.join(" and ")}` : ""} order by r.id desc limit $${params.length}`,
    params,
  );
  return r.rows.map(toRun);
}

/** The run holding a target now, if any: the page shows who holds it. */
export async function holderOf(db: Queryable, target: string): Promise<ActionRun | null> {
  const r = await db.query<RunRow>(`${RUN_SELECT} where r.target = $1 and r.status = 'running'`, [target]);
  return r.rows[0] ? toRun(r.rows[0]) : null;
}

/** The run a form's idempotency key already made, if any: who requested it and the parameters' hash. */
export async function findRunByIdempotencyKey(
  db: Queryable,
  key: string,
): Promise<{ id: number; requested_by: string; params_hash: string } | undefined> {
  const r = await db.query<{ id: number; requested_by: string; params_hash: string }>(
    "select id, requested_by, params_hash from action_runs where idempotency_key = $1",
    [key],
  );
  return r.rows[0];
}

export interface NewRun {
  actionId: ActionId;
  params: Record<string, unknown>;
  paramsHash: string;
  target: string;
  risk: Risk;
  idempotencyKey: string;
  requestedBy: string;
  approvalMinutes: number;
  incidentId: number | null;
  stepKey: string | null;
  preflight: Check[];
  plan: string[];
}

/** A pending request, with its live pre-flight and plan, open for approval for `approvalMinutes`; returns its id. */
export async function insertRun(tx: Queryable, run: NewRun): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `insert into action_runs (action_id, params, params_hash, target, risk, status, idempotency_key, requested_by, expires_at, incident_id, step_key, preflight, preflight_at, plan)
     values ($1, $2, $3, $4, $5, 'pending', $6, $7, now() + make_interval(mins => $8), $9, $10, $11, now(), $12) returning id`,
    [
      run.actionId,
      JSON.stringify(run.params),
      run.paramsHash,
      run.target,
      run.risk,
      run.idempotencyKey,
      run.requestedBy,
      run.approvalMinutes,
      run.incidentId,
      run.stepKey,
      JSON.stringify(run.preflight),
      JSON.stringify(run.plan),
    ],
  );
  return r.rows[0]!.id;
}

/**
 * Moves a pending, unexpired run to running for this runner (the approver, if any, recorded as its decider).
 * False when it was no longer pending or had expired; a unique violation (23505) when another run holds its target.
 */
export async function markRunStarted(
  tx: Queryable,
  id: number,
  runner: string,
  approverId: string | null,
): Promise<boolean> {
  const r = await tx.query(
    `update action_runs set status = 'running', started_at = now(), heartbeat_at = now(), runner = $2, decided_by = coalesce($3, decided_by),
       decided_at = case when $3::uuid is null then decided_at else now() end, version = version + 1
     where id = $1 and status = 'pending' and expires_at > now()`,
    [id, runner, approverId],
  );
  return r.rowCount > 0;
}

/** The pre-flight a run passed right before it started, replacing the one it was requested with. */
export async function writePreflight(tx: Queryable, id: number, preflight: Check[]): Promise<void> {
  await tx.query("update action_runs set preflight = $2, preflight_at = now() where id = $1", [
    id,
    JSON.stringify(preflight),
  ]);
}

export async function markRunRejected(tx: Queryable, id: number, by: string, reason: string): Promise<void> {
  await tx.query(
    "update action_runs set status = 'rejected', decided_by = $2, decided_at = now(), reject_reason = $3, finished_at = now(), version = version + 1 where id = $1",
    [id, by, reason],
  );
}

export async function markRunCancelled(tx: Queryable, id: number): Promise<void> {
  await tx.query(
    "update action_runs set status = 'cancelled', finished_at = now(), version = version + 1 where id = $1",
    [id],
  );
}

export async function markRunExpired(tx: Queryable, id: number): Promise<void> {
  await tx.query(
    "update action_runs set status = 'expired', finished_at = now(), version = version + 1 where id = $1",
    [id],
  );
}

/** What the runner of a running run is asked to do next: pause, abort, or (null) carry on. */
export async function writeControl(tx: Queryable, id: number, control: "pause" | "abort" | null): Promise<void> {
  await tx.query("update action_runs set control = $2, version = version + 1 where id = $1", [id, control]);
}

/**
 * A running run pauses itself (its analysis failed): control "pause" unless the operator asked for something
 * already (an abort stays an abort). Says whether the run is paused now.
 */
export async function writeSelfPause(tx: Queryable, id: number): Promise<boolean> {
  const r = await tx.query<{ control: string | null }>(
    `update action_runs set control = coalesce(control, 'pause'), version = version + 1
     where id = $1 and status = 'running' returning control`,
    [id],
  );
  return r.rows[0]?.control === "pause";
}

/** Pending requests whose approval window has closed. */
export async function readOverdueRunIds(db: Queryable): Promise<number[]> {
  const r = await db.query<{ id: number }>(
    "select id from action_runs where status = 'pending' and expires_at <= now()",
  );
  return r.rows.map((x) => x.id);
}

/** A lead's override of a failing pre-flight, with the failing checks its author saw: what it covers. */
export async function writeOverride(
  tx: Queryable,
  id: number,
  by: string,
  reason: string,
  covers: Check[],
): Promise<void> {
  await tx.query(
    "update action_runs set override_by = $2, override_reason = $3, override_at = now(), override_checks = $4, version = version + 1 where id = $1",
    [id, by, reason, JSON.stringify(covers)],
  );
}

/**
 * A re-check right before the start found failing checks nothing covered: the live pre-flight replaces the stored
 * one, the re-check is kept for the page, and the override (which covered something else) is cleared.
 */
export async function writeRecheck(
  tx: Queryable,
  id: number,
  preflight: Check[],
  recheck: PreflightRecheck,
): Promise<void> {
  await tx.query(
    `update action_runs set preflight = $2, preflight_at = now(), preflight_recheck = $3,
       override_by = null, override_reason = null, override_at = null, override_checks = null, version = version + 1
     where id = $1`,
    [id, JSON.stringify(preflight), JSON.stringify(recheck)],
  );
}
