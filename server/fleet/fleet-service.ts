import "server-only";
import { performance } from "node:perf_hooks";
import type { ChartRange } from "@/lib/fleet-sample";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { snapshotAt } from "@/lib/freshness";
import type { Caller } from "@/server/auth/caller";
import { env } from "@/server/env";
import { announceHere, subscribe } from "@/server/events/bus";
import { getFleetConfig } from "./config";
import { readFleetSnapshot, readHistory, type History } from "./sample-store";

/**
 * One read of the store per change, however many pages and streams ask for it: a fleet or alerts event (from
 * this console's collector, or another console's through the store) drops the cached read, and so does its
 * age passing one poll interval. Each answer is aged to the moment it is given.
 */
type Cache = { promise: Promise<FleetSnapshot> | null; readAt: number; subscribed: boolean; last?: FleetSnapshot };
const holder = globalThis as unknown as { __switchyardSnapshot?: Cache };

/** The fleet now: every region's status and latest sample, and the alerts firing. Any signed-in role or token reads it. */
export async function getFleetSnapshot(_caller: Caller): Promise<FleetSnapshot> {
  return cachedFleetSnapshot();
}

/** The snapshot for /metrics and /api/health, which have their own access rules. */
export async function cachedFleetSnapshot(): Promise<FleetSnapshot> {
  const c = (holder.__switchyardSnapshot ??= { promise: null, readAt: 0, subscribed: false });
  if (!c.subscribed) {
    c.subscribed = true;
    const drop = () => (c.promise = null);
    subscribe("fleet", drop);
    subscribe("alerts", drop);
  }
  if (!c.promise || performance.now() - c.readAt >= env.POLL_INTERVAL) {
    c.readAt = performance.now();
    const read = readFleetSnapshot(getFleetConfig()).then(
      (s) => (c.last = s),
      (err) => {
        if (c.promise === read) c.promise = null;
        throw err;
      },
    );
    c.promise = read;
  }
  return snapshotAt(await c.promise, Date.now());
}

/**
 * The fleet as this console last read it from the store, aged to now (so its regions say "stale since …" once their
 * samples are too old), or null if it never read it: what a page may still show while the store cannot be reached.
 */
export function lastKnownFleetSnapshot(): FleetSnapshot | null {
  const last = holder.__switchyardSnapshot?.last;
  return last ? snapshotAt(last, Date.now()) : null;
}

/**
 * Every poll interval, looks at the fleet as the store has it: a region turning stale (or fresh again), or
 * samples that arrived without their event reaching this console, is announced to this console's pages.
 */
export function watchFreshness(): () => void {
  let last: { stale: string; newest: string } | null = null;
  let sawEvent = false;
  const unsubscribe = subscribe("fleet", () => (sawEvent = true));
  const timer = setInterval(() => {
    void cachedFleetSnapshot()
      .then((s) => {
        const now = {
          stale: s.regions
            .filter((r) => r.status === "stale")
            .map((r) => r.id)
            .join(),
          newest: s.regions.map((r) => r.checkedAt).join(),
        };
        const changed = last !== null && (now.stale !== last.stale || (!sawEvent && now.newest !== last.newest));
        last = now;
        sawEvent = false;
        if (changed) announceHere("fleet");
      })
      .catch(() => undefined);
  }, env.POLL_INTERVAL);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}

export async function getHistory(_caller: Caller, range: ChartRange): Promise<History> {
  return readHistory(range);
}
