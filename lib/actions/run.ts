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

export const runStatuses = ["pending", "running", "succeeded", "failed", "rejected", "expired", "interrupted", "cancelled"] as const;
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

export const finishedStatuses: readonly RunStatus[] = ["succeeded", "failed", "rejected", "expired", "interrupted", "cancelled"];

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
  override: { by: Person; reason: string; at: string } | null;
  /** who approved (status running or after) or rejected it */
  decidedBy: Person | null;
  decidedAt: string | null;
  rejectReason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  progress: { percent: number | null; message: string; paused?: boolean } | null;
  verification: { ok: boolean; checks: Check[] } | null;
  error: string | null;
  version: number;
}

export interface ActionRunDetail extends ActionRun {
  output: OutputLine[];
}

/** What the caller sees of a pending run: why it waits. */
export function waitingFor(run: Pick<ActionRun, "status" | "risk" | "preflight" | "override">): "override" | "approval" | null {
  if (run.status !== "pending") return null;
  if (run.preflight.some((c) => !c.ok) && !run.override) return "override";
  return run.risk === "high" ? "approval" : null;
}
