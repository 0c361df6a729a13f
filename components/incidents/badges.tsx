import { statusLabels, type IncidentStatus } from "@/lib/incident";
import { severityLabels, severityMeaning, type Severity } from "@/lib/severity";

const severityStyles: Record<Severity, string> = {
  P0: "bg-red-700 text-white ring-red-800 dark:bg-red-600 dark:ring-red-400",
  P1: "bg-orange-100 text-orange-900 ring-orange-600/40 dark:bg-orange-900/50 dark:text-orange-100",
  P2: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-100",
  P3: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-200",
};

/** P0–P3, with the runbook's meaning on hover; `long` adds "Critical", "High", … */
export function IncidentSeverityBadge({ severity, long = false }: { severity: Severity; long?: boolean }) {
  return (
    <span
      data-testid="incident-severity"
      data-severity={severity}
      title={severityMeaning[severity]}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ring-1 ring-inset ${severityStyles[severity]}`}
    >
      {long ? severityLabels[severity] : severity}
    </span>
  );
}

const statusStyles: Record<IncidentStatus, string> = {
  investigating: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950/60 dark:text-red-200",
  mitigating: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950/60 dark:text-amber-200",
  monitoring: "bg-sky-50 text-sky-900 ring-sky-600/30 dark:bg-sky-950/60 dark:text-sky-200",
  resolved: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950/60 dark:text-emerald-200",
};

const statusDots: Record<IncidentStatus, string> = {
  investigating: "bg-red-500 animate-pulse",
  mitigating: "bg-amber-500",
  monitoring: "bg-sky-500",
  resolved: "bg-emerald-500",
};

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <span
      data-testid="incident-status"
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${statusStyles[status]}`}
    >
      <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${statusDots[status]}`} />
      {statusLabels[status]}
    </span>
  );
}

/** Marks a drill's incident wherever incidents are listed: an exercise, paging its participants only. */
export function DrillBadge() {
  return (
    <span
      data-testid="drill-badge"
      title="A drill: an exercise, whose pages go to its participants only"
      className="inline-flex items-center rounded-full bg-violet-100 px-2 py-0.5 text-xs font-semibold whitespace-nowrap text-violet-900 ring-1 ring-violet-600/30 ring-inset dark:bg-violet-900/50 dark:text-violet-100"
    >
      Drill
    </span>
  );
}
