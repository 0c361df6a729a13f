"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { Fact } from "@/components/fleet/fact-list";
import { Timestamp } from "@/components/fleet/timestamp";
import { muted, panel } from "@/components/incidents/styles";
import type { ActionRun } from "@/lib/actions/run";
import { incidentRef } from "@/lib/ids";
import { actionsQuery } from "@/lib/queries";
import { RiskBadge, RunStatusBadge } from "@/components/actions/badges";
import { runsQueryFilter, type RunStatusFilter } from "@/components/actions/run-filter";

const emptyText = (s: RunStatusFilter) =>
  s === "open"
    ? "No action is waiting or running."
    : s === "all"
      ? "No action has been requested yet."
      : "No actions with this status.";

/** The runs for the filter, newest first, live: a request, an approval or a finished run shows within a second. */
export function RunList({ status }: { status: RunStatusFilter }) {
  const { data, error } = useQuery(actionsQuery(runsQueryFilter(status)));
  const runs = data?.runs;
  return (
    <section aria-labelledby="runs-heading" className={panel}>
      <h2 id="runs-heading" className="sr-only">
        Action runs
      </h2>
      {error && runs && (
        <p
          role="alert"
          className="mb-3 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
        >
          Showing the last known list: {error.message}
        </p>
      )}
      {!runs ? (
        <p className={`text-sm ${muted}`}>{error ? `The list could not be loaded: ${error.message}` : "Loading…"}</p>
      ) : !runs.length ? (
        <p data-testid="no-actions" className={`flex items-center gap-2 text-sm ${muted}`}>
          <span aria-hidden className="h-2 w-2 rounded-full bg-slate-400" />
          {emptyText(status)}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="action-list">
          {runs.map((r) => (
            <RunRow key={r.id} run={r} />
          ))}
        </ul>
      )}
    </section>
  );
}

function RunRow({ run: r }: { run: ActionRun }) {
  const decidedTerm = r.status === "rejected" ? "Rejected by" : "Approved by";
  return (
    <li data-testid="action-row" data-id={r.id} data-status={r.status} className="relative py-3 first:pt-0 last:pb-0">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold text-slate-600 dark:text-slate-300">#{r.id}</span>
        <RunStatusBadge status={r.status} paused={!!r.progress?.paused} />
        {r.risk === "high" && <RiskBadge risk={r.risk} />}
        <Link
          href={`/actions/${r.id}`}
          className="min-w-0 font-medium break-words text-sky-800 underline-offset-2 after:absolute after:inset-0 hover:underline focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-sky-300"
        >
          {r.title}
        </Link>
        <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{r.actionId}</span>
      </div>
      <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-slate-600 dark:text-slate-400">
        <Fact layout="inline" label="Target">
          <span className="font-mono">{r.target}</span>
        </Fact>
        <Fact layout="inline" label="Requested by">
          {r.requestedBy.name}
        </Fact>
        <Fact layout="inline" label={decidedTerm}>
          {r.decidedBy?.name ?? (r.risk === "high" ? "nobody yet" : "not needed")}
        </Fact>
        <Fact layout="inline" label="Requested">
          <Timestamp iso={r.requestedAt} show="ago" />
        </Fact>
        {r.startedAt && (
          <Fact layout="inline" label="Started">
            <Timestamp iso={r.startedAt} show="ago" />
          </Fact>
        )}
        {r.finishedAt && (
          <Fact layout="inline" label="Finished">
            <Timestamp iso={r.finishedAt} show="ago" />
          </Fact>
        )}
        {r.incidentId && (
          <Fact layout="inline" label="Incident">
            <Link
              href={`/incidents/${r.incidentId}`}
              className="relative font-mono text-sky-700 hover:underline dark:text-sky-400"
            >
              {incidentRef(r.incidentId)}
            </Link>
          </Fact>
        )}
      </dl>
    </li>
  );
}
