import "server-only";
import type { ChartRange } from "@/lib/fleet-sample";
import type { FleetSnapshot } from "@/lib/fleet-view";
import type { Caller } from "@/server/auth/caller";
import { subscribe } from "@/server/events/bus";
import { getFleetConfig } from "./config";
import { readFleetSnapshot, readHistory, type History } from "./sample-store";

// One read of the store per change, however many pages and streams ask for it.
const cache = globalThis as unknown as { __switchyardSnapshot?: { promise: Promise<FleetSnapshot> | null; subscribed: boolean } };

/** The fleet now: every region's status and latest sample, and the alerts firing. Any signed-in role or token reads it. */
export async function getFleetSnapshot(_caller: Caller): Promise<FleetSnapshot> {
  return cachedFleetSnapshot();
}

/** The snapshot for /metrics, which has its own access rule (METRICS_TOKEN). */
export function cachedFleetSnapshot(): Promise<FleetSnapshot> {
  const c = (cache.__switchyardSnapshot ??= { promise: null, subscribed: false });
  if (!c.subscribed) {
    c.subscribed = true;
    const drop = () => (c.promise = null);
    subscribe("fleet", drop);
    subscribe("alerts", drop);
  }
  c.promise ??= (async () => readFleetSnapshot(getFleetConfig()))().catch((err) => {
    c.promise = null;
    throw err;
  });
  return c.promise;
}

export async function getHistory(_caller: Caller, range: ChartRange): Promise<History> {
  return readHistory(range);
}
