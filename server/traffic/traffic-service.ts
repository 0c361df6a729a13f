import "server-only";
import { performance } from "node:perf_hooks";
import type { ChartRange } from "@/lib/fleet-sample";
import { trafficStaleAfterMs, trafficViewAt, type TrafficHistory, type TrafficView } from "@/lib/traffic-view";
import type { Caller } from "@/server/auth/caller";
import { env } from "@/server/env";
import { subscribe } from "@/server/events/bus";
import { getFleetConfig } from "@/server/fleet/config";
import { readLatestTraffic, readTrafficHistory } from "./traffic-store";

/**
 * Global traffic as every console serves it: what the store holds, whichever console collected it, so all consoles
 * show one live truth. One read of the store per change however many pages ask: a `traffic` event (this console's
 * collector, or another console's through the store) drops the cached read, and so does its age passing one poll
 * interval. Each answer is aged to the moment it is given.
 */
type Cache = { promise: Promise<TrafficView> | null; readAt: number; subscribed: boolean };
const holder = globalThis as unknown as { __switchyardTraffic?: Cache };

/** The latest traffic snapshot with its age, or `configured: false` when the fleet has no balancer. Any role or token reads it. */
export async function getTrafficView(_caller: Caller): Promise<TrafficView> {
  return cachedTrafficView();
}

/** The view for /metrics, which has its own access rule. */
export async function cachedTrafficView(): Promise<TrafficView> {
  const c = (holder.__switchyardTraffic ??= { promise: null, readAt: 0, subscribed: false });
  if (!c.subscribed) {
    c.subscribed = true;
    subscribe("traffic", () => (c.promise = null));
  }
  if (!c.promise || performance.now() - c.readAt >= env.POLL_INTERVAL) {
    c.readAt = performance.now();
    const read = readView().catch((err) => {
      if (c.promise === read) c.promise = null;
      throw err;
    });
    c.promise = read;
  }
  return trafficViewAt(await c.promise, Date.now());
}

async function readView(): Promise<TrafficView> {
  const configured = !!getFleetConfig().balancer;
  return {
    configured,
    generatedAt: new Date().toISOString(),
    staleAfterSeconds: trafficStaleAfterMs(env.POLL_INTERVAL) / 1000,
    // A snapshot left from a balancer the fleet file no longer names is not shown.
    snapshot: configured ? await readLatestTraffic() : null,
    ageSeconds: null,
    stale: false,
  };
}

/** Chart history of global traffic: 15 min, 1 h or 24 h. */
export async function getTrafficHistory(_caller: Caller, range: ChartRange): Promise<TrafficHistory> {
  return readTrafficHistory(range);
}
