import Link from "@/components/ui/link";
import { Timestamp } from "@/components/fleet/timestamp";
import { IncidentSeverityBadge } from "@/components/incidents/badges";
import { muted } from "@/components/incidents/styles";
import { drillRef, drillStatusLabels, type DrillStatus, type DrillView } from "@/lib/drills";
import { incidentRef } from "@/lib/ids";

const statusStyles: Record<DrillStatus, string> = {
  running: "bg-violet-50 text-violet-900 ring-violet-600/30 dark:bg-violet-950/60 dark:text-violet-200",
  ended: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-200",
  cancelled: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950/60 dark:text-amber-200",
};

export function DrillStatusBadge({ status }: { status: DrillStatus }) {
  return (
    <span
      data-testid="drill-status"
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${statusStyles[status]}`}
    >
      {status === "running" && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-violet-500" />}
      {drillStatusLabels[status]}
    </span>
  );
}

/** The drills, latest first: what was exercised where, its incident, and its score once it ended. */
export function DrillList({ drills }: { drills: DrillView[] }) {
  return (
    <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="drill-list">
      {drills.map((d) => (
        <li key={d.id} data-testid="drill-row" data-id={d.id} className="relative py-3 first:pt-0 last:pb-0">
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-sm font-semibold text-slate-600 dark:text-slate-300">{drillRef(d.id)}</span>
            <IncidentSeverityBadge severity={d.severity} />
            <DrillStatusBadge status={d.status} />
            <Link
              href={`/drills/${d.id}`}
              className="min-w-0 font-medium break-words text-sky-800 underline-offset-2 after:absolute after:inset-0 hover:underline dark:text-sky-300"
            >
              {d.scenarioTitle}
            </Link>
            {d.score && (
              <span
                data-testid="drill-row-score"
                className="ml-auto text-sm font-semibold tabular-nums"
                title={`${d.score.met} of ${d.score.total} targets met`}
              >
                {d.score.percent}%
              </span>
            )}
          </div>
          <dl className={`mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs ${muted}`}>
            <div className="flex gap-1">
              <dt>Region</dt>
              <dd className="text-slate-800 dark:text-slate-200">{d.region}</dd>
            </div>
            <div className="flex gap-1">
              <dt>Fault</dt>
              <dd className="text-slate-800 dark:text-slate-200">{d.fault ?? "caused by hand, or none"}</dd>
            </div>
            <div className="flex gap-1">
              <dt>Incident</dt>
              <dd className="text-slate-800 dark:text-slate-200">
                {d.incident ? incidentRef(d.incident.id) : "none yet"}
              </dd>
            </div>
            <div className="flex gap-1">
              <dt>Started</dt>
              <dd className="text-slate-800 dark:text-slate-200">
                <Timestamp iso={d.startedAt} />
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  );
}
