"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useState } from "react";
import type { AlertView } from "@/lib/fleet-view";
import { fleetQuery, recentAlertsQuery } from "@/lib/queries";
import { formatDuration } from "@/lib/units";
import { Timestamp } from "@/components/fleet/timestamp";
import { useNow } from "@/components/ui/use-now";
import { AlertLabels } from "./alert-labels";
import { DeclareFromAlert } from "./declare-from-alert";
import { SeverityBadge, StateBadge } from "./severity-badge";

type Filter = "firing" | "resolved" | "all";
/** Alerts listed before "Show more": enough for an incident, short enough to reach the rules on a phone. */
const PAGE = 15;
const filters: { value: Filter; label: string }[] = [
  { value: "firing", label: "Firing" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "All" },
];

/** Firing alerts and the recent history, newest first, filtered by state; refreshed whenever an alert changes. */
export function AlertHistory({ canDeclare = false }: { canDeclare?: boolean }) {
  const [filter, setFilter] = useState<Filter>("all");
  const [limit, setLimit] = useState(PAGE);
  const { data, error, isError } = useQuery(recentAlertsQuery);
  const regionIds = useQuery(fleetQuery).data?.regions.map((r) => r.id);
  const alerts = data?.alerts ?? [];
  const count = (f: Filter) => (f === "all" ? alerts.length : alerts.filter((a) => a.state === f).length);
  const shown = alerts.filter((a) => filter === "all" || a.state === filter);

  return (
    <section aria-labelledby="alert-history-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="alert-history-heading" className="text-lg font-semibold">
          Firing and recent alerts
        </h2>
        <div
          role="group"
          aria-label="Show alerts"
          className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 dark:border-slate-700 dark:bg-slate-900"
        >
          {filters.map((f) => (
            <button
              key={f.value}
              type="button"
              aria-pressed={filter === f.value}
              onClick={() => {
                setFilter(f.value);
                setLimit(PAGE);
              }}
              className="rounded px-2.5 py-1 text-sm font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 aria-pressed:bg-sky-700 aria-pressed:text-white dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-pressed:bg-sky-600"
            >
              {f.label}
              {data && <span className="ml-1 tabular-nums opacity-75">{count(f.value)}</span>}
            </button>
          ))}
        </div>
      </div>
      {isError && (
        <p
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-900/30 dark:text-red-100"
        >
          Cannot load alerts: {error.message}
        </p>
      )}
      {!data ? (
        !isError && <p className="text-sm text-slate-500">Loading alerts…</p>
      ) : shown.length === 0 ? (
        <p
          data-testid="alerts-empty"
          className="rounded-xl border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400"
        >
          {filter === "firing"
            ? "No alerts firing"
            : filter === "resolved"
              ? "No resolved alerts yet"
              : "No alerts yet"}
        </p>
      ) : (
        <ul
          data-testid="alert-history"
          className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900"
        >
          {shown.slice(0, limit).map((a) => (
            <AlertRow key={a.id} alert={a} regionIds={regionIds} canDeclare={canDeclare} />
          ))}
        </ul>
      )}
      {shown.length > limit && (
        <button
          type="button"
          onClick={() => setLimit((l) => l + 50)}
          className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800"
        >
          Show {Math.min(50, shown.length - limit)} more of {shown.length - limit} older
        </button>
      )}
    </section>
  );
}

function AlertRow({
  alert: a,
  regionIds,
  canDeclare,
}: {
  alert: AlertView;
  regionIds?: string[];
  canDeclare: boolean;
}) {
  const now = useNow(5000);
  const end = a.resolvedAt ? Date.parse(a.resolvedAt) : now;
  const duration = formatDuration(end - Date.parse(a.startedAt));
  return (
    <li
      data-testid="alert"
      data-state={a.state}
      data-rule={a.ruleId ?? ""}
      data-region={a.labels.region ?? ""}
      className="space-y-1.5 px-4 py-3"
    >
      <div className="flex flex-wrap items-center gap-2">
        <StateBadge state={a.state} />
        <SeverityBadge severity={a.severity} />
        <span className="font-medium">{a.name}</span>
        <span className="text-xs text-slate-500 dark:text-slate-400">
          {a.source === "rule" ? `rule ${a.ruleId}` : "from Alertmanager"}
        </span>
      </div>
      <p className="text-sm break-words text-slate-700 dark:text-slate-300">{a.summary}</p>
      <AlertLabels labels={a.labels} regionIds={regionIds} />
      {canDeclare && <DeclareFromAlert alert={a} />}
      <dl className="grid grid-cols-[5rem_1fr] gap-x-4 gap-y-0.5 text-xs text-slate-600 dark:text-slate-400">
        <dt className="font-medium">Started</dt>
        <dd>
          <Timestamp iso={a.startedAt} />
        </dd>
        <dt className="font-medium">Resolved</dt>
        <dd>{a.resolvedAt ? <Timestamp iso={a.resolvedAt} /> : "not yet"}</dd>
        <dt className="font-medium">Duration</dt>
        <dd suppressHydrationWarning>{a.resolvedAt ? duration : `${duration} so far`}</dd>
        {a.runbook && (
          <>
            <dt className="font-medium">Runbook</dt>
            <dd>
              <Link href={`/runbooks/${a.runbook.id}`} className="text-sky-800 underline dark:text-sky-300">
                {a.runbook.title}
              </Link>
            </dd>
          </>
        )}
      </dl>
    </li>
  );
}
