import type { ActionId, Risk } from "./catalog";

/** One condition checked before (pre-flight) or after (verification) an action, with the value observed. */
export interface Check {
  id: string;
  label: string;
  ok: boolean;
  observed: string;
  /** a failing check that only an override typing this value can pass (the region id, for a promotion that may split the brain) */
  confirm?: string;
}

export const runStatuses = [
  "pending",
  "running",
  "succeeded",
  "failed",
  "rejected",
  "expired",
  "interrupted",
  "cancelled",
] as const;
export type RunStatus = (typeof runStatuses)[number];

export const runStatusLabels: Record<RunStatus, string> = {
  pending: "Waiting",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  rejected: "Rejected",
  expired: "Expired",
  interrupted: "Interrupted",
  cancelled: "Cancelled",
};

export const finishedStatuses: readonly RunStatus[] = [
  "succeeded",
  "failed",
  "rejected",
  "expired",
  "interrupted",
  "cancelled",
];

/** One step of a plan (an action made of steps), with its own pre-flight, progress and verification. */
export interface PlanStage {
  key: string;
  title: string;
  /** the server it acts on, when one (the old primary, the candidate) */
  region?: string;
  status: "pending" | "running" | "passed" | "failed" | "skipped";
  /** its pre-flight then its verification, as observed */
  checks: Check[];
  /** what it did, or why it stopped or was skipped */
  note: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Person {
  id: string;
  name: string;
  email: string;
}

export interface OutputLine {
  seq: number;
  at: string;
  stream: "stdout" | "stderr" | "info";
  text: string;
}

/** A request for a runbook action and everything that happened to it, as pages and the JSON API show it. */
export interface ActionRun {
  id: number;
  actionId: ActionId;
  title: string;
  params: Record<string, unknown>;
  paramsHash: string;
  target: string;
  risk: Risk;
  status: RunStatus;
  requestedBy: Person;
  requestedAt: string;
  expiresAt: string;
  incidentId: number | null;
  stepKey: string | null;
  preflight: Check[];
  preflightAt: string | null;
  /** the dry run: exactly what it will do, in order */
  plan: string[];
  /** a lead's override of the failing pre-flight, and the failing checks it covers: those its author saw */
  override: Override | null;
  /** the last time the pre-flight, run again right before the start, failed in a way nothing covered; the run stayed waiting */
  recheck: PreflightRecheck | null;
  /** who approved (status running or after) or rejected it */
  decidedBy: Person | null;
  decidedAt: string | null;
  rejectReason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { percent: number | null; message: string; paused?: boolean } | null;
  verification: { ok: boolean; checks: Check[] } | null;
  /** a plan's steps as they went; null for a single action */
  stages: PlanStage[] | null;
  /** figures the action measured, by name (db.switchover: writeGapMs) */
  figures: Record<string, number>;
  error: string | null;
  version: number;
}

/** An override covers what its author saw: the checks failing then, with what they observed. */
export interface Override {
  by: Person;
  reason: string;
  at: string;
  covers: Check[];
}

/** A re-check before the start that found checks failing which the override (or the stored pre-flight) did not cover. */
export interface PreflightRecheck {
  at: string;
  /** the failing checks nothing covered, as observed at the re-check */
  changed: Check[];
  /** the override it voided (cleared from the run), as it stood; null when there was none */
  lapsed: Override | null;
}

export interface ActionRunDetail extends ActionRun {
  output: OutputLine[];
}

/**
 * The failing checks of `live` that `covered` (the failing checks an override's author saw) does not cover.
 *
 * "Differs", decided simply: a check fails now whose id did not fail then; or a check that asks for a typed
 * value (`confirm`: the old primary's id, for a promotion that may split the brain) now asks for another one —
 * the lead confirmed that region, not this one. Observed strings are not compared: they carry latencies
 * ("status 503 in 12 ms", "no answer within 2001 ms"), LSNs, byte counts and times that change on every probe,
 * so comparing them would void every override, and normalising them per check would be guesswork kept apart
 * from the checks. A change of cause that matters shows as another check failing (a paused replica that then
 * goes down also fails "replica-on-timeline"). A check that failed then and passes now is fine: fewer failures
 * are still covered.
 */
export function uncoveredChecks(covered: readonly Check[], live: readonly Check[]): Check[] {
  const seen = new Map(covered.filter((c) => !c.ok).map((c) => [c.id, c]));
  return live.filter((c) => {
    if (c.ok) return false;
    const was = seen.get(c.id);
    return !was || (was.confirm ?? null) !== (c.confirm ?? null);
  });
}

/** What the caller sees of a pending run: why it waits. */
export function waitingFor(
  run: Pick<ActionRun, "status" | "risk" | "preflight"> & { override: object | null },
): "override" | "approval" | null {
  if (run.status !== "pending") return null;
  if (run.preflight.some((c) => !c.ok) && !run.override) return "override";
  return run.risk === "high" ? "approval" : null;
}
