import { slotName } from "@/lib/fleet-config";
import type { DbSample, RegionSample } from "@/lib/fleet-sample";
import type { FleetSnapshot, RegionView } from "@/lib/fleet-view";
import type { HealthState } from "@/lib/region-health";

/** Small, explicit fleet snapshots for tests of pure rules. */
export function regionView(
  id: string,
  over: {
    role?: "primary" | "replica";
    status?: HealthState;
    reasons?: string[];
    sample?: Partial<RegionSample>;
    slot?: string;
  } = {},
): RegionView {
  const role = over.role ?? "replica";
  const slot = slotName({ id, postgres: { slot: over.slot } });
  const db: DbSample =
    role === "primary"
      ? { up: true, latencyMs: 1, inRecovery: false, timeline: 1, currentLsn: "0/5000000", links: [], slots: [] }
      : {
          up: true,
          latencyMs: 1,
          inRecovery: true,
          timeline: 1,
          receiveLsn: "0/5000000",
          replayLsn: "0/5000000",
          lastReplayAt: null,
          replayPaused: false,
          receiver: { status: "streaming", silenceSeconds: 0, senderHost: null, senderPort: null, slot },
        };
  const sample: RegionSample = {
    regionId: id,
    at: "2026-11-25T12:00:00.000Z",
    api: { up: true, latencyMs: 3, health: { status: "ok" } },
    db,
    mirrors: {
      status: "ok",
      hitRate: 85,
      requestsPerSecond: 100,
      errorRate: 0,
      lastSyncAt: null,
      resyncProgress: null,
    },
    cdn: {
      provider: "cloudflare",
      enabled: true,
      status: "ok",
      cacheHitRate: 92,
      requestsPerSecond: 100,
      errorRate: 0,
      edgeLatencyMs: 20,
      bandwidthBytesPerSecond: 1e6,
      directBytesPerSecond: 1e4,
      costTotalUsd: 1,
      costRateUsdPerHour: 0.5,
      costByCategory: {},
    },
    lag: role === "replica" ? { bytes: 0, seconds: 0, streaming: true } : null,
    health: { status: over.status ?? "healthy", reasons: over.reasons ?? [] },
    ...over.sample,
  };
  return {
    id,
    displayName: id,
    role,
    observedRole: role,
    status: over.status ?? "healthy",
    lastStatus: over.status ?? "healthy",
    reasons: over.reasons ?? [],
    lastSeenAt: sample.at,
    checkedAt: sample.at,
    changedAt: sample.at,
    ageSeconds: 0,
    apiUrl: "http://127.0.0.1:1",
    cdnProvider: "cloudflare",
    slot,
    sample,
  };
}

export function snapshotOf(regions: RegionView[]): FleetSnapshot {
  return { generatedAt: "2026-11-25T12:00:00.000Z", simulated: false, staleAfterSeconds: 3, regions, alerts: [] };
}

/** A region as a fleet file lists it, on loopback ports nothing listens on: for tests that need a fleet file only. */
export function fleetFileRegion(
  id: string,
  role: "primary" | "replica",
  port: number,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    displayName: id,
    role,
    apiUrl: `http://127.0.0.1:${port}`,
    postgres: { host: "127.0.0.1", port: port + 1000, user: "postgres" },
    cdn: { provider: "cloudflare" },
    ...extra,
  };
}
