"use client";

import { memo } from "react";
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";

/**
 * A trend's drawing with recharts, one point per run (a drill) along the bottom in order, one line per figure;
 * components/charts/trend-chart loads it lazily. Styled as chart-plot: current colour, a faint grid, no animation.
 */

export interface TrendLine {
  key: string;
  label: string;
  color: string;
}

export type TrendRow = { label: string } & Record<string, number | string | null>;

const margin = { top: 8, right: 8, bottom: 0, left: 0 };
const tickStyle = { fill: "currentColor", fontSize: 11 };

export const TrendPlot = memo(function TrendPlot({
  rows,
  lines,
  format,
  reference,
}: {
  rows: TrendRow[];
  lines: TrendLine[];
  /** the value with its unit, for ticks and the tooltip */
  format: (n: number) => string;
  /** a dashed level to read the lines against (a target) */
  reference?: { y: number; label: string };
}) {
  const dot = { r: 3 };
  const tooltip = (p: TooltipContentProps) => <TrendTooltip {...p} format={format} />;
  return (
    <ResponsiveContainer width="100%" height="100%">
      {/* The plot is aria-hidden (its figure's caption and table say the values): no keyboard stop inside it either. */}
      <LineChart data={rows} margin={margin} accessibilityLayer={false}>
        <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
        <XAxis dataKey="label" tick={tickStyle} stroke="currentColor" strokeOpacity={0.4} />
        <YAxis
          width={52}
          domain={[0, "auto"]}
          tickFormatter={format}
          tick={tickStyle}
          stroke="currentColor"
          strokeOpacity={0.4}
        />
        {reference && (
          <ReferenceLine
            y={reference.y}
            stroke="currentColor"
            strokeDasharray="4 4"
            strokeOpacity={0.6}
            label={{ value: reference.label, position: "insideTopLeft", fill: "currentColor", fontSize: 11 }}
          />
        )}
        <Tooltip content={tooltip} isAnimationActive={false} />
        {lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={l.label}
            stroke={l.color}
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

function TrendTooltip({ active, payload, label, format }: TooltipContentProps & { format: (n: number) => string }) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs text-slate-800 shadow-md dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <p className="mb-1 font-medium">Drill {String(label)}</p>
      <ul className="space-y-0.5">
        {payload.map((e) => (
          <li key={String(e.dataKey)} className="flex items-center gap-2">
            <span aria-hidden className="inline-block h-2 w-2 rounded-full" style={{ backgroundColor: e.color }} />
            <span>{e.name}</span>
            <span className="ml-auto pl-3 font-medium tabular-nums">
              {typeof e.value === "number" ? format(e.value) : "not reached"}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
