import type { CdnProvider } from "../../lib/cdn-providers";

/**
 * A small synthetic traffic model for one region, advanced once a second. Figures are
 * consistent with each other: requests split into CDN hits, mirror hits, cross-region
 * failover and origin; bytes and costs accumulate from the same split.
 */

export type MirrorStatus = "ok" | "syncing" | "down";
export type CdnStatus = "ok" | "outage" | "disabled";

const BASE_RPS: Record<string, number> = { "us-east-1": 1200, "eu-west-1": 750, "ap-southeast-1": 450 };
const BASE_MIRROR_HIT: Record<string, number> = { "us-east-1": 89, "eu-west-1": 86, "ap-southeast-1": 83 };
const CDN_HIT: Record<CdnProvider, number> = { cloudflare: 93, bunny: 90, "aws-cloudfront": 91.5 };
/** USD per GB delivered. Direct serving (no CDN) is cloud egress, the most expensive path. */
export const PRICE_PER_GB: Record<CdnProvider | "direct" | "interRegion", number> = {
  cloudflare: 0.02,
  bunny: 0.01,
  "aws-cloudfront": 0.085,
  direct: 0.09,
  interRegion: 0.02,
};
const BYTES_PER_REQUEST = 1_000_000;
const GB = 1e9;
const RESYNC_MS = 10_000;
const CDN_OUTAGE_ERROR_SHARE = 0.3;
const FAILOVER_TO_PEERS_SHARE = 0.6;

/** A gradual provider rollout: this share of CDN requests goes to `provider`, the rest to the main one. */
export interface CdnRollout {
  provider: CdnProvider;
  percent: number;
}

export interface ModelConfig {
  region: string;
  cdnProvider: CdnProvider;
  cdnEnabled: boolean;
  rollout?: CdnRollout | null;
}

interface Totals {
  requests: number;
  cdnHits: number;
  cdnMisses: number;
  cdnErrors: number;
  /** CDN requests and hits by provider (two during a rollout) */
  cdnByProvider: Record<string, { requests: number; hits: number }>;
  mirrorRequests: number;
  mirrorHits: number;
  mirrorMisses: number;
  mirrorErrors: number;
  failovers: number;
  originRequests: number;
  bytes: { cdn: number; mirror: number; peerMirror: number; origin: number; direct: number };
  costUsd: Record<string, number>;
}

function zeroTotals(): Totals {
  return {
    requests: 0,
    cdnHits: 0,
    cdnMisses: 0,
    cdnErrors: 0,
    cdnByProvider: {},
    mirrorRequests: 0,
    mirrorHits: 0,
    mirrorMisses: 0,
    mirrorErrors: 0,
    failovers: 0,
    originRequests: 0,
    bytes: { cdn: 0, mirror: 0, peerMirror: 0, origin: 0, direct: 0 },
    costUsd: {},
  };
}

