import "server-only";
import type { FleetConfig } from "@/lib/fleet-config";
import type { ApiSample, DbSample } from "@/lib/fleet-sample";
import { reachabilityOf, type RegionReachability } from "@/lib/reachability";
import { serverState, type ServerState } from "@/server/actions/executors/sql";
import { probeApi } from "./api-probe";

/** A live look is bounded by this: a dropped link gives no reset, only silence. */
const LOOK_MS = 1_500;

/** The console's own look at a server, as the sample the reachability rules read. */
function asSample(s: ServerState, latencyMs: number): DbSample {
  if (!s.up) return { up: false, error: s.error, errorCode: s.errorCode };
  // A read-only primary takes no writes: for "who sees it accept writes" it counts as in recovery.
  if (s.inRecovery || s.readOnly) {
    return {
      up: true,
      latencyMs,
      inRecovery: true,
      timeline: s.timeline,
      receiveLsn: s.lsn,
      replayLsn: s.replayLsn,
      lastReplayAt: null,
      replayPaused: s.replayPaused,
      receiver: null,
    };
  }
  return {
    up: true,
    latencyMs,
    inRecovery: false,
    timeline: s.timeline,
    currentLsn: s.lsn ?? "0/0",
    links: [],
    slots: [],
  };
}

/**
 * A region API's report, once it holds a look at `regionId` taken after `since` (it looks every fraction of a
 * second), or the last one before the deadline: what it sees now, not what it saw before a fault.
 */
async function freshReport(apiUrl: string, regionId: string, since: number, deadline: number): Promise<ApiSample> {
  for (;;) {
    const sample = await probeApi(apiUrl, Math.max(100, deadline - Date.now()));
    const seen = sample.up ? sample.health.reaches?.find((s) => s.region === regionId) : undefined;
    if (!seen || Date.parse(seen.checkedAt) >= since || Date.now() + 100 >= deadline) return sample;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Who reaches `regionId`'s database right now: the console probes it, and every region API is asked what it
 * sees (a look taken after this question, within 1.5 s, or none). Live, for the pre-flights that decide whether
 * a primary may be replaced (DESIGN.md "When may a primary be replaced?"); the collector's view can be a poll old.
 */
export async function observeDatabase(fleet: FleetConfig, regionId: string): Promise<RegionReachability> {
  const region = fleet.regions.find((r) => r.id === regionId);
  if (!region) throw new Error(`unknown region ${regionId}`);
  const started = Date.now();
  const [state, apis] = await Promise.all([
    serverState(region, LOOK_MS).then((s) => ({ s, ms: Date.now() - started })),
    Promise.all(fleet.regions.map((r) => freshReport(r.apiUrl, regionId, started, started + LOOK_MS))),
  ]);
  const now = Date.now();
  const at = new Date(now).toISOString();
  const samples = fleet.regions.map((r, i) => ({
    regionId: r.id,
    at,
    api: apis[i]!,
    db: r.id === regionId ? asSample(state.s, state.ms) : null,
  }));
  return reachabilityOf(regionId, samples, now, now - started + 1_000);
}

/** One line per vantage: what it saw of the server, for a check's `observed`. */
export function describeSightings(r: RegionReachability): string {
  if (!r.sightings.length) return "no vantage answered";
  return r.sightings
    .map(
      (s) =>
        `${s.vantage === "console" ? "console" : `${s.vantage} API`}: ${s.reachable ? (s.acceptsWrites ? "reaches it, it accepts writes" : "reaches it, in recovery or read-only") : `cannot reach it (${s.error ?? "no answer"})`}`,
    )
    .join("; ");
}
