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
  windowId: number;
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
  writeGapMs: number | null;
  monitor: {
    startedAt: string | null;
    endedAt: string | null;
    result: "held" | "broke" | "cut-short" | null;
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

/** The monitoring's result in words. */
export function monitorWords(t: FailoverTestView, at: Date): string {
  const m = t.monitor;
  if (m.result === "held") return `Healthy throughout the ${MONITOR_MINUTES} minutes`;
  if (m.result === "broke") return `Broke: ${m.note ?? "the fleet was unhealthy"}`;
  if (m.result === "cut-short") return m.note ?? "Cut short by the failback";
  if (!t.switchover) return "Not started";
  if (!m.startedAt) return "Waits for a healthy fleet";
  const minutes = Math.floor((at.getTime() - Date.parse(m.startedAt)) / 60_000);
  return `Healthy for ${Math.min(minutes, MONITOR_MINUTES)} of ${MONITOR_MINUTES} min`;
}
