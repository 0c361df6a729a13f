"use client";

import { useNow } from "@/components/ui/use-now";
import { formatDuration } from "@/lib/units";

/**
 * A step's stability timer: how long its check has held without a break, and the time left; or that it waits for
 * the check to hold. The server ticks the step when the period is over and starts the timer over on a break.
 */
export function StabilityTimer({ holdMinutes, holdingSince }: { holdMinutes: number; holdingSince: string | null }) {
  const now = useNow();
  if (!holdingSince)
    return (
      <span data-testid="stability-timer" data-state="waiting">
        <span className="font-medium">Stability timer:</span> {holdMinutes} min without a break, from when the check
        holds
      </span>
    );
  const held = Math.max(0, now - Date.parse(holdingSince));
  const left = holdMinutes * 60_000 - held;
  return (
    <span data-testid="stability-timer" data-state="running" role="timer">
      <span className="font-medium">Stable for</span> {formatDuration(held, "ticking")} of {holdMinutes} min ·{" "}
      {left > 0 ? `${formatDuration(left, "ticking")} left` : "ticking it now"}
    </span>
  );
}
