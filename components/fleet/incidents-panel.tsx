"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { IncidentSeverityBadge, IncidentStatusBadge } from "@/components/incidents/badges";
import { Timestamp } from "@/components/fleet/timestamp";
import { incidentRef } from "@/lib/ids";
import { incidentsQuery } from "@/lib/queries";

/** Incidents in flight: the open ones, live (the console's event stream refreshes them on every change). */
export function IncidentsPanel() {
  const { data, error } = useQuery(incidentsQuery());
  const open = data?.incidents;
  return (
    <section
      aria-labelledby="incidents-heading"
      data-testid="incidents"
      data-count={open?.length}
      className={`rounded-xl border bg-white p-4 shadow-sm dark:bg-slate-900 ${open?.length ? "border-red-300 dark:border-red-900" : "border-slate-200 dark:border-slate-800"}`}
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id="incidents-heading" className="font-semibold">
          Incidents in flight
          {!!open?.length && (
            <span className="ml-2 rounded-full bg-red-600 px-2 py-0.5 text-xs font-medium text-white">
              {open.length}
            </span>
          )}
        </h2>
        <Link href="/incidents" className="text-sm text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
          All incidents
        </Link>
      </div>
      {!open ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {error ? `Incidents could not be loaded: ${error.message}` : "Loading…"}
        </p>
      ) : !open.length ? (
        <p data-testid="no-incidents" className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
          <span aria-hidden className="h-2 w-2 rounded-full bg-emerald-500" />
          No incidents in flight
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {open.map((i) => (
            <li
              key={i.id}
              data-testid="incident-in-flight"
              data-id={i.id}
              className="relative space-y-1 py-2 first:pt-0 last:pb-0"
            >
              <div className="flex flex-wrap items-center gap-2">
                <IncidentSeverityBadge severity={i.severity} />
                <IncidentStatusBadge status={i.status} />
                <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{incidentRef(i.id)}</span>
              </div>
              <Link
                href={`/incidents/${i.id}`}
                className="block font-medium break-words text-sky-800 underline-offset-2 after:absolute after:inset-0 hover:underline dark:text-sky-300"
              >
                {i.title}
              </Link>
              <p className="text-xs text-slate-600 dark:text-slate-400">
                Lead {i.lead.name} · declared <Timestamp iso={i.declaredAt} show="ago" />
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
