/**
 * The runbook's monthly failover test as Switchyard schedules and records it (server/failover-tests): a maintenance
 * window, a reminder before it, then the record it fills in as the test happens — the switchover and its write gap,
 * 30 minutes of monitoring, the failback.
 */

export const FAILOVER_TEST_DEFAULTS = { minutes: 90, remindMinutes: 60 } as const;
/** "Monitor for issues (30 minutes)" */
export const MONITOR_MINUTES = 30;
/** "Schedule monthly failover tests": the next one is due this long after the last one finished */
export const FAILOVER_TEST_EVERY_DAYS = 31;

export interface FailoverTestRun {
  id: number;
  actionId: string;
  requestedBy: string;
  approvedBy: string | null;
  finishedAt: string | null;
}

export interface FailoverTestView {
  id: number;
  startsAt: string;
  endsAt: string;
  cancelledAt: string | null;
  /** the primary when it was scheduled: the failback returns to it */
  primaryRegion: string;
  candidate: string;
  remindMinutes: number;
  scheduledBy: string | null;
  scheduledAt: string;
  remindedAt: string | null;
  reminderNote: string | null;
  /** the succeeded db.switchover to the candidate, once there is one */
  switchover: FailoverTestRun | null;
  /** the switchover run's figure: the old primary's stop until every region API wrote to the candidate */
  writeGapMs: number | null;
  monitor: {
    startedAt: string | null;
    result: "held" | "cut-short" | null;
    /** how often the fleet broke the 30 minutes, which then started over */
    breaks: number;
    /** the last break, or how the monitoring ended */
    note: string | null;
  };
  failback: FailoverTestRun | null;
  finishedAt: string | null;
}

export type FailoverTestPhase = "scheduled" | "due" | "monitoring" | "fail-back" | "done" | "missed" | "cancelled";

export const failoverTestPhaseLabels: Record<FailoverTestPhase, string> = {
  scheduled: "Scheduled",
  due: "Window open",
  monitoring: "Monitoring",
  "fail-back": "Fail back",
  done: "Done",
  missed: "Missed",
  cancelled: "Cancelled",
};

/** Where a test stands at `at`: its record first, then its window. */
export function failoverTestPhase(t: FailoverTestView, at: Date): FailoverTestPhase {
  if (t.finishedAt) return "done";
  if (t.cancelledAt && !t.switchover) return "cancelled";
  if (t.switchover) return t.monitor.result ? "fail-back" : "monitoring";
  if (at.getTime() < Date.parse(t.startsAt)) return "scheduled";
  return at.getTime() < Date.parse(t.endsAt) ? "due" : "missed";
}

/** When the next test is due: a month after the last one finished; null before the first. */
export function nextTestDue(tests: readonly FailoverTestView[]): Date | null {
  const last = tests.map((t) => (t.finishedAt ? Date.parse(t.finishedAt) : NaN)).filter(Number.isFinite);
  return last.length ? new Date(Math.max(...last) + FAILOVER_TEST_EVERY_DAYS * 86_400_000) : null;
}

/** The monitoring in words: its result, or how long the fleet has held and how long is left. */
export function monitorWords(t: FailoverTestView, at: Date): string {
  const m = t.monitor;
  const breaks = m.breaks ? ` after ${m.breaks} ${m.breaks === 1 ? "break" : "breaks"}` : "";
  if (m.result === "held") return `Healthy for ${MONITOR_MINUTES} min without a break${breaks}`;
  if (m.result === "cut-short") return `${m.note ?? "Cut short by the failback"}${breaks}`;
  if (!t.switchover) return "Not started";
  const last = m.breaks && m.note ? ` (started over${breaks}; last: ${m.note})` : "";
  if (!m.startedAt) return `Waits for a healthy fleet${last}`;
  const minutes = Math.min(MONITOR_MINUTES, Math.floor((at.getTime() - Date.parse(m.startedAt)) / 60_000));
  return `Healthy for ${minutes} of ${MONITOR_MINUTES} min · ${MONITOR_MINUTES - minutes} min left${last}`;
}