/** mulberry32: deterministic noise per region, so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export class TrafficModel {
  private readonly random: () => number;
  private readonly startedAt = Date.now();
  private t = 0;
  private noise = { rps: 0, mirror: 0, cdn: 0, latency: 0 };
  private mirrorDown = false;
  private cdnOutage = false;
  private resyncStartedAt: number | null = null;
  /** Whether the running re-sync is bringing a down mirror back (hit rate ramps from 0). */
  private resyncRamps = false;
  private lastSyncAt: number;
  private totals = zeroTotals();
  /** Per-tick totals of the last 60 s, for rates. */
  private window: Totals[] = [];
  private mirroredClips: number;
  private lastFailoverTest: { at: string; result: string } | null = null;

  constructor(private config: ModelConfig) {
    this.random = rng(hash(config.region));
    this.mirroredClips = 20_000 + Math.round(this.random() * 5_000);
    this.lastSyncAt = Date.now() - 15 * 60_000;
    this.rollNoise();
  }

  setConfig(config: ModelConfig) {
    this.config = config;
  }

  setFaults(faults: { mirrorDown: boolean; cdnOutage: boolean }, now = Date.now()) {
    if (this.mirrorDown && !faults.mirrorDown) {
      this.resyncStartedAt = now; // recovers gradually
      this.resyncRamps = true;
    }
    if (faults.mirrorDown) this.resyncStartedAt = null;
    this.mirrorDown = faults.mirrorDown;
    this.cdnOutage = faults.cdnOutage;
  }

  /** Re-sync: brings a down mirror back (hit rate ramps up over ~10 s); a healthy one just refreshes. */
  startResync(now = Date.now()): { status: MirrorStatus; wasDown: boolean } {
    const wasDown = this.mirrorDown;
    this.mirrorDown = false;
    if (this.resyncStartedAt === null) this.resyncRamps = wasDown;
    else this.resyncRamps ||= wasDown;
    this.resyncStartedAt = now;
    return { status: this.mirrorStatus(now), wasDown };
  }

  cleanup(): { expiredClips: number; freedBytes: number } {
    const expiredClips = Math.round(this.mirroredClips * 0.04);
    this.mirroredClips -= expiredClips;
    return { expiredClips, freedBytes: expiredClips * 45_000_000 };
  }

  recordFailoverTest(result: string) {
    this.lastFailoverTest = { at: new Date().toISOString(), result };
  }

  mirrorStatus(now = Date.now()): MirrorStatus {
    if (this.mirrorDown) return "down";
    if (this.resyncStartedAt !== null && now - this.resyncStartedAt < RESYNC_MS) return "syncing";
    return "ok";
  }

  cdnStatus(): CdnStatus {
    if (!this.config.cdnEnabled) return "disabled";
    return this.cdnOutage ? "outage" : "ok";
  }

  /** Percent, 0 when down, ramping while re-syncing. */
  mirrorHitRate(now = Date.now()): number {
    const status = this.mirrorStatus(now);
    if (status === "down") return 0;
    const target = Math.min(92, Math.max(80, (BASE_MIRROR_HIT[this.config.region] ?? 85) + this.noise.mirror));
    if (status === "syncing" && this.resyncRamps && this.resyncStartedAt !== null)
      return (target * (now - this.resyncStartedAt)) / RESYNC_MS;
    return target;
  }

  /** The active rollout, or null (none, or 0 %). */
  rollout(): CdnRollout | null {
    const r = this.config.rollout;
    return r && r.percent > 0 ? { provider: r.provider, percent: r.percent } : null;
  }

  /** How CDN requests split between providers: the main one alone, or the main one and the rollout's. */
  private providerShares(): { provider: CdnProvider; share: number }[] {
    const r = this.rollout();
    if (!r || r.provider === this.config.cdnProvider) return [{ provider: this.config.cdnProvider, share: 1 }];
    const share = Math.min(100, r.percent) / 100;
    return [
      { provider: this.config.cdnProvider, share: 1 - share },
      { provider: r.provider, share },
    ].filter((p) => p.share > 0);
  }

  private providerHitRate(provider: CdnProvider): number {
    return Math.min(95, Math.max(88, CDN_HIT[provider] + this.noise.cdn));
  }

  /** Percent, weighted by each provider's share of the requests. */
  cdnHitRate(): number {
    if (this.cdnStatus() !== "ok") return 0;
    return this.providerShares().reduce((a, p) => a + p.share * this.providerHitRate(p.provider), 0);
  }

  requestsPerSecond(): number {
    const base = BASE_RPS[this.config.region] ?? 500;
    return base * (1 + 0.15 * Math.sin((2 * Math.PI * this.t) / 600) + this.noise.rps);
  }

  private rollNoise() {
    this.noise = {
      rps: (this.random() - 0.5) * 0.06,
      mirror: (this.random() - 0.5) * 4,
      cdn: (this.random() - 0.5) * 3,
      latency: this.random(),
    };
  }

  /** Advances one second of traffic. */
  tick(now = Date.now()) {
    this.t += 1;
    this.rollNoise();
    if (this.resyncStartedAt !== null && now - this.resyncStartedAt >= RESYNC_MS) {
      this.resyncStartedAt = null;
      this.lastSyncAt = now;
    }
    const step = zeroTotals();
    const requests = this.requestsPerSecond();
    step.requests = requests;

    let needBackend = 0; // requests that must be served by mirrors/origin
    let directShare = 0; // of those, the part delivered straight to users (no CDN)
    const cdn = this.cdnStatus();
    step.costUsd[this.config.cdnProvider] = 0; // the main provider's line stays in the costs, also while it serves nothing
    if (cdn === "ok") {
      for (const { provider, share } of this.providerShares()) {
        const hits = (requests * share * this.providerHitRate(provider)) / 100;
        step.cdnByProvider[provider] = { requests: requests * share, hits };
        step.cdnHits += hits;
        step.costUsd[provider] = ((hits * BYTES_PER_REQUEST) / GB) * PRICE_PER_GB[provider];
      }
      step.cdnMisses = requests - step.cdnHits;
      needBackend = step.cdnMisses;
    } else if (cdn === "outage") {
      step.cdnErrors = requests * CDN_OUTAGE_ERROR_SHARE;
      step.cdnMisses = requests;
      needBackend = requests - step.cdnErrors;
      directShare = 1;
    } else {
      needBackend = requests;
      directShare = 1;
    }

    step.mirrorRequests = needBackend;
    if (this.mirrorStatus(now) === "down") {
      step.mirrorErrors = needBackend * 0.02;
      step.failovers = needBackend - step.mirrorErrors;
      const toPeers = step.failovers * FAILOVER_TO_PEERS_SHARE;
      step.originRequests = step.failovers - toPeers;
      step.bytes.peerMirror = toPeers * BYTES_PER_REQUEST;
    } else {
      step.mirrorHits = (needBackend * this.mirrorHitRate(now)) / 100;
      step.mirrorMisses = needBackend - step.mirrorHits;
      step.originRequests = step.mirrorMisses;
    }
    step.bytes.cdn = step.cdnHits * BYTES_PER_REQUEST;
    step.bytes.mirror = step.mirrorHits * BYTES_PER_REQUEST;
    step.bytes.origin = step.originRequests * BYTES_PER_REQUEST;
    step.bytes.direct = (step.bytes.mirror + step.bytes.peerMirror + step.bytes.origin) * directShare;

    step.costUsd.direct = (step.bytes.direct / GB) * PRICE_PER_GB.direct;
    step.costUsd.interRegion = (step.bytes.peerMirror / GB) * PRICE_PER_GB.interRegion;

    add(this.totals, step);
    this.window.push(step);
    if (this.window.length > 60) this.window.shift();
  }

  private windowTotals(): { totals: Totals; seconds: number } {
    const totals = zeroTotals();
    for (const step of this.window) add(totals, step);
    return { totals, seconds: Math.max(1, this.window.length) };
  }

  mirrorStats(now = Date.now()) {
    const status = this.mirrorStatus(now);
    const { totals: w, seconds } = this.windowTotals();
    return {
      region: this.config.region,
      status,
      hitRate: round(this.mirrorHitRate(now)),
      requestsPerSecond: round(w.mirrorRequests / seconds),
      failoverPerSecond: round(w.failovers / seconds),
      errorRate: round(w.mirrorRequests ? (100 * w.mirrorErrors) / w.mirrorRequests : 0),
      mirroredClips: this.mirroredClips,
      storageUsedBytes: this.mirroredClips * 45_000_000,
      lastSyncAt: new Date(this.lastSyncAt).toISOString(),
      resyncProgress:
        status === "syncing" && this.resyncStartedAt !== null ? round((now - this.resyncStartedAt) / RESYNC_MS) : null,
      lastFailoverTest: this.lastFailoverTest,
      totals: {
        requests: Math.round(this.totals.mirrorRequests),
        hits: Math.round(this.totals.mirrorHits),
        misses: Math.round(this.totals.mirrorMisses),
        failovers: Math.round(this.totals.failovers),
        errors: Math.round(this.totals.mirrorErrors),
      },
      updatedAt: new Date(now).toISOString(),
    };
  }

  mirrors(now = Date.now()) {
    const status = this.mirrorStatus(now);
    return ["a", "b"].map((node, i) => ({
      id: `${this.config.region}-mirror-${node}`,
      region: this.config.region,
      status,
      clips: Math.round(this.mirroredClips / 2) + i,
      storageUsedBytes: Math.round((this.mirroredClips / 2) * 45_000_000),
      hitRate: round(this.mirrorHitRate(now)),
      lastSyncAt: new Date(this.lastSyncAt).toISOString(),
    }));
  }

  cdnStats() {
    const { totals: w, seconds } = this.windowTotals();
    const status = this.cdnStatus();
    return {
      region: this.config.region,
      provider: this.config.cdnProvider,
      enabled: this.config.cdnEnabled,
      status,
      cacheHitRate: round(this.cdnHitRate()),
      cacheMissRate: status === "ok" ? round(100 - this.cdnHitRate()) : 100,
      requestsPerSecond: round(w.requests / seconds),
      errorRate: round(w.requests ? (100 * w.cdnErrors) / w.requests : 0),
      edgeLatencyMs: status === "ok" ? round(18 + 10 * this.noise.latency, 1) : status === "outage" ? 2500 : null,
      bandwidthBytesPerSecond: Math.round(w.bytes.cdn / seconds),
      rollout: this.rollout(),
      /** what each provider served over the last minute */
      providers: Object.entries(w.cdnByProvider).map(([provider, p]) => ({
        provider,
        requestsPerSecond: round(p.requests / seconds),
        sharePercent: round(w.requests ? (100 * p.requests) / w.requests : 0),
        cacheHitRate: round(p.requests ? (100 * p.hits) / p.requests : 0),
      })),
      totals: {
        requests: Math.round(this.totals.requests),
        hits: Math.round(this.totals.cdnHits),
        misses: Math.round(this.totals.cdnMisses),
        errors: Math.round(this.totals.cdnErrors),
        bytes: Math.round(this.totals.bytes.cdn),
      },
      updatedAt: new Date().toISOString(),
    };
  }

  costs() {
    const costs = Object.fromEntries(Object.entries(this.totals.costUsd).map(([k, v]) => [k, round(v, 4)]));
    const total = Object.values(this.totals.costUsd).reduce((a, b) => a + b, 0);
    const { totals: w, seconds } = this.windowTotals();
    const ratePerHour = (Object.values(w.costUsd).reduce((a, b) => a + b, 0) / seconds) * 3600;
    return {
      region: this.config.region,
      currency: "USD",
      provider: this.config.cdnProvider,
      cdnEnabled: this.config.cdnEnabled,
      since: new Date(this.startedAt).toISOString(),
      totalUsd: round(total, 4),
      byCategory: costs,
      currentRateUsdPerHour: round(ratePerHour),
      pricePerGbUsd: PRICE_PER_GB,
    };
  }

  bandwidth() {
    const { totals: w, seconds } = this.windowTotals();
    const perSecond = (n: number) => Math.round(n / seconds);
    const ratePerHour = ((w.costUsd.direct ?? 0) / seconds) * 3600;
    return {
      region: this.config.region,
      windowSeconds: seconds,
      bytesPerSecond: {
        cdn: perSecond(w.bytes.cdn),
        mirror: perSecond(w.bytes.mirror),
        peerMirror: perSecond(w.bytes.peerMirror),
        origin: perSecond(w.bytes.origin),
        direct: perSecond(w.bytes.direct),
      },
      totalBytes: Object.fromEntries(Object.entries(this.totals.bytes).map(([k, v]) => [k, Math.round(v)])),
      directServing: {
        active: this.cdnStatus() !== "ok",
        costUsd: round(this.totals.costUsd.direct ?? 0, 4),
        currentRateUsdPerHour: round(ratePerHour),
      },
      updatedAt: new Date().toISOString(),
    };
  }
}

function add(into: Totals, step: Totals) {
  into.requests += step.requests;
  into.cdnHits += step.cdnHits;
  into.cdnMisses += step.cdnMisses;
  into.cdnErrors += step.cdnErrors;
  for (const [provider, p] of Object.entries(step.cdnByProvider)) {
    const acc = (into.cdnByProvider[provider] ??= { requests: 0, hits: 0 });
    acc.requests += p.requests;
    acc.hits += p.hits;
  }
  into.mirrorRequests += step.mirrorRequests;
  into.mirrorHits += step.mirrorHits;
  into.mirrorMisses += step.mirrorMisses;
  into.mirrorErrors += step.mirrorErrors;
  into.failovers += step.failovers;
  into.originRequests += step.originRequests;
  for (const key of Object.keys(into.bytes) as (keyof Totals["bytes"])[]) into.bytes[key] += step.bytes[key];
  for (const [key, value] of Object.entries(step.costUsd)) into.costUsd[key] = (into.costUsd[key] ?? 0) + value;
}
