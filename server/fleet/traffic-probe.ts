import "server-only";
import { z } from "zod";
import type { CdnSample, MirrorSample } from "@/lib/fleet-sample";
import { getJson } from "./http-json";

// What the region API's traffic reads answer. A figure it leaves out or cannot give reads as its neutral value;
// only a missing hit rate means the figures are not there at all.
const figure = z.number().catch(0);
const maybe = <T extends z.ZodType>(schema: T) => schema.nullable().catch(null);

const mirrorStatsSchema = z.looseObject({
  hitRate: z.number(),
  status: z.string().catch("unknown"),
  requestsPerSecond: figure,
  errorRate: figure,
  lastSyncAt: maybe(z.string()),
  resyncProgress: maybe(z.number()),
});

const cdnStatsSchema = z.looseObject({
  cacheHitRate: z.number(),
  provider: z.string().catch("unknown"),
  enabled: z.boolean().catch(true),
  status: z.string().catch("unknown"),
  requestsPerSecond: figure,
  errorRate: figure,
  edgeLatencyMs: maybe(z.number()),
  bandwidthBytesPerSecond: figure,
});

const cdnCostsSchema = z.looseObject({
  totalUsd: figure,
  currentRateUsdPerHour: figure,
  /** the categories with a figure; any other entry is left out */
  byCategory: z
    .record(z.string(), z.unknown())
    .transform((all) =>
      Object.fromEntries(
        Object.entries(all).filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1])),
      ),
    )
    .catch({}),
});

const bandwidthSchema = z.looseObject({
  bytesPerSecond: z.looseObject({ direct: figure, origin: figure }).catch({ direct: 0, origin: 0 }),
});

/** The runbook's mirror and CDN reads: /v1/mirrors/stats, /v1/cdn/stats, /v1/cdn/costs, /v1/metrics/bandwidth. */
export async function probeTraffic(
  apiUrl: string,
  timeoutMs: number,
): Promise<{ mirrors: MirrorSample | null; cdn: CdnSample | null }> {
  const read = <T extends z.ZodType>(path: string, schema: T): Promise<z.output<T> | null> =>
    getJson(new URL(path, apiUrl), timeoutMs).then(
      (r) => (r.status === 200 ? (schema.safeParse(r.body).data ?? null) : null),
      () => null,
    );
  const [m, c, costs, bw] = await Promise.all([
    read("/v1/mirrors/stats", mirrorStatsSchema),
    read("/v1/cdn/stats", cdnStatsSchema),
    read("/v1/cdn/costs", cdnCostsSchema),
    read("/v1/metrics/bandwidth", bandwidthSchema),
  ]);
  const mirrors: MirrorSample | null = m && {
    status: m.status,
    hitRate: m.hitRate,
    requestsPerSecond: m.requestsPerSecond,
    errorRate: m.errorRate,
    lastSyncAt: m.lastSyncAt,
    resyncProgress: m.resyncProgress,
  };
  const cdn: CdnSample | null = c && {
    provider: c.provider,
    enabled: c.enabled,
    status: c.status,
    cacheHitRate: c.cacheHitRate,
    requestsPerSecond: c.requestsPerSecond,
    errorRate: c.errorRate,
    edgeLatencyMs: c.edgeLatencyMs,
    bandwidthBytesPerSecond: c.bandwidthBytesPerSecond,
    directBytesPerSecond: (bw?.bytesPerSecond.direct ?? 0) + (bw?.bytesPerSecond.origin ?? 0),
    costTotalUsd: costs?.totalUsd ?? 0,
    costRateUsdPerHour: costs?.currentRateUsdPerHour ?? 0,
    costByCategory: costs?.byCategory ?? {},
  };
  return { mirrors, cdn };
}
