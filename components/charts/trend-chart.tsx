"use client";

import dynamic from "next/dynamic";
import { PlotBox } from "./plot-box";
import type { TrendLine, TrendRow } from "./trend-plot";

// As fleet-chart: recharts loads once the box of its final size comes near the screen.
const TrendPlot = dynamic(() => import("./trend-plot").then((m) => m.TrendPlot), { ssr: false });

/**
 * A figure across runs (drills), one line per measure, with a text caption of the latest run's values so the figure
 * reads without the drawing. Fewer than two runs show no line to follow: the caption says so.
 */
export function TrendChart({
  title,
  rows,
  lines,
  format,
  reference,
  testId,
}: {
  title: string;
  rows: TrendRow[];
  lines: TrendLine[];
  format: (n: number) => string;
  reference?: { y: number; label: string };
  testId: string;
}) {
  const latest = rows.at(-1);
  return (
    <figure
      data-testid={testId}
      className="min-w-0 rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <figcaption className="mb-2 space-y-1">
        <h3 className="text-sm font-semibold">{title}</h3>
        {latest && (
          <ul
            className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-600 dark:text-slate-400"
            aria-label={`Latest drill, ${latest.label}`}
          >
            {lines.map((l) => {
              const v = latest[l.key];
              return (
                <li key={l.key} className="inline-flex items-center gap-1">
                  <span aria-hidden className="inline-block h-0.5 w-3 rounded" style={{ backgroundColor: l.color }} />
                  {l.label}:{" "}
                  <span className="font-medium text-slate-800 tabular-nums dark:text-slate-200">
                    {typeof v === "number" ? format(v) : "not reached"}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </figcaption>
      {rows.length < 2 ? (
        <p className="flex h-44 items-center justify-center rounded-lg bg-slate-50 px-4 text-center text-sm text-slate-500 sm:h-52 dark:bg-slate-950/40 dark:text-slate-400">
          {rows.length ? "One scored drill so far: the trend starts with the second." : "No scored drills yet."}
        </p>
      ) : (
        <PlotBox>
          <TrendPlot rows={rows} lines={lines} format={format} reference={reference} />
        </PlotBox>
      )}
    </figure>
  );
}
