import { formatRatio } from "@/lib/units";

/**
 * Who answered a geography's users, as one bar of coloured parts (for the eye) and a list of shares (for
 * everyone, screen readers included). `colors`: each region's colour, as on the charts.
 */
export function ShareBar({ shares, colors }: { shares: Record<string, number>; colors: Record<string, string> }) {
  const parts = Object.entries(shares)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  if (!parts.length) return <p className="text-sm text-slate-500 dark:text-slate-400">No answers in the window.</p>;
  return (
    <div className="space-y-1">
      <div aria-hidden className="flex h-2 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800">
        {parts.map(([r, v]) => (
          <span key={r} style={{ width: `${v * 100}%`, backgroundColor: colors[r] ?? "#64748b" }} />
        ))}
      </div>
      <ul aria-label="Answered by" className="flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-400">
        {parts.map(([r, v]) => (
          <li key={r} className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block h-2 w-2 rounded-full" style={{ backgroundColor: colors[r] }} />
            {r} <span className="font-medium text-slate-800 tabular-nums dark:text-slate-200">{formatRatio(v, 0)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
