"use client";

import dynamic from "next/dynamic";
import { useMemo } from "react";
import { chartRanges, type ChartRange } from "@/lib/fleet-sample";
import { latestValues, toChartRows, type ChartMetricKey, type ChartPoint } from "./chart-rows";
import { chartMetrics } from "./metrics";
import { PlotBox } from "./plot-box";

// recharts is most of a chart page's script and the charts sit below its figures: the drawing loads once its box
// (PlotBox, of the final size) comes near the screen. The history is read in the browser only, so the server never
// drew it.
const ChartPlot = dynamic(() => import("./chart-plot").then((m) => m.ChartPlot), { ssr: false });

export interface ChartRegion {
  id: string;
  color: string;
}

/**
 * One figure over time, one line per region (or per geography, for global traffic): local time along the bottom,
 * the value with its unit in the tooltip, and gaps where nothing is known. Above it, each line's latest value as
 * text. `title` and `testId` name a chart whose figure appears on several charts (requests/s per region and per
 * geography).
 */
export function FleetChart({
  metric,
  series,
  bucketSeconds,
  regions,
  range,
  title,
  testId,
}: {
  metric: ChartMetricKey;
  series: Record<string, ChartPoint[]>;
  bucketSeconds: number;
  regions: ChartRegion[];
  range: ChartRange;
  title?: string;
  testId?: string;
}) {
  const spec = chartMetrics[metric];
  const withData = useMemo(
    () => regions.filter((r) => series[r.id]?.some((p) => p[metric] != null)),
    [regions, series, metric],
  );
  const ids = useMemo(() => withData.map((r) => r.id), [withData]);
  const rows = useMemo(
    () => toChartRows(series, metric, ids, { bucketSeconds, rangeSeconds: chartRanges[range] }),
    [series, metric, ids, bucketSeconds, range],
  );
  const latest = latestValues(series, metric, ids);
  // A short history (a fresh console) needs seconds on the time axis to tell its ticks apart.
  const spanMs = rows.length > 1 ? rows[rows.length - 1]!.t - rows[0]!.t : 0;

  return (
    <figure
      data-testid={testId ?? `chart-${metric}`}
      data-range={range}
      className="min-w-0 rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <figcaption className="mb-2 space-y-1">
        <h3 className="text-sm font-semibold">{title ?? spec.title}</h3>
        {withData.length > 0 && (
          <ul
            className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-600 dark:text-slate-400"
            aria-label="Latest values"
          >
            {withData.map((r) => (
              <li key={r.id} className="inline-flex items-center gap-1">
                <span aria-hidden className="inline-block h-0.5 w-3 rounded" style={{ backgroundColor: r.color }} />
                {r.id}:{" "}
                <span className="font-medium text-slate-800 tabular-nums dark:text-slate-200">
                  {latest[r.id] == null ? "no data" : spec.format(latest[r.id]!)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </figcaption>
      {rows.length === 0 ? (
        <p className="flex h-44 items-center justify-center rounded-lg bg-slate-50 text-sm text-slate-500 sm:h-52 dark:bg-slate-950/40 dark:text-slate-400">
          No data in this range yet.
        </p>
      ) : (
        <PlotBox>
          <ChartPlot rows={rows} lines={withData} metric={metric} withSeconds={spanMs < 5 * 60_000} />
        </PlotBox>
      )}
    </figure>
  );
}
