import type { Check } from "@/lib/actions/run";

/** Checks with their verdict and what was observed; each marked data-testid="check" data-ok for the tests. */
export function CheckList({ checks }: { checks: Check[] }) {
  if (!checks.length) return <p className="text-sm text-slate-600 dark:text-slate-400">No checks.</p>;
  return (
    <ul className="space-y-1.5">
      {checks.map((c) => (
        <li key={c.id} data-testid="check" data-check-id={c.id} data-ok={c.ok} className="flex gap-2 text-sm">
          <span
            aria-hidden
            className={`mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold ${
              c.ok
                ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200"
                : "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200"
            }`}
          >
            {c.ok ? "✓" : "✕"}
          </span>
          <span className="min-w-0">
            <span className="font-medium">
              <span className="sr-only">{c.ok ? "Passed: " : "Failed: "}</span>
              {c.label}
            </span>
            <span className="block font-mono text-xs break-words text-slate-600 dark:text-slate-400">
              <span className="sr-only">Observed: </span>
              {c.observed}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}
