import type { ActionRun } from "@/lib/actions/run";

/** How far a run has come, with its own words; indeterminate when the action cannot say. */
export function RunProgress({ run }: { run: ActionRun }) {
  const p = run.progress;
  if (!p && run.status !== "running") return null;
  const percent = p?.percent ?? null;
  const paused = !!p?.paused;
  const done = run.status === "succeeded";
  const bar = done
    ? "bg-emerald-600"
    : run.status === "running"
      ? paused
        ? "bg-amber-500"
        : "bg-sky-600"
      : "bg-slate-400";
  return (
    <div
      data-testid="action-progress"
      data-percent={percent ?? undefined}
      data-paused={paused || undefined}
      className="space-y-1"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span id="progress-label" className="font-medium">
          {paused ? "Paused" : run.status === "running" ? "Running" : "Progress"}
          {p?.message ? `: ${p.message}` : ""}
        </span>
        {percent !== null && (
          <span className="text-slate-600 tabular-nums dark:text-slate-400">{Math.round(percent)} %</span>
        )}
      </div>
      <div
        role="progressbar"
        aria-labelledby="progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={paused ? `paused${percent !== null ? ` at ${Math.round(percent)} %` : ""}` : undefined}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-500 ${bar} ${percent === null && run.status === "running" && !paused ? "w-1/3 animate-pulse" : ""}`}
          style={percent !== null ? { width: `${Math.max(0, Math.min(100, percent))}%` } : undefined}
        />
      </div>
    </div>
  );
}
