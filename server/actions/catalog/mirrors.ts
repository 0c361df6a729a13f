import "server-only";
import { z } from "zod";
import type { Check } from "@/lib/actions/run";
import type { RegionConfig } from "@/lib/fleet-config";
import { formatBytes } from "@/lib/units";
import { callRegionApi, type ApiCall } from "../executors/http";
import { primaryOf, unknownRegion } from "../fleet-context";
import { check, type ActionModule, type FleetContext } from "../module";
import { sleep } from "../wait";
import { apiHealth } from "./region-api";

/**
 * The runbook's mirror actions (Scenario 4 and "Mirror Maintenance"): a failover test, a re-sync followed to
 * its end, and a forced expiry of old mirrored clips. Each calls the region API's own endpoint.
 */

const mirrorStatsSchema = z.looseObject({
  status: z.string(),
  hitRate: z.number().optional(),
  mirroredClips: z.number().optional(),
  lastSyncAt: z.string().optional(),
  resyncProgress: z.number().nullable().optional(),
  lastFailoverTest: z.looseObject({ at: z.string(), result: z.string() }).nullable().optional(),
});
type MirrorStats = z.infer<typeof mirrorStatsSchema>;

const failoverSchema = z.looseObject({
  result: z.string(),
  localMirrorStatus: z.string().optional(),
  failoverTargets: z
    .array(
      z.looseObject({
        region: z.string(),
        reachable: z.boolean().optional(),
        status: z.string(),
        hitRate: z.number().nullable().optional(),
      }),
    )
    .default([]),
});
const resyncOneSchema = z.looseObject({
  region: z.string(),
  status: z.string().optional(),
  startedAt: z.string().optional(),
  error: z.unknown().optional(),
});
/** one region's answer, or {results: [...]} for all: a list either way */
const resyncSchema = z.union([
  z.looseObject({ results: z.array(resyncOneSchema) }).transform((b) => b.results),
  resyncOneSchema.transform((b) => [b]),
]);
const cleanupSchema = z.looseObject({ expiredClips: z.number(), freedBytes: z.number() });

