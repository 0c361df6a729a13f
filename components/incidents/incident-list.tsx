"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { Timestamp } from "@/components/fleet/timestamp";
import { incidentRef } from "@/lib/ids";
import type { Incident } from "@/lib/incident";
import { median, type IncidentFilter } from "@/lib/incident-view";
import { incidentTimes } from "@/lib/postmortem";
import { incidentsQuery } from "@/lib/queries";
import { formatDuration } from "@/lib/units";
import { DrillBadge, IncidentSeverityBadge, IncidentStatusBadge } from "./badges";
import { muted, panel } from "./styles";

const filterText = (f: IncidentFilter) =>
  f.status === "open" ? "open incidents" : f.status === "resolved" ? "resolved incidents" : "incidents";

/** The incidents for the filter, live: a declaration, a status change or a new lead shows within a second. */
export function IncidentList({ filter }: { filter: IncidentFilter }) {
  const { data, error } = useQuery(incidentsQuery(filter));
  const incidents = data?.incidents;
  return (
    <section aria-labelledby="list-heading" className={panel}>
      <h2 id="list-heading" className="sr-only">
        Incidents
      </h2>
      {!incidents ? (
        <p className={`text-sm ${muted}`}>{error ? `The list could not be loaded: ${error.message}` : "Loading…"}</p>
      ) : !incidents.length ? (
        <p data-testid="no-incidents" className={`flex items-center gap-2 text-sm ${muted}`}>
          <span aria-hidden className="h-2 w-2 rounded-full bg-emerald-500" />
          No {filterText(filter)}
          {filter.severity || filter.scenarioId ? " match these filters" : ""}.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="incident-list">
          {incidents.map((i) => (
            <IncidentRow key={i.id} incident={i} />
          ))}
        </ul>
      )}
    </section>
  );
}

function IncidentRow({ incident: i }: { incident: Incident }) {
  return (
    <li data-testid="incident-row" data-id={i.id} className="relative py-3 first:pt-0 last:pb-0">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold text-slate-600 dark:text-slate-300">{incidentRef(i.id)}</span>
        <IncidentSeverityBadge severity={i.severity} />
        <IncidentStatusBadge status={i.status} />
        {i.drillId !== null && <DrillBadge />}
        <Link
          href={`/incidents/${i.id}`}
          className="min-w-0 font-medium break-words text-sky-800 underline-offset-2 after:absolute after:inset-0 hover:underline dark:text-sky-300"
        >
          {i.title}
        </Link>
      </div>
      <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-slate-600 dark:text-slate-400">
        <div className="flex gap-1">
          <dt>Lead</dt>
          <dd className="font-medium text-slate-800 dark:text-slate-200">{i.lead.name}</dd>
        </div>
        <div className="flex gap-1">
          <dt>Scenario</dt>
          <dd className="text-slate-800 dark:text-slate-200">{i.scenarioTitle ?? "none"}</dd>
        </div>
        {i.regions.length > 0 && (
          <div className="flex gap-1">
            <dt>Regions</dt>
            <dd className="text-slate-800 dark:text-slate-200">{i.regions.join(", ")}</dd>
          </div>
        )}
        <div className="flex gap-1">
          <dt>Declared</dt>
          <dd className="text-slate-800 dark:text-slate-200">
            <Timestamp iso={i.declaredAt} />
          </dd>
        </div>
      </dl>
    </li>
  );
}

/** Time to acknowledge, mitigate and resolve per listed incident, and the median of each. */
export function ResponseTimes({ filter }: { filter: IncidentFilter }) {
  const { data } = useQuery(incidentsQuery(filter));
  // Drills are exercises, scored on /drills: real response times leave them out.
  const all = data?.incidents ?? [];
  const incidents = all.filter((i) => i.drillId === null);
  const drills = all.length - incidents.length;
  const rows = incidents.map((i) => ({ incident: i, t: incidentTimes(i) }));
  const measures = ["acknowledge", "mitigate", "resolve"] as const;
  const medians = Object.fromEntries(
    measures.map((m) => [m, median(rows.map((r) => r.t[m]).filter((v): v is number => v !== null))]),
  ) as Record<(typeof measures)[number], number | null>;
  const counts = Object.fromEntries(measures.map((m) => [m, rows.filter((r) => r.t[m] !== null).length])) as Record<
    (typeof measures)[number],
    number
  >;
  const cell = (ms: number | null) =>
    ms === null ? <span className="text-slate-400 dark:text-slate-500">—</span> : formatDuration(ms, "ticking");
  return (
    <section aria-labelledby="times-heading" className={`${panel} space-y-2`} data-testid="response-times">
      <h2 id="times-heading" className="text-lg font-semibold">
        Response times
      </h2>
      <p className={`text-sm ${muted}`}>
        From the declaration to the first acknowledgement, to mitigation (monitoring or resolved) and to resolution, for
        the incidents listed above
        {drills ? ` but the ${drills === 1 ? "drill" : `${drills} drills`}, scored on the Drills page instead` : ""}.
      </p>
      {!rows.length ? (
        <p className={`text-sm ${muted}`}>No incidents listed, so no times yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm tabular-nums">
            <thead className="border-b border-slate-200 text-left text-slate-500 dark:border-slate-800 dark:text-slate-400">
              <tr>
                <th className="py-1.5 pr-3 font-medium">Incident</th>
                <th className="py-1.5 pr-3 text-right font-medium">Acknowledge</th>
                <th className="py-1.5 pr-3 text-right font-medium">Mitigate</th>
                <th className="py-1.5 text-right font-medium">Resolve</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ incident: i, t }) => (
                <tr key={i.id} className="border-b border-slate-100 dark:border-slate-800">
                  <td className="py-1.5 pr-3 whitespace-nowrap">
                    <Link
                      href={`/incidents/${i.id}`}
                      className="font-mono text-sky-700 hover:underline dark:text-sky-400"
                    >
                      {incidentRef(i.id)}
                    </Link>{" "}
                    <IncidentSeverityBadge severity={i.severity} />
                  </td>
                  <td className="py-1.5 pr-3 text-right">{cell(t.acknowledge)}</td>
                  <td className="py-1.5 pr-3 text-right">{cell(t.mitigate)}</td>
                  <td className="py-1.5 text-right">{cell(t.resolve)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="median-row" className="font-semibold">
                <th scope="row" className="py-1.5 pr-3 text-left">
                  Median
                </th>
                {measures.map((m, n) => (
                  <td key={m} className={`py-1.5 text-right ${n < 2 ? "pr-3" : ""}`}>
                    {cell(medians[m])}
                    <span className="block text-xs font-normal text-slate-500 dark:text-slate-400">of {counts[m]}</span>
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
