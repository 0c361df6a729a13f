import "server-only";
import { formatDuration } from "@/lib/units";
import type { RunContext } from "./module";
import { sleep } from "./wait";

/** Holding at a step of a gradual change (a CDN rollout, a stepped traffic restore), under the operator's control. */

const STEP_MS = 250;

/** The operator asked to abort: the action goes back to where it started. */
export class Aborted extends Error {}

/**
 * Holds at a step for `seconds` of unpaused time, checking the operator's control every ≤ 250 ms: "pause" stops
 * the hold clock, "abort" throws Aborted. `overall` maps the seconds held to the whole action's percent. `watch`,
 * when given, runs about every `everyMs` while it holds and stops the hold by throwing.
 */
export async function hold(
  ctx: RunContext,
  step: number,
  seconds: number,
  overall: (heldMs: number) => number,
  watch?: { check: () => Promise<void>; everyMs: number },
): Promise<void> {
  const holdMs = seconds * 1000;
  // at most ~120 progress lines per hold (each is a line of output), at least one a second
  const reportEvery = Math.min(30_000, Math.max(1_000, holdMs / 120));
  let held = 0;
  let paused = false;
  let last = Date.now();
  let reportedAt = -Infinity;
  let watchedAt = Date.now();
  let controlFailed = false;
  while (held < holdMs) {
    if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error("aborted");
    const control = await ctx.control().catch((err: Error) => {
      if (!controlFailed) ctx.log(`cannot read the operator's control (${err.message}); holding on`, "stderr");
      controlFailed = true;
      return null;
    });
    const now = Date.now();
    if (!paused) held = Math.min(holdMs, held + (now - last)); // the time since the last look counts unless it was paused
    last = now;
    if (control === "abort") throw new Aborted();
    const pausedNow = control === "pause";
    if (pausedNow !== paused || now - reportedAt >= reportEvery) {
      reportedAt = now;
      const left = formatDuration(holdMs - held);
      ctx.progress(
        overall(held),
        pausedNow
          ? `paused at ${step} % (${left} of the hold left); resume to go on`
          : `holding at ${step} % for ${formatDuration(holdMs)}, ${left} left`,
      );
    }
    paused = pausedNow;
    if (watch && held < holdMs && now - watchedAt >= watch.everyMs) {
      watchedAt = now;
      await watch.check();
    }
    if (held < holdMs) await sleep(Math.min(STEP_MS, paused ? STEP_MS : holdMs - held), ctx.signal);
  }
}
