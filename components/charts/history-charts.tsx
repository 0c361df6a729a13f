"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { ChartRange } from "@/lib/fleet-sample";
import { ownZoneName } from "@/lib/format";
import { fleetQuery, historyQuery, type HistoryResponse } from "@/lib/queries";
import { InBrowser } from "@/components/ui/in-browser";
import type { MetricKey } from "./chart-rows";
import { FleetChart, type ChartRegion } from "./fleet-chart";
import { regionColor } from "./metrics";
import { RangeSwitch } from "./range-switch";

/** How often live pushes redraw the charts: the figures above them move with every push, a 15-minute line need not. */
const REDRAW_MS = 3000;

/**
 * A section of history charts sharing one range switch (15 min by default). The 15-minute history grows with
 * every live push (redrawn every few seconds); the longer ranges are re-read every minute. Regions keep their
 * colour on every chart.
 */
export function HistoryCharts({
  metrics,
  regionIds,
  heading = "History",
}: {
  metrics: MetricKey[];
  regionIds?: string[];
  heading?: string;
}) {
  const [range, setRange] = useState<ChartRange>("15m");
  const headingId = useId();
  const { data: fleet } = useQuery(fleetQuery);
  const { data: live, error, isError } = useQuery(historyQuery(range));
  const data = useThrottledHistory(live, REDRAW_MS);

  // Colours follow the fleet's order; recomputed only when the set of regions changes, not on every push.
  const allIds = (fleet?.regions.map((r) => r.id) ?? Object.keys(data?.series ?? {}).sort()).join(",");
  const only = regionIds?.join(",");
  const regions: ChartRegion[] = useMemo(() => {
    const shown = only?.split(",");
    return allIds
      .split(",")
      .filter(Boolean)
      .map((id, i) => ({ id, color: regionColor(i) }))
      .filter((r) => !shown || shown.includes(r.id));
  }, [allIds, only]);

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id={headingId} className="text-lg font-semibold">
            {heading}
          </h2>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {/* the reader's zone, named as the page's timestamps name it; the server's is not the reader's */}
            Local time<InBrowser> ({ownZoneName()})</InBrowser>
            {data && data.bucketSeconds > 1
              ? ` · averaged over ${data.bucketSeconds >= 60 ? `${data.bucketSeconds / 60} min` : `${data.bucketSeconds} s`}`
              : ""}
          </p>
        </div>
        <RangeSwitch value={range} onChange={setRange} />
      </div>
      {!data ? (
        <p className="rounded-xl border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400">
          {isError ? `Cannot load the history: ${error.message}` : "Loading history…"}
        </p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {metrics.map((m) => (
            <FleetChart
              key={m}
              metric={m}
              series={data.series}
              bucketSeconds={data.bucketSeconds}
              regions={regions}
              range={data.range}
            />
          ))}
        </div>
      )}
    </section>
  );
}

/**
 * The history as last drawn: a new answer for the same range is taken at most every `ms` (the newest one
 * wins); a different range, or the first answer, at once.
 */
function useThrottledHistory(value: HistoryResponse | undefined, ms: number): HistoryResponse | undefined {
  const [drawn, setDrawn] = useState(value);
  const drawnAt = useRef(0);
  const sameRange = !!value && !!drawn && value.range === drawn.range;
  useEffect(() => {
    if (value === drawn) return;
    const wait = sameRange ? Math.max(0, drawnAt.current + ms - Date.now()) : 0;
    const timer = setTimeout(() => {
      drawnAt.current = Date.now();
      setDrawn(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, drawn, sameRange, ms]);
  return sameRange ? drawn : value;
}
