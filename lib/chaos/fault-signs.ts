import type { RegionView } from "../fleet-view";
import type { ChaosFaultKind } from "./faults";

/**
 * What the pages must show of each fault the chaos soak injects, read from the fleet snapshot the live stream
 * carries (the same one /api/v1/health/regions and every page render): the region is not shown healthy (nor
 * stale: a stale region shows no status at all), and the figure the fault changes shows it.
 */

/** The figure that shows the fault: the console's own probe of the region, or what the region API reported. */
export function faultSign(kind: ChaosFaultKind, r: RegionView): boolean {
  const s = r.sample;
  if (!s) return false;
  const health = s.api.up ? s.api.health : null;
  switch (kind) {
    case "db-down":
      return s.db?.up === false;
    case "api-down":
    case "api-hang":
    case "api-slow":
      return !s.api.up;
    case "mirror-down":
      return (s.mirrors?.status ?? health?.mirrors?.status) === "down";
    case "cdn-outage":
      return (s.cdn?.status ?? health?.cdn?.status) === "outage";
    case "lag":
      return !!s.db?.up && s.db.inRecovery && s.db.replayPaused;
    case "partition-from-console":
    case "isolate":
      // the console's own probes of its database or its API go unanswered
      return s.db?.up === false || !s.api.up;
    case "partition-from-regions":
      return s.reachability?.verdict === "partitioned-from-regions";
  }
}

/**
 * The status the region must show: unhealthy where it cannot serve (its API refuses, or it is the recorded
 * primary and its server is stopped), else degraded or worse.
 */
export function expectedStatuses(kind: ChaosFaultKind, r: Pick<RegionView, "role">): readonly string[] {
  if (kind === "api-down" || (kind === "db-down" && r.role === "primary")) return ["unhealthy"];
  return ["degraded", "unhealthy"];
}

/** Whether the page names the fault as what it is: a stopped server is an outage, never "a network partition". */
function namedRight(kind: ChaosFaultKind, r: RegionView): boolean {
  return kind !== "db-down" || r.sample?.reachability?.verdict !== "partitioned-from-console";
}

/** The pages show the fault: the status it calls for, its sign, and the right name for it. */
export function faultShown(kind: ChaosFaultKind, r: RegionView): boolean {
  return r.status !== null && expectedStatuses(kind, r).includes(r.status) && faultSign(kind, r) && namedRight(kind, r);
}

/** The pages no longer show the fault's sign (the region's status may still be settling: see the quiet check). */
export function faultCleared(kind: ChaosFaultKind, r: RegionView): boolean {
  return r.status !== "stale" && !faultSign(kind, r);
}

/**
 * How the console learns of each fault, which bounds how soon it can show it:
 * - event: a held connection breaks or is refused (db-down, api-down), or the region API pushes its changed
 *   health (mirror-down, cdn-outage): the console can know at once;
 * - poll: nothing tells it; the next probe of the region reads it (lag: replay paused), within a poll interval;
 * - timeout: only silence reveals it (a hung or slow API, dropped packets): a probe sent after the fault lands
 *   must go unanswered for the probe timeout, and the next probe may be a poll interval away; a partition from
 *   the other regions is seen the same way by their region APIs' looks at it.
 */
export type Reveal = "event" | "poll" | "timeout";

export const revealedBy: Record<ChaosFaultKind, Reveal> = {
  "db-down": "event",
  "api-down": "event",
  "mirror-down": "event",
  "cdn-outage": "event",
  lag: "poll",
  "api-hang": "timeout",
  "api-slow": "timeout",
  "partition-from-console": "timeout",
  "partition-from-regions": "timeout",
  isolate: "timeout",
};

/** The console's probe timeout for a poll interval (server/fleet/collector.ts: 80 % of it, 50 ms to 800 ms). */
export const probeTimeoutMs = (pollIntervalMs: number) => Math.max(50, Math.min(800, Math.floor(pollIntervalMs * 0.8)));

/** The page shows a fault within 1 s of the moment the console can first know of it. */
export const SHOWN_WITHIN_MS = 1_000;

/** When the console can know of a fault at the latest, after it lands. */
export function knowableAfterMs(kind: ChaosFaultKind, pollIntervalMs: number): number {
  switch (revealedBy[kind]) {
    case "event":
      return 0;
    case "poll":
      return pollIntervalMs;
    case "timeout":
      return pollIntervalMs + probeTimeoutMs(pollIntervalMs);
  }
}

/** The bound of invariant 1 for a fault: from its landing to every open page showing it. */
export const detectionBoundMs = (kind: ChaosFaultKind, pollIntervalMs: number) =>
  knowableAfterMs(kind, pollIntervalMs) + SHOWN_WITHIN_MS;

/** After its recovery, a fault's sign leaves every page within this (a replica catching up, an API restarting). */
export const CLEARED_WITHIN_MS = 30_000;
