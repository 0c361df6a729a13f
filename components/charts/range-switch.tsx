"use client";

import type { ChartRange } from "@/lib/fleet-sample";

const labels: Record<ChartRange, string> = { "15m": "15 min", "1h": "1 h", "24h": "24 h" };

/** The chart window: three toggle buttons, the pressed one is the range shown. */
export function RangeSwitch({ value, onChange }: { value: ChartRange; onChange: (range: ChartRange) => void }) {
  return (
    <div
      role="group"
      aria-label="Chart range"
      className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 dark:border-slate-700 dark:bg-slate-900"
    >
      {(Object.keys(labels) as ChartRange[]).map((r) => (
        <button
          key={r}
          type="button"
          aria-pressed={value === r}
          onClick={() => onChange(r)}
          className="rounded px-2.5 py-1 text-sm font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 aria-pressed:bg-sky-700 aria-pressed:text-white dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-pressed:bg-sky-600"
        >
          {labels[r]}
        </button>
      ))}
    </div>
  );
}
