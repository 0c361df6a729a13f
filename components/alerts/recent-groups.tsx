"use client";

import Link from "@/components/ui/link";
import { useQuery } from "@tanstack/react-query";
import { Timestamp } from "@/components/fleet/timestamp";
import type { AlertGroupView } from "@/lib/alert-groups";
import { alertGroupsQuery } from "@/lib/queries";

/** How a group ended or stands: expected (maintenance), acknowledged, resolved before anyone acknowledged, or waiting. */
function outcome(g: AlertGroupView): string {
  if (g.maintenanceWindow) return `expected: maintenance ${g.maintenanceWindow.title}; nobody was paged`;
  if (g.resolvedAt && !g.acknowledgedAt)
    return g.pages.some((p) => p.sentAt) ? "resolved before anyone acknowledged" : "resolved; nobody was paged";
  if (g.acknowledgedAt) return `acknowledged${g.acknowledgedBy ? ` by ${g.acknowledgedBy}` : ""}`;
  return g.pages.some((p) => p.sentAt) ? "paged, not acknowledged" : "not paged";
}

/** Alert groups open now or resolved in the last hour, live: what each paged and how it ended. */
export function RecentGroups() {
  const groups = useQuery(alertGroupsQuery()).data?.groups;
  if (!groups) return <p className="text-sm text-slate-500 dark:text-slate-400">Loading…</p>;
  if (!groups.length)
    return (
      <p data-testid="no-groups" className="text-sm text-slate-600 dark:text-slate-400">
        No alert groups in the last hour.
      </p>
    );
  return (
    <ul data-testid="recent-groups" className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
      {groups.map((g) => (
        <li
          key={g.id}
          id={`group-${g.id}`}
          data-testid="recent-group"
          className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2"
        >
          <span className="font-medium">{g.title}</span>
          <span className="text-xs text-slate-600 dark:text-slate-400">
            {g.alerts.length} alert{g.alerts.length === 1 ? "" : "s"} · opened <Timestamp iso={g.openedAt} />
            {g.resolvedAt && (
              <>
                {" "}
                · resolved <Timestamp iso={g.resolvedAt} />
              </>
            )}
          </span>
          <span data-testid="group-outcome" className="text-xs">
            {outcome(g)}
          </span>
          {g.triage?.incidentId != null && (
            <Link
              href={`/incidents/${g.triage.incidentId}`}
              className="text-xs text-sky-800 underline dark:text-sky-300"
            >
              incident
            </Link>
          )}
        </li>
      ))}
    </ul>
  );
}
