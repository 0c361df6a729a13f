import type { RegionSample } from "./fleet-sample";
import { ageSeconds } from "./freshness";
import type { HealthState } from "./region-health";

/** One region as pages and the JSON API show it. */
export interface RegionView {
  id: string;
  displayName: string;
  role: "primary" | "replica";
  observedRole: "primary" | "replica" | null;
  /** the status now: the last sampled one, "stale" when that sample (`checkedAt`) is too old (lib/freshness), null before the first */
  status: HealthState | "stale" | null;
  /** the status of the newest sample, however old */
  lastStatus: HealthState | null;
  reasons: string[];
  lastSeenAt: string | null;
  checkedAt: string | null;
  changedAt: string | null;
  /** age of the newest sample when the snapshot was made */
  ageSeconds: number | null;
  apiUrl: string;
  cdnProvider: string;
  /** the replication slot its server streams through when a replica (lib/fleet-config slotName) */
  slot: string;
  /** the latest full sample; null before the first probe */
  sample: RegionSample | null;
}

export interface AlertView {
  id: number;
  ruleId: string | null;
  source: "rule" | "alertmanager";
  name: string;
  severity: string;
  labels: Record<string, string>;
  summary: string;
  value: number | null;
  runbook: { id: string; title: string } | null;
  state: "firing" | "resolved";
  startedAt: string;
  resolvedAt: string | null;
  /** the group of alerts with the same cause (lib/alert-groups); null for alerts from before grouping */
  groupId?: number | null;
  /** true when the region it is about is stale: the rule cannot be evaluated, it may have resolved or worsened */
  unevaluated?: boolean;
}

export interface FleetSnapshot {
  generatedAt: string;
  simulated: boolean;
  /** a region whose newest sample is older than this shows "stale" (three poll intervals) */
  staleAfterSeconds: number;
  regions: RegionView[];
  /** alerts firing now */
  alerts: AlertView[];
}

/** The region serving as primary now: the one whose database is up and not in recovery, else the configured one. */
export function currentPrimary(regions: RegionView[]): RegionView | null {
  const live = regions.filter((r) => r.sample?.db?.up && !r.sample.db.inRecovery);
  if (live.length === 1) return live[0]!;
  return regions.find((r) => r.role === "primary") ?? null;
}

/**
 * Who reaches a region's database (lib/reachability), each sighting aged at `nowMs` like every other figure the
 * snapshot carries; null before the collector has judged it (a sample from before, or none yet).
 */
function reachabilityAt(r: RegionView, nowMs: number) {
  const reach = r.sample?.reachability;
  if (!reach) return null;
  return {
    verdict: reach.verdict,
    reason: reach.reason,
    sightings: reach.sightings.map((x) => ({ ...x, ageSeconds: ageSeconds(x.checkedAt, nowMs) })),
  };
}

/** What GET /api/v1/health/regions answers. */
export function regionsHealth(s: FleetSnapshot) {
  return {
    generatedAt: s.generatedAt,
    simulated: s.simulated,
    regions: s.regions.map((r) => ({
      id: r.id,
      displayName: r.displayName,
      role: r.role,
      observedRole: r.observedRole,
      status: r.status,
      lastStatus: r.lastStatus,
      ageSeconds: r.ageSeconds,
      reasons: r.reasons,
      lastSeenAt: r.lastSeenAt,
      checkedAt: r.checkedAt,
      api: r.sample ? { up: r.sample.api.up, latencyMs: Math.round(r.sample.api.latencyMs) } : null,
      db: r.sample?.db ? { up: r.sample.db.up, inRecovery: r.sample.db.up ? r.sample.db.inRecovery : null } : null,
      reachability: reachabilityAt(r, Date.parse(s.generatedAt)),
    })),
  };
}

/** What GET /api/v1/replication answers: which server is primary, and each replica's lag, LSNs, receiver and slot. */
export function replicationView(s: FleetSnapshot) {
  const primary = currentPrimary(s.regions);
  const pdb = primary?.sample?.db;
  const primaryDb = pdb?.up && !pdb.inRecovery ? pdb : null;
  return {
    generatedAt: s.generatedAt,
    simulated: s.simulated,
    primary: primary
      ? {
          regionId: primary.id,
          up: primary.sample?.db?.up ?? null,
          timeline: primaryDb?.timeline ?? null,
          currentLsn: primaryDb?.currentLsn ?? null,
          slots: primaryDb?.slots ?? [],
        }
      : null,
    replicas: s.regions
      .filter((r) => r.id !== primary?.id)
      .map((r) => {
        const db = r.sample?.db;
        const replica = db?.up && db.inRecovery ? db : null;
        const link = primaryDb?.links.find((l) => l.applicationName === r.slot || l.applicationName === r.id) ?? null;
        return {
          regionId: r.id,
          status: r.status,
          up: db ? db.up : null,
          inRecovery: db?.up ? db.inRecovery : null,
          lagSeconds: r.sample?.lag?.seconds ?? null,
          lagBytes: r.sample?.lag?.bytes ?? null,
          streaming: r.sample?.lag?.streaming ?? false,
          timeline: replica?.timeline ?? null,
          receiveLsn: replica?.receiveLsn ?? null,
          replayLsn: replica?.replayLsn ?? null,
          lastReplayAt: replica?.lastReplayAt ?? null,
          replayPaused: replica?.replayPaused ?? null,
          receiver: replica?.receiver ?? null,
          link,
          slot: primaryDb?.slots.find((sl) => sl.name === (replica?.receiver?.slot ?? r.slot)) ?? null,
        };
      }),
  };
}

/** Every figure carries its age; a stale region's components say "stale" instead of their last status. */
const staleness = (r: RegionView) => ({
  ageSeconds: r.ageSeconds,
  ...(r.status === "stale" ? { status: "stale" } : {}),
});

/** What GET /api/v1/mirrors answers: hit rate and status per region. */
export function mirrorsView(s: FleetSnapshot) {
  return {
    generatedAt: s.generatedAt,
    regions: s.regions.map((r) => ({
      regionId: r.id,
      ...(r.sample?.mirrors ?? { status: "unknown", hitRate: null }),
      ...staleness(r),
    })),
  };
}

/** What GET /api/v1/cdn answers: provider, enabled, cache hit rate, bandwidth and costs per region. */
export function cdnView(s: FleetSnapshot) {
  const regions = s.regions.map((r) => ({
    regionId: r.id,
    ...(r.sample?.cdn ?? { provider: r.cdnProvider, status: "unknown", cacheHitRate: null }),
    ...staleness(r),
  }));
  const totalCostUsd = regions.reduce((a, r) => a + ("costTotalUsd" in r ? r.costTotalUsd : 0), 0);
  return { generatedAt: s.generatedAt, totalCostUsd: Math.round(totalCostUsd * 10_000) / 10_000, regions };
}
