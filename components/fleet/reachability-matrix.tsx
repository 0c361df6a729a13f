"use client";

import { useId, useState } from "react";
import type { FleetSnapshot, RegionView } from "@/lib/fleet-view";
import { ageSeconds } from "@/lib/freshness";
import { allReach, CONSOLE, type ReachVerdict, type Sighting } from "@/lib/reachability";
import { formatSeconds } from "@/lib/units";
import { useFleet } from "./use-fleet";

/** A sighting older than this shows its age: the cell may no longer say what is true. */
const showAgeAfterSeconds = 2;

const verdictBadges: Record<Exclude<ReachVerdict, "reachable">, { label: string; tone: string }> = {
  "partitioned-from-console": {
    label: "Partition",
    tone: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200",
  },
  "partitioned-from-regions": {
    label: "Cut off from regions",
    tone: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200",
  },
  unreachable: {
    label: "Unreachable",
    tone: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200",
  },
  unknown: {
    label: "Unknown",
    tone: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300",
  },
};

/** What a failed connection says, in a word or two a person reads at a glance; the full error goes in the title. */
/** A failed sighting in a word or two for a narrow cell: by its code when it has one, else by its words. */
function failureWords({ error, errorCode }: Pick<Sighting, "error" | "errorCode">): string {
  if (!error && !errorCode) return "no answer";
  const code = errorCode ?? "";
  if (code === "ETIMEDOUT" || /timed? ?out|timeout/i.test(error ?? "")) return "timed out";
  if (code === "ECONNREFUSED" || /refused/i.test(error ?? "")) return "refused";
  if (["EHOSTUNREACH", "ENETUNREACH"].includes(code) || /no route|unreachable/i.test(error ?? "")) return "no route";
  if (code === "ECONNRESET" || /reset/i.test(error ?? "")) return "connection reset";
  if (["ENOTFOUND", "EAI_AGAIN"].includes(code) || /host name/i.test(error ?? "")) return "name not found";
  if (code.startsWith("57P") || /shutting down|starting up|recovery mode/i.test(error ?? ""))
    return "not accepting connections";
  return "cannot reach";
}

const vantageLabel = (vantage: string) => (vantage === CONSOLE ? "Console" : vantage);

/** The fleet's reachability matrix from the live fleet query. */
export function FleetReachability() {
  const { data } = useFleet();
  if (!data) return null;
  return <ReachabilityMatrix snapshot={data} />;
}

/**
 * The overview's reachability: one line while every vantage reaches every database (the matrix a click away),
 * the whole matrix with its reasons as soon as one does not. The replication page always shows the matrix.
 */
export function FleetReachabilitySummary() {
  const { data } = useFleet();
  const [expanded, setExpanded] = useState(false);
  const headingId = useId();
  const matrixId = `${headingId}-matrix`;
  if (!data) return null;
  const healthy = allReach(data.regions);
  if (!healthy) return <ReachabilityMatrix snapshot={data} />;
  return (
    <section data-testid="reachability-summary" aria-labelledby={headingId} className="space-y-3">
      <h2 id={headingId} className="text-lg font-semibold">
        Reachability
      </h2>
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-700 dark:text-slate-300">
        <span>
          <span aria-hidden className="text-emerald-700 dark:text-emerald-400">
            ✓{" "}
          </span>
          The console and every region&apos;s API reach every database ({healthy.links} of {healthy.links}
          {healthy.slowestMs !== null && <>, slowest {Math.round(healthy.slowestMs)} ms</>}); only {healthy.writer}{" "}
          accepts writes.
        </span>
        <button
          type="button"
          aria-expanded={expanded}
          aria-controls={matrixId}
          onClick={() => setExpanded((x) => !x)}
          className="rounded font-medium text-sky-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-sky-400"
        >
          {expanded ? "Hide the matrix" : "Show the matrix"}
        </button>
      </p>
      <div id={matrixId}>{expanded && <ReachabilityMatrix snapshot={data} titled={false} />}</div>
    </section>
  );
}

/**
 * Who reaches whom: one row per vantage (the console, then each region's API), one column per region's database;
 * under it, the sentence of every region whose verdict is not plainly "reachable". Ages are taken at the
 * snapshot's `generatedAt` (the server's clock, re-aged every second by useFleet) unless `nowMs` is given.
 */
