import "server-only";
import type { FailoverTestRun, FailoverTestView } from "@/lib/failover-test";
import type { Queryable } from "@/server/db";

/** The monthly failover tests' SQL (migration 0022). A test is never deleted; its window's cancellation ends it. */

type TestRow = {
  id: number | string;
  starts_at: Date;
  ends_at: Date;
  cancelled_at: Date | null;
  primary_region: string;
  candidate: string;
  remind_minutes: number;
  scheduled_by_name: string | null;
  scheduled_at: Date;
  reminded_at: Date | null;
  reminder_note: string | null;
  switchover: RunJson | null;
  write_gap_ms: number | null;
  monitor_started_at: Date | null;
  monitor_result: FailoverTestView["monitor"]["result"];
  monitor_breaks: number;
  monitor_note: string | null;
  failback: RunJson | null;
  finished_at: Date | null;
};
type RunJson = { id: number; action_id: string; rq: string; dc: string | null; finished_at: string | null };

const runJson = (alias: string, column: string) => `(select json_build_object('id', r.id, 'action_id', r.action_id,
    'rq', rq.name, 'dc', dc.name, 'finished_at', r.finished_at) from action_runs r join users rq on rq.id = r.requested_by
    left join users dc on dc.id = r.decided_by where r.id = t.${column}) as ${alias}`;

const SELECT = `select t.*, w.starts_at, w.ends_at, w.cancelled_at, s.name as scheduled_by_name,
  ${runJson("switchover", "switchover_run_id")}, ${runJson("failback", "failback_run_id")},
  (select (figures ->> 'writeGapMs')::float8 from action_runs where id = t.switchover_run_id) as write_gap_ms
  from failover_tests t join maintenance_windows w on w.id = t.maintenance_window_id
  left join users s on s.id = t.scheduled_by`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const run = (r: RunJson | null): FailoverTestRun | null =>
  r && {
    id: Number(r.id),
    actionId: r.action_id,
    requestedBy: r.rq,
    approvedBy: r.dc,
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };

const toView = (r: TestRow): FailoverTestView => ({
  id: Number(r.id),
  startsAt: r.starts_at.toISOString(),
  endsAt: r.ends_at.toISOString(),
  cancelledAt: iso(r.cancelled_at),
  primaryRegion: r.primary_region,
  candidate: r.candidate,
  remindMinutes: r.remind_minutes,
  scheduledBy: r.scheduled_by_name,
  scheduledAt: r.scheduled_at.toISOString(),
  remindedAt: iso(r.reminded_at),
  reminderNote: r.reminder_note,
  switchover: run(r.switchover),
  writeGapMs: r.write_gap_ms === null ? null : Math.round(r.write_gap_ms),
  monitor: {
    startedAt: iso(r.monitor_started_at),
    result: r.monitor_result,
    breaks: r.monitor_breaks,
    note: r.monitor_note,
  },
  failback: run(r.failback),
  finishedAt: iso(r.finished_at),
});

/** The tests whose window ended since `since`, or whose record is still open; the latest window first. */
export async function readFailoverTests(db: Queryable, since: Date): Promise<FailoverTestView[]> {
  const r = await db.query<TestRow>(
    `${SELECT} where w.ends_at >= $1 or t.finished_at is null order by w.starts_at desc limit 100`,
    [since.toISOString()],
  );
  return r.rows.map(toView);
}

export async function readFailoverTest(db: Queryable, id: number): Promise<FailoverTestView | null> {
  const r = await db.query<TestRow>(`${SELECT} where t.id = $1`, [id]);
  return r.rows[0] ? toView(r.rows[0]) : null;
}

/**
 * The tests whose record is still open: not finished, and switched over, or with a window neither cancelled nor
 * ended more than a day ago (a missed test stays missed).
 */
export async function readOpenFailoverTests(db: Queryable): Promise<FailoverTestView[]> {
  const r = await db.query<TestRow>(
    `${SELECT} where t.finished_at is null
       and (t.switchover_run_id is not null or (w.cancelled_at is null and w.ends_at > now() - interval '1 day'))
     order by t.id`,
  );
  return r.rows.map(toView);
}

/** Another open test's window overlapping [startsAt, endsAt), if any. */
export async function readOverlappingTest(db: Queryable, startsAt: string, endsAt: string): Promise<number | null> {
  const r = await db.query<{ id: number | string }>(
    `select t.id from failover_tests t join maintenance_windows w on w.id = t.maintenance_window_id
     where t.finished_at is null and w.cancelled_at is null and w.starts_at < $2 and w.ends_at > $1 limit 1`,
    [startsAt, endsAt],
  );
  return r.rows[0] ? Number(r.rows[0].id) : null;
}

/** Serialises scheduling, so two leads cannot book overlapping tests at once. */
export async function lockFailoverTestSchedule(tx: Queryable): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('switchyard.failover-tests'))");
}

export async function insertFailoverTest(
  tx: Queryable,
  t: { windowId: number; primaryRegion: string; candidate: string; remindMinutes: number; by: string },
): Promise<number> {
  const r = await tx.query<{ id: number | string }>(
    `insert into failover_tests (maintenance_window_id, primary_region, candidate, remind_minutes, scheduled_by)
     values ($1, $2, $3, $4, $5) returning id`,
    [t.windowId, t.primaryRegion, t.candidate, t.remindMinutes, t.by],
  );
  return Number(r.rows[0]!.id);
}

/**
 * The latest run of one of `actionIds` in one of `statuses` whose parameter `param` is `value`, requested in
 * [from, to): the test's switchover (or failback), found wherever it was requested from.
 */
export async function findRun(
  db: Queryable,
  q: { actionIds: string[]; param: string; value: string; from: Date; to: Date | null; statuses: string[] },
): Promise<{ id: number; status: string; finishedAt: Date | null; figures: Record<string, number> } | null> {
  const r = await db.query<{ id: number; status: string; finished_at: Date | null; figures: Record<string, number> }>(
    `select id, status, finished_at, figures from action_runs
     where status = any($6::text[]) and action_id = any($1::text[]) and params ->> $2 = $3
       and requested_at >= $4 and ($5::timestamptz is null or requested_at < $5)
     order by requested_at desc limit 1`,
    [q.actionIds, q.param, q.value, q.from.toISOString(), q.to?.toISOString() ?? null, q.statuses],
  );
  const row = r.rows[0];
  return row ? { id: row.id, status: row.status, finishedAt: row.finished_at, figures: row.figures ?? {} } : null;
}

/** Writes what the tick learnt (only the named columns), in the caller's transaction. */
export async function updateFailoverTest(
  tx: Queryable,
  id: number,
  set: Partial<{
    reminded_at: Date;
    reminder_note: string;
    switchover_run_id: number;
    monitor_started_at: Date | null;
    monitor_result: "held" | "cut-short";
    monitor_breaks: number;
    monitor_note: string | null;
    failback_run_id: number;
    finished_at: Date;
  }>,
): Promise<void> {
  const entries = Object.entries(set);
  if (!entries.length) return;
  await tx.query(`update failover_tests set ${entries.map(([k], i) => `${k} = $${i + 2}`).join(", ")} where id = $1`, [
    id,
    ...entries.map(([, v]) => (v instanceof Date ? v.toISOString() : v)),
  ]);
}
