"use client";

import { useLiveUpdates } from "./use-live-updates";

/** Keeps the live stream open for every console page, and says whether it is. */
export function LiveIndicator() {
  const state = useLiveUpdates();
  const label = state === "live" ? "Live" : state === "connecting" ? "Connecting…" : "Reconnecting…";
  return (
    <span
      data-testid="live-state"
      data-state={state}
      className="inline-flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400"
      role="status"
    >
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${state === "live" ? "bg-emerald-500" : "animate-pulse bg-amber-500"}`}
      />
      {label}
    </span>
  );
}
