"use client";

import { memo, useMemo } from "react";
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";
import { chartRanges, type ChartRange, type SamplePoint } from "@/lib/fleet-sample";
import { formatTimestamp } from "@/lib/format";
import { latestValues, toChartRows, type ChartRow, type MetricKey } from "./chart-rows";
import { chartMetrics, type MetricSpec } from "./metrics";

export interface ChartRegion {
  id: string;
  color: string;
}

const hourMinute = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const hourMinuteSecond = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/**
 * One figure over time, one line per region: local time along the bottom, the value with its unit in the
 * tooltip, and gaps where nothing is known. Above it, each region's latest value as text.
 */
export function FleetChart({
  metric,
  series,
  bucketSeconds,
  regions,
  range,
}: {
  metric: MetricKey;
  series: Record<string, SamplePoint[]>;
  bucketSeconds: number;
  regions: ChartRegion[];
  range: ChartRange;
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
      data-testid={`chart-${metric}`}
      data-range={range}
      className="min-w-0 rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <figcaption className="mb-2 space-y-1">
        <h3 className="text-sm font-semibold">{spec.title}</h3>
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
        <div className="h-44 text-slate-500 sm:h-52 dark:text-slate-400" aria-hidden>
          <ChartPlot rows={rows} lines={withData} metric={metric} withSeconds={spanMs < 5 * 60_000} />
        </div>
      )}
    </figure>
  );
}

// Constant props: recharts recomputes its scales and ticks whenever an axis prop changes identity.
const margin = { top: 4, right: 8, bottom: 0, left: 0 };
const tickStyle = { fill: "currentColor", fontSize: 11 };
const timeDomain = ["dataMin", "dataMax"] as const;
const zeroUp = [0, "auto"] as const;
const formatMinute = (t: number) => hourMinute.format(t);
const formatSecond = (t: number) => hourMinuteSecond.format(t);
const tooltips = Object.fromEntries(
  (Object.keys(chartMetrics) as MetricKey[]).map((m) => [
    m,
    (p: TooltipContentProps) => <ChartTooltip {...p} spec={chartMetrics[m]} />,
  ]),
) as Record<MetricKey, (p: TooltipContentProps) => React.ReactNode>;

/** The drawing itself, redrawn only when its rows or lines change. */
const ChartPlot = memo(function ChartPlot({
  rows,
  lines,
  metric,
  withSeconds,
}: {
  rows: ChartRow[];
  lines: ChartRegion[];
  metric: MetricKey;
  withSeconds: boolean;
}) {
  const spec = chartMetrics[metric];
  const dot = rows.length <= 3 ? { r: 2 } : false;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={rows} margin={margin}>
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={timeDomain}
          tickFormatter={withSeconds ? formatSecond : formatMinute}
          tick={tickStyle}
          stroke="currentColor"
          strokeOpacity={0.4}
          minTickGap={withSeconds ? 48 : 32}
        />
        <YAxis
          width={62}
          domain={spec.domain ?? zeroUp}
          tickFormatter={spec.tick}
          tick={tickStyle}
          stroke="currentColor"
          strokeOpacity={0.4}
          allowDecimals
        />
        <Tooltip content={tooltips[metric]} isAnimationActive={false} />
        {lines.map((r) => (
          <Line
            key={r.id}
            dataKey={r.id}
            name={r.id}
            stroke={r.color}
            strokeWidth={2}
            dot={dot}
            type="linear"
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});

function ChartTooltip({ active, payload, label, spec }: TooltipContentProps & { spec: MetricSpec }) {
  if (!active || !payload?.length || typeof label !== "number") return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs text-slate-800 shadow-md dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <p className="mb-1 font-medium">{formatTimestamp(new Date(label).toISOString())}</p>
      <ul className="space-y-0.5">
        {payload.map((e) => (
          <li key={String(e.dataKey)} className="flex items-center gap-2">
            <span aria-hidden className="inline-block h-2 w-2 rounded-full" style={{ backgroundColor: e.color }} />
            <span>{e.name}</span>
            <span className="ml-auto pl-3 font-medium tabular-nums">
              {typeof e.value === "number" ? spec.format(e.value) : "no data"}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