export function ReachabilityMatrix({
  snapshot,
  nowMs,
  titled = true,
}: {
  snapshot: Pick<FleetSnapshot, "regions" | "generatedAt">;
  nowMs?: number;
  /** false under a heading of its own (the overview's summary) */
  titled?: boolean;
}) {
  const headingId = useId();
  const regions = snapshot.regions;
  const now = nowMs ?? Date.parse(snapshot.generatedAt);
  const reported = regions.some((r) => (r.sample?.reachability?.sightings.length ?? 0) > 0);
  const judged = regions.filter((r) => r.sample?.reachability && r.sample.reachability.verdict !== "reachable");
  const vantages = [CONSOLE, ...regions.map((r) => r.id)];

  return (
    <section
      data-testid="reachability-matrix"
      aria-labelledby={titled ? headingId : `${headingId}-caption`}
      className="space-y-3"
    >
      {titled && (
        <h2 id={headingId} className="text-lg font-semibold">
          Reachability
        </h2>
      )}
      {!reported ? (
        <p
          data-testid="reachability-empty"
          className="rounded-xl border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400"
        >
          No reachability reports yet
        </p>
      ) : (
        <>
          {/* Focusable so a keyboard can scroll it on a narrow screen. */}
          <div
            role="region"
            aria-labelledby={`${headingId}-caption`}
            tabIndex={0}
            className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-800 dark:bg-slate-900"
          >
            <table className="min-w-full text-sm">
              <caption
                id={`${headingId}-caption`}
                className="px-3 pt-3 pb-1 text-left text-xs text-slate-600 dark:text-slate-400"
              >
                Who reaches whom: each row is a vantage (the console, or a region&apos;s API), each column a
                region&apos;s database.
              </caption>
              <thead>
                <tr className="border-b border-slate-200 dark:border-slate-800">
                  <th scope="col" className="px-3 py-2 text-left font-medium text-slate-600 dark:text-slate-400">
                    From
                  </th>
                  {regions.map((r) => (
                    <th key={r.id} scope="col" className="px-3 py-2 text-left font-semibold whitespace-nowrap">
                      {r.id}
                      <span className="block text-xs font-normal text-slate-500 dark:text-slate-400">database</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {vantages.map((v) => (
                  <tr key={v} data-vantage={v}>
                    <th scope="row" className="px-3 py-2 text-left font-semibold whitespace-nowrap">
                      {vantageLabel(v)}
                      {v !== CONSOLE && (
                        <span className="block text-xs font-normal text-slate-500 dark:text-slate-400">region API</span>
                      )}
                    </th>
                    {regions.map((r) => (
                      <Cell key={r.id} vantage={v} region={r} nowMs={now} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {judged.length > 0 && (
            <ul className="space-y-2">
              {judged.map((r) => {
                const reach = r.sample!.reachability!;
                const badge = verdictBadges[reach.verdict as Exclude<ReachVerdict, "reachable">];
                return (
                  <li
                    key={r.id}
                    data-testid="reachability-reason"
                    data-region={r.id}
                    data-verdict={reach.verdict}
                    className="flex flex-wrap items-start gap-2 text-sm text-slate-800 dark:text-slate-200"
                  >
                    <span
                      className={`inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${badge.tone}`}
                    >
                      {badge.label}
                    </span>
                    <span className="min-w-0 flex-1 break-words">
                      {reach.reason ?? `${r.id}: ${badge.label.toLowerCase()}`}
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** What `vantage` saw of `region`'s database: reaches (latency, writes), cannot reach (why), or no report. */
function Cell({ vantage, region, nowMs }: { vantage: string; region: RegionView; nowMs: number }) {
  const s: Sighting | undefined = region.sample?.reachability?.sightings.find((x) => x.vantage === vantage);
  const base = "px-3 py-2 align-top whitespace-nowrap";
  if (!s) {
    return (
      <td data-region={region.id} data-state="no-report" className={`${base} text-slate-500 dark:text-slate-400`}>
        <span aria-hidden>—</span>
        <span className="sr-only">no report</span>
      </td>
    );
  }
  const age = ageSeconds(s.checkedAt, nowMs);
  return (
    <td
      data-region={region.id}
      data-state={s.reachable ? "reaches" : "cannot-reach"}
      data-accepts-writes={String(s.acceptsWrites)}
      className={base}
    >
      {s.reachable ? (
        <span className="font-medium text-emerald-800 dark:text-emerald-300">
          <span aria-hidden>✓ </span>reaches
          {s.latencyMs !== null && (
            <span className="font-normal tabular-nums text-slate-600 dark:text-slate-400">
              {" "}
              · {Math.round(s.latencyMs)} ms
            </span>
          )}
        </span>
      ) : (
        <span title={s.error ?? undefined} className="font-medium text-red-800 dark:text-red-300">
          <span aria-hidden>✗ </span>
          {failureWords(s)}
          {s.error && <span className="sr-only">: {s.error}</span>}
        </span>
      )}
      {s.acceptsWrites && (
        <span
          title="out of recovery: a primary"
          className="mt-0.5 block w-fit rounded bg-sky-100 px-1.5 py-0.5 text-xs font-medium text-sky-900 dark:bg-sky-900/40 dark:text-sky-200"
        >
          accepts writes
        </span>
      )}
      {/* Always rendered: the server's and the browser's first render may fall either side of the threshold. */}
      <span
        data-testid={age > showAgeAfterSeconds ? "reachability-age" : undefined}
        suppressHydrationWarning
        className="block text-xs text-slate-500 empty:hidden dark:text-slate-400"
      >
        {age > showAgeAfterSeconds ? `${formatSeconds(age)} old` : ""}
      </span>
    </td>
  );
}
