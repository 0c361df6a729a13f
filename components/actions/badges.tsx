import type { Risk } from "@/lib/actions/catalog";
import { runStatusLabels, type RunStatus } from "@/lib/actions/run";

const statusStyles: Record<RunStatus, string> = {
  pending: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950/60 dark:text-amber-200",
  running: "bg-sky-50 text-sky-900 ring-sky-600/30 dark:bg-sky-950/60 dark:text-sky-200",
  succeeded: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950/60 dark:text-emerald-200",
  failed: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950/60 dark:text-red-200",
  rejected: "bg-rose-50 text-rose-800 ring-rose-600/30 dark:bg-rose-950/60 dark:text-rose-200",
  expired: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300",
  interrupted: "bg-orange-50 text-orange-900 ring-orange-600/30 dark:bg-orange-950/60 dark:text-orange-200",
  cancelled: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300",
};

const statusDots: Record<RunStatus, string> = {
  pending: "bg-amber-500",
  running: "bg-sky-500 animate-pulse",
  succeeded: "bg-emerald-500",
  failed: "bg-red-500",
  rejected: "bg-rose-500",
  expired: "bg-slate-400",
  interrupted: "bg-orange-500",
  cancelled: "bg-slate-400",
};

/** A run's status; `paused` adds "paused" to a running one. `testId` lets a page mark the badge that matters. */
export function RunStatusBadge({
  status,
  paused = false,
  testId = "action-status",
}: {
  status: RunStatus;
  paused?: boolean;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      data-status={status}
      data-paused={paused || undefined}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${statusStyles[status]}`}
    >
      <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${paused ? "bg-amber-500" : statusDots[status]}`} />
      {runStatusLabels[status]}
      {paused && status === "running" ? " · paused" : ""}
    </span>
  );
}

/** High-risk actions wait for a second person; low-risk ones run when their pre-flight passes. */
export function RiskBadge({ risk }: { risk: Risk }) {
  return risk === "high" ? (
    <span
      data-testid="action-risk"
      data-risk="high"
      title="High risk: a lead or admin other than the requester must approve it"
      className="inline-flex items-center rounded-full bg-violet-50 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-violet-800 ring-1 ring-violet-600/30 ring-inset dark:bg-violet-950/60 dark:text-violet-200"
    >
      needs approval
    </span>
  ) : (
    <span
      data-testid="action-risk"
      data-risk="low"
      title="Low risk: runs at once when its pre-flight passes"
      className="inline-flex items-center rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-slate-700 ring-1 ring-slate-500/30 ring-inset dark:bg-slate-800 dark:text-slate-300"
    >
      low risk
    </span>
  );
}
