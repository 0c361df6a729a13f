import "server-only";
import { formatDuration } from "@/lib/units";
import type { RunContext } from "./module";
import { sleep } from "./wait";

/** Holding at a step of a gradual change (a CDN rollout, a stepped traffic restore), under the operator's control. */

const STEP_MS = 250;

/** The operator asked to abort: the action goes back to where it started. */
export class Aborted extends Error {}

/** What watches a hold: a check every `everyMs`, which stops the hold by throwing. */
export interface HoldWatch {
  /** runs about every `everyMs`, also while the hold is paused (it is told so) */
  check: (paused: boolean) => Promise<void>;
  everyMs: number;
  /** when given, the hold ends only once this says so too (a judgement not in yet, or failing) */
  settled?: () => boolean;
  /** why the hold is paused, when the watch paused it: said with the paused message */
  pausedBecause?: () => string | null;
}

/**
 * Holds at a step for `seconds` of unpaused time, checking the operator's control every ≤ 250 ms: "pause" stops
 * the hold clock, "abort" throws Aborted. A pause seen at any moment, also as the time runs out, holds until a resume.
 * `overall` maps the seconds held to the whole action's percent. `watch`, when given, runs about every `everyMs`
 * while it holds and stops the hold by throwing; with `settled`, the hold also waits for it.
 */
export async function hold(
  ctx: RunContext,
  step: number,
  seconds: number,
  overall: (heldMs: number) => number,
  watch?: HoldWatch,
): Promise<void> {
  const holdMs = seconds * 1000;
  // at most ~120 progress lines per hold (each is a line of output), at least one a second
  const reportEvery = Math.min(30_000, Math.max(1_000, holdMs / 120));
  const settled = () => !watch?.settled || watch.settled();
  let held = 0;
  let paused = false;
  let last = Date.now();
  let reportedAt = -Infinity;
  let watchedAt = Date.now();
  let controlFailed = false;
  while (held < holdMs || paused || !settled()) {
    if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error("aborted");
    const control = await ctx.control().catch((err: Error) => {
      if (!controlFailed) ctx.log(`cannot read the operator's control (${err.message}); holding on`, "stderr");
      controlFailed = true;
      return undefined;
    });
    const now = Date.now();
    if (!paused) held = Math.min(holdMs, held + (now - last)); // the time since the last look counts unless it was paused
    last = now;
    if (control === "abort") throw new Aborted();
    // An unreadable control leaves the hold as it was: a paused hold does not go on because the store blinked.
    const pausedNow: boolean = control === undefined ? paused : control === "pause";
    if (pausedNow !== paused || now - reportedAt >= reportEvery) {
      reportedAt = now;
      const left = formatDuration(holdMs - held);
      const why = pausedNow ? watch?.pausedBecause?.() : null;
      ctx.progress(
        overall(held),
        pausedNow
          ? `paused at ${step} % (${left} of the hold left)${why ? `: ${why}` : ""}; resume to go on`
          : held < holdMs
            ? `holding at ${step} % for ${formatDuration(holdMs)}, ${left} left`
            : `held ${formatDuration(holdMs)} at ${step} %; waiting for a passing check to go on`,
      );
    }
    paused = pausedNow;
    if (watch && (held < holdMs || paused || !settled()) && now - watchedAt >= watch.everyMs) {
      watchedAt = now;
      await watch.check(paused);
    }
    if (held < holdMs || paused || !settled())
      await sleep(paused || held >= holdMs ? STEP_MS : Math.min(STEP_MS, holdMs - held), ctx.signal);
  }
}
