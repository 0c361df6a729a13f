const tone: Record<string, string> = {
  ok: "bg-emerald-100 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-900/40 dark:text-emerald-200",
  streaming: "bg-emerald-100 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-900/40 dark:text-emerald-200",
  up: "bg-emerald-100 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-900/40 dark:text-emerald-200",
  syncing: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200",
  degraded: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200",
  paused: "bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200",
  disabled: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300",
  down: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200",
  outage: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200",
  stopped: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200",
};
const unknownTone = "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300";

/** The status word a component reports (mirror "ok"/"syncing"/"down", CDN "ok"/"outage", …), coloured by what it means. */
export function ComponentStatus({ status, testId }: { status: string | null | undefined; testId?: string }) {
  const s = status ?? "unknown";
  return (
    <span
      data-testid={testId}
      data-status={s}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${tone[s] ?? unknownTone}`}
    >
      {s === "unknown" ? "not yet checked" : s}
    </span>
  );
}
