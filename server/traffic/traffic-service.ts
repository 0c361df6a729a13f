import "server-only";
import type { ChartRange } from "@/lib/fleet-sample";
import { trafficStaleAfterMs, trafficViewAt, type TrafficHistory, type TrafficView } from "@/lib/traffic-view";
import type { Caller } from "@/server/auth/caller";
import { env } from "@/server/env";
import { readPerChange } from "@/server/events/read-per-change";
import { getFleetConfig } from "@/server/fleet/config";
import { readLatestTraffic, readTrafficHistory } from "./traffic-store";

/**
 * Global traffic as every console serves it: what the store holds, whichever console collected it, so all consoles
 * show one live truth, read once per `traffic` event (readPerChange). Each answer is aged to the moment it is
 * given.
 */
const latestView = readPerChange("traffic-view", ["traffic"], readView);

/** The latest traffic snapshot with its age, or `configured: false` when the fleet has no balancer. Any role or token reads it. */
export async function getTrafficView(_caller: Caller): Promise<TrafficView> {
  return cachedTrafficView();
}

/** The view for /metrics, which has its own access rule. */
export async function cachedTrafficView(): Promise<TrafficView> {
  return trafficViewAt(await latestView(), Date.now());
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