async function mirrorStats(region: RegionConfig): Promise<MirrorStats | null> {
  try {
    const { status, body } = await callRegionApi(region, "GET /v1/mirrors/stats", {}, 3_000);
    const parsed = mirrorStatsSchema.safeParse(body);
    return status === 200 && parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const describeMirrors = (m: MirrorStats | null) =>
  m
    ? `${m.status}${m.hitRate !== undefined ? `, hit rate ${m.hitRate} %` : ""}${m.mirroredClips !== undefined ? `, ${m.mirroredClips} clips` : ""}${m.lastSyncAt ? `, last sync ${m.lastSyncAt}` : ""}`
    : "no answer from /v1/mirrors/stats";

/** The API answers /health (status and latency), and its mirrors as /v1/mirrors/stats reports them. */
async function apiChecks(region: RegionConfig): Promise<{ checks: Check[]; stats: MirrorStats | null }> {
  const started = performance.now();
  const health = await apiHealth(region);
  const ms = Math.round(performance.now() - started);
  const stats = health ? await mirrorStats(region) : null;
  return {
    stats,
    checks: [
      check(
        `api:${region.id}`,
        `${region.id} API answers`,
        !!health,
        health ? `status ${health.status} in ${ms} ms` : `no answer from ${region.apiUrl}/health within ${ms} ms`,
      ),
      check(`mirrors:${region.id}`, `${region.id} mirror figures`, !!stats, describeMirrors(stats)),
    ],
  };
}

/** Calls an endpoint, refusing anything but a 200 with a JSON body of the expected shape. */
async function post<T>(
  region: RegionConfig,
  call: ApiCall,
  schema: z.ZodType<T>,
  query: Record<string, string> = {},
): Promise<T> {
  const { status, body } = await callRegionApi(region, call, query);
  const parsed = schema.safeParse(body);
  if (status !== 200 || !parsed.success)
    throw new Error(`${call} on ${region.id} answered ${status}: ${JSON.stringify(body).slice(0, 500)}`);
  return parsed.data;
}

export const mirrorsTestFailover: ActionModule<"mirrors.test-failover", z.infer<typeof failoverSchema>> = {
  id: "mirrors.test-failover",
  validate: ({ region }, ctx) => unknownRegion(ctx, region),
  preflight: async ({ region }, ctx) => (await apiChecks(ctx.region(region))).checks,
  plan: ({ region }, ctx) => [
    `POST ${ctx.region(region).apiUrl}/v1/mirrors/test-failover (${region})`,
    "passes when at least one other region's mirror answers and is not down",
  ],
  async execute({ region }, ctx) {
    ctx.progress(null, `testing mirror failover from ${region}`);
    const result = await post(ctx.region(region), "POST /v1/mirrors/test-failover", failoverSchema);
    ctx.log(JSON.stringify(result), "stdout");
    return result;
  },
  async verify({ region }, ctx, result) {
    const targets = result.failoverTargets
      .map((t) => `${t.region} ${t.status}${t.hitRate != null ? ` (hit ${t.hitRate} %)` : ""}`)
      .join(", ");
    const recorded = (await mirrorStats(ctx.region(region)))?.lastFailoverTest;
    return [
      check(
        "failover-passed",
        `failover test from ${region} passed`,
        result.result === "passed",
        `${result.result}; targets: ${targets || "none"}`,
      ),
      check(
        "recorded",
        `${region} API recorded the test`,
        !!recorded && recorded.result === result.result,
        recorded ? `${recorded.result} at ${recorded.at}` : "no lastFailoverTest in /v1/mirrors/stats",
      ),
    ];
  },
};

const affected = (ctx: FleetContext, region: string) => (region === "all" ? ctx.fleet.regions : [ctx.region(region)]);

/** "all" goes to one API, which re-syncs its own mirrors and asks its peers: the primary's, else the first that answers. */
async function entryFor(ctx: FleetContext): Promise<RegionConfig> {
  const primary = primaryOf(ctx);
  for (const r of [primary, ...ctx.fleet.regions.filter((x) => x.id !== primary.id)]) if (await apiHealth(r)) return r;
  throw new Error("no region API answers /health");
}

/** lastSyncAt at or after the re-sync's start (ISO times from the same API's clock). */
const syncedSince = (m: MirrorStats | null | undefined, since: string | undefined) =>
  !!m?.lastSyncAt && !!since && Date.parse(m.lastSyncAt) >= Date.parse(since);

export const mirrorsResync: ActionModule<"mirrors.resync", Map<string, string>> = {
  id: "mirrors.resync",
  validate: ({ region }, ctx) => (region === "all" ? null : unknownRegion(ctx, region)),
  async preflight({ region }, ctx) {
    const seen = await Promise.all(affected(ctx, region).map(apiChecks));
    const running = seen.flatMap((s, i) =>
      s.stats?.status === "syncing"
        ? [`${affected(ctx, region)[i]!.id} at ${Math.round(100 * (s.stats.resyncProgress ?? 0))} %`]
        : [],
    );
    return [
      check(
        "no-resync-running",
        "no re-sync already running",
        running.length === 0,
        running.length ? `syncing: ${running.join(", ")}` : "none syncing",
      ),
      ...seen.flatMap((s) => s.checks),
    ];
  },
  plan: ({ region }, ctx) => [
    region === "all"
      ? "POST /v1/admin/mirrors/resync on the primary's API (it asks every region's)"
      : `POST ${ctx.region(region).apiUrl}/v1/admin/mirrors/resync?region=${region}`,
    `follow GET /v1/mirrors/stats of ${affected(ctx, region)
      .map((r) => r.id)
      .join(", ")} until each is ok with a newer lastSyncAt`,
  ],
  async execute({ region }, ctx) {
    const regions = affected(ctx, region);
    const localStart = new Date().toISOString();
    const results =
      region === "all"
        ? await post(await entryFor(ctx), "POST /v1/admin/mirrors/resync", resyncSchema)
        : await post(regions[0]!, "POST /v1/admin/mirrors/resync", resyncSchema, { region });
    ctx.log(JSON.stringify(results), "stdout");
    const failed = results.filter((r) => r.error !== undefined);
    if (failed.length)
      throw new Error(`re-sync refused: ${failed.map((r) => `${r.region}: ${JSON.stringify(r.error)}`).join("; ")}`);
    // Each region's own clock says when its re-sync began; lastSyncAt (same clock) must pass it.
    const startedAt = new Map(
      regions.map((r) => [r.id, results.find((x) => x.region === r.id)?.startedAt ?? localStart]),
    );

    let reportedAt = 0;
    for (;;) {
      const stats = await Promise.all(regions.map(mirrorStats));
      // Done only when its mirrors say ok: the progress a syncing region reports is rounded, and reads 1 before the end.
      const fraction = stats.map((m, i) =>
        m?.status === "ok" && syncedSince(m, startedAt.get(regions[i]!.id))
          ? 1
          : Math.min(m?.resyncProgress ?? 0, 0.99),
      );
      const finished = fraction.every((f) => f === 1);
      // about a line a second: each progress report is also a line of output
      if (finished || Date.now() - reportedAt >= 1_000) {
        reportedAt = Date.now();
        const each = regions.map(
          (r, i) =>
            `${r.id} ${fraction[i] === 1 ? "done" : stats[i] ? `${stats[i]!.status} ${Math.round(100 * fraction[i]!)} %` : "no answer"}`,
        );
        ctx.progress(
          Math.round((100 * fraction.reduce((a, b) => a + b, 0)) / regions.length),
          `re-sync: ${each.join(", ")}`,
        );
      }
      if (finished) return startedAt;
      await sleep(250, ctx.signal);
    }
  },
  async verify({ region }, ctx, startedAt) {
    const regions = affected(ctx, region);
    const stats = await Promise.all(regions.map(mirrorStats));
    return regions.map((r, i) => {
      const m = stats[i];
      const since = startedAt.get(r.id);
      return check(
        `synced:${r.id}`,
        `${r.id} mirrors ok, synced after the re-sync began`,
        m?.status === "ok" && syncedSince(m, since),
        `${describeMirrors(m ?? null)}; re-sync began ${since}`,
      );
    });
  },
};

export const mirrorsCleanup: ActionModule<"mirrors.cleanup", z.infer<typeof cleanupSchema>> = {
  id: "mirrors.cleanup",
  validate: ({ region }, ctx) => unknownRegion(ctx, region),
  preflight: async ({ region }, ctx) => (await apiChecks(ctx.region(region))).checks,
  plan: ({ region }, ctx) => [`POST ${ctx.region(region).apiUrl}/v1/admin/mirrors/cleanup?region=${region}`],
  async execute({ region }, ctx) {
    const result = await post(ctx.region(region), "POST /v1/admin/mirrors/cleanup", cleanupSchema, { region });
    ctx.log(`${region}: expired ${result.expiredClips} clips, freed ${formatBytes(result.freedBytes)}`, "stdout");
    return result;
  },
  async verify({ region }, ctx, result) {
    const after = await mirrorStats(ctx.region(region));
    return [
      check(
        "cleanup-answered",
        `cleanup on ${region} answered 200 with its counts`,
        true,
        `expired ${result.expiredClips} clips, freed ${formatBytes(result.freedBytes)}`,
      ),
      check(
        `mirrors:${region}`,
        `${region} mirrors answer after the cleanup`,
        !!after && after.status !== "down",
        describeMirrors(after),
      ),
    ];
  },
};
