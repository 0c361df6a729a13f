"use client";

import { memo } from "react";
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
import { formatTimestamp } from "@/lib/format";
import type { ChartMetricKey, ChartRow } from "./chart-rows";
import type { ChartRegion } from "./fleet-chart";
import { chartMetrics, type MetricSpec } from "./metrics";

/** A chart's drawing with recharts; components/charts/fleet-chart loads it lazily. */

const hourMinute = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const hourMinuteSecond = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

// Constant props: recharts recomputes its scales and ticks whenever an axis prop changes identity.
const margin = { top: 4, right: 8, bottom: 0, left: 0 };
const tickStyle = { fill: "currentColor", fontSize: 11 };
const timeDomain = ["dataMin", "dataMax"] as const;
const zeroUp = [0, "auto"] as const;
const formatMinute = (t: number) => hourMinute.format(t);
const formatSecond = (t: number) => hourMinuteSecond.format(t);
type Domain = readonly [number, number] | readonly [0, "auto"] | readonly [0, (dataMax: number) => number];
const domains = Object.fromEntries(
  (Object.keys(chartMetrics) as ChartMetricKey[]).map((m) => {
    const { domain, minTop } = chartMetrics[m];
    return [m, domain ?? (minTop ? ([0, (dataMax: number) => Math.max(dataMax, minTop)] as const) : zeroUp)];
  }),
) as Record<ChartMetricKey, Domain>;
const tooltips = Object.fromEntries(
  (Object.keys(chartMetrics) as ChartMetricKey[]).map((m) => [
    m,
    (p: TooltipContentProps) => <ChartTooltip {...p} spec={chartMetrics[m]} />,
  ]),
) as Record<ChartMetricKey, (p: TooltipContentProps) => React.ReactNode>;

/** The drawing itself, redrawn only when its rows or lines change. */
export const ChartPlot = memo(function ChartPlot({
  rows,
  lines,
  metric,
  withSeconds,
}: {
  rows: ChartRow[];
  lines: ChartRegion[];
  metric: ChartMetricKey;
  withSeconds: boolean;
}) {
  const spec = chartMetrics[metric];
  const dot = rows.length <= 3 ? { r: 2 } : false;
  return (
    <ResponsiveContainer width="100%" height="100%">
      {/* The plot is aria-hidden (its figure's caption reads the latest values): no keyboard stop inside it either. */}
      <LineChart data={rows} margin={margin} accessibilityLayer={false}>
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
          domain={domains[metric]}
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
