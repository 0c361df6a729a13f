import "server-only";
import type { FleetConfig } from "@/lib/fleet-config";
import type { DbSample } from "@/lib/fleet-sample";
import { reachabilityOf, type RegionReachability } from "@/lib/reachability";
import { serverState, type ServerState } from "@/server/actions/executors/sql";
import { probeApi } from "./probes";

/** A live look is bounded by this: a dropped link gives no reset, only silence. */
const LOOK_MS = 1_500;

/** The console's own look at a server, as the sample the reachability rules read. */
function asSample(s: ServerState, latencyMs: number): DbSample {
  if (!s.up) return { up: false, error: s.error };
  // A read-only primary takes no writes: for "who sees it accept writes" it counts as in recovery.
  if (s.inRecovery || s.readOnly) {
    return { up: true, latencyMs, inRecovery: true, timeline: s.timeline, receiveLsn: s.lsn, replayLsn: s.replayLsn, lastReplayAt: null, replayPaused: s.replayPaused, receiver: null };
  }
  return { up: true, latencyMs, inRecovery: false, timeline: s.timeline, currentLsn: s.lsn ?? "0/0", links: [], slots: [] };
}

/**
 * Who reaches `regionId`'s database right now: the console probes it, and every region API is asked what it
 * sees (each answers within 1.5 s or not at all). Live, for the pre-flights that decide whether a primary may be
 * replaced (DESIGN.md "When may a primary be replaced?"); the collector's view can be a poll old.
 */
export async function observeDatabase(fleet: FleetConfig, regionId: string): Promise<RegionReachability> {
  const region = fleet.regions.find((r) => r.id === regionId);
  if (!region) throw new Error(`unknown region ${regionId}`);
  const started = performance.now();
  const [state, apis] = await Promise.all([
    serverState(region, LOOK_MS).then((s) => ({ s, ms: performance.now() - started })),
    Promise.all(fleet.regions.map((r) => probeApi(r.apiUrl, LOOK_MS))),
  ]);
  const now = Date.now();
  const at = new Date(now).toISOString();
  const samples = fleet.regions.map((r, i) => ({ regionId: r.id, at, api: apis[i]!, db: r.id === regionId ? asSample(state.s, state.ms) : null }));
  return reachabilityOf(regionId, samples, now, 5_000);
}

/** One line per vantage: what it saw of the server, for a check's `observed`. */
export function describeSightings(r: RegionReachability): string {
  if (!r.sightings.length) return "no vantage answered";
  return r.sightings
    .map((s) => `${s.vantage === "console" ? "console" : `${s.vantage} API`}: ${s.reachable ? (s.acceptsWrites ? "reaches it, it accepts writes" : "reaches it, in recovery or read-only") : `cannot reach it (${s.error ?? "no answer"})`}`)
    .join("; ");
}

