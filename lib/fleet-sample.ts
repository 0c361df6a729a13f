import type { ApiHealth } from "./region-health";
import type { DerivedHealth } from "./region-health";
import type { RegionReachability } from "./reachability";

/** Everything one collector pass learned about one region. Shared by the collector, the store, the API and the pages. */

/** One replica as its primary sees it: pg_stat_replication joined with its slot. */
export interface ReplicaLink {
  applicationName: string;
  clientAddr: string | null;
  state: string;
  syncState: string;
  sentLsn: string | null;
  writeLsn: string | null;
  flushLsn: string | null;
  replayLsn: string | null;
  /** current WAL position minus the replica's replayed position */
  lagBytes: number | null;
  writeLagSeconds: number | null;
  flushLagSeconds: number | null;
  replayLagSeconds: number | null;
  /** seconds since the replica last replied */
  replyAgeSeconds: number | null;
}

export interface SlotInfo {
  name: string;
  active: boolean;
  walStatus: string | null;
  retainedBytes: number | null;
  restartLsn: string | null;
}

export interface WalReceiver {
  status: string;
  /** seconds since the last message from the primary */
  silenceSeconds: number | null;
  senderHost: string | null;
  senderPort: number | null;
  slot: string | null;
}

/** `error` is words a person reads (lib/error-words); `errorCode` the SQLSTATE or system code behind them, when there is one. */
export type DbSample =
  | { up: false; error: string; errorCode?: string }
  | {
      up: true;
      latencyMs: number;
      inRecovery: false;
      timeline: number;
      currentLsn: string;
      links: ReplicaLink[];
      slots: SlotInfo[];
    }
  | {
      up: true;
      latencyMs: number;
      inRecovery: true;
      timeline: number;
      receiveLsn: string | null;
      replayLsn: string | null;
      /** commit time (on the primary) of the last transaction replayed here */
      lastReplayAt: string | null;
      replayPaused: boolean;
      receiver: WalReceiver | null;
    };

export interface MirrorSample {
  status: string;
  /** percent */
  hitRate: number;
  requestsPerSecond: number;
  errorRate: number;
  lastSyncAt: string | null;
  /** fraction of a running re-sync done, 0 to 1 */
  resyncProgress: number | null;
}

export interface CdnSample {
  provider: string;
  enabled: boolean;
  status: string;
  /** percent */
  cacheHitRate: number;
  requestsPerSecond: number;
  errorRate: number;
  edgeLatencyMs: number | null;
  bandwidthBytesPerSecond: number;
  /** bytes per second served without the CDN (origin and direct) */
  directBytesPerSecond: number;
  costTotalUsd: number;
  costRateUsdPerHour: number;
  costByCategory: Record<string, number>;
}

export type ApiSample =
  | { up: true; latencyMs: number; health: ApiHealth }
  | { up: false; latencyMs: number; timedOut: boolean; error: string; errorCode?: string };

/** Replication lag of a replica. Null seconds: unknown (the primary is unreachable), never a made-up zero. */
export interface LagSample {
  bytes: number | null;
  seconds: number | null;
  /** the receiver is streaming from the primary */
  streaming: boolean;
}

export interface RegionSample {
  regionId: string;
  at: string;
  api: ApiSample;
  /** null: the database tier is simulated */
  db: DbSample | null;
  mirrors: MirrorSample | null;
  cdn: CdnSample | null;
  lag: LagSample | null;
  health: DerivedHealth;
  /** what every vantage saw of this region's database in this pass (lib/reachability); null or absent: not judged */
  reachability?: RegionReachability | null;
  /** while the console cannot read the database: the last time it could, and what it read then */
  lastUp?: { at: string; db: Extract<DbSample, { up: true }> } | null;
}

/** The numeric figures kept as history for charts, one point per region per collector pass. */
export interface SamplePoint {
  at: string;
  lagSeconds: number | null;
  lagBytes: number | null;
  mirrorHitRate: number | null;
  cdnHitRate: number | null;
  bandwidthBytesPerSecond: number | null;
  directBytesPerSecond: number | null;
  costRateUsdPerHour: number | null;
  apiLatencyMs: number | null;
}

export function toPoint(s: RegionSample): SamplePoint {
  return {
    at: s.at,
    lagSeconds: s.lag?.seconds ?? null,
    lagBytes: s.lag?.bytes ?? null,
    mirrorHitRate: s.mirrors?.hitRate ?? null,
    cdnHitRate: s.cdn?.cacheHitRate ?? null,
    bandwidthBytesPerSecond: s.cdn?.bandwidthBytesPerSecond ?? null,
    directBytesPerSecond: s.cdn?.directBytesPerSecond ?? null,
    costRateUsdPerHour: s.cdn?.costRateUsdPerHour ?? null,
    apiLatencyMs: s.api.up ? Math.round(s.api.latencyMs) : null,
  };
}

export const chartRanges = { "15m": 15 * 60, "1h": 60 * 60, "24h": 24 * 60 * 60 } as const;
export type ChartRange = keyof typeof chartRanges;
