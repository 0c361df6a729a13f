import "server-only";
import { z } from "zod";
import type { ActionId } from "@/lib/actions/catalog";
import type { Check } from "@/lib/actions/run";
import { ANALYSIS_EVERY_MS, ERROR_RISE_POINTS, FAIL_AFTER_SAMPLES } from "@/lib/actions/rollout-analysis";
import type { CdnProvider } from "@/lib/cdn-providers";
import type { RegionConfig } from "@/lib/fleet-config";
import type { ApiHealth } from "@/lib/region-health";
import { formatDuration } from "@/lib/units";
import { callRegionApi } from "../executors/http";
import { unknownRegion } from "../fleet-context";
import { check, type ActionModule, type FleetContext, type RunContext } from "../module";
import { Aborted, hold } from "../hold";
import { AnalysisFailed, RolloutAnalysis } from "./cdn-analysis";
import { hostReachable } from "./host-reachable";
import { apiHealth, hooksProblem, reconfigureApi, reconfigurePlan, waitForApi } from "./region-api";

/**
 * The runbook's CDN actions (Scenario 3 and "Provider Rotation"): turn the CDN off or on, switch its provider,
 * or roll a new provider out 10 % → 50 % → 100 %. Each change is `export KEY=VALUE; systemctl restart
 * clipper-api` on one region API after the other, confirmed by what the API reports afterwards.
 */

const rolloutSchema = z.looseObject({ provider: z.string(), percent: z.number() });
const cdnSchema = z.looseObject({
  provider: z.string(),
  enabled: z.boolean(),
  status: z.string(),
  rollout: rolloutSchema.nullable().optional(),
  cacheHitRate: z.number().optional(),
});
export type CdnState = z.infer<typeof cdnSchema>;

/** A region's CDN as its API reports it: GET /v1/cdn/stats, else the cdn part of /health; null when neither says. */
export async function readCdn(region: RegionConfig, health?: ApiHealth | null): Promise<CdnState | null> {
  try {
    const { status, body } = await callRegionApi(region, "GET /v1/cdn/stats", {}, 3_000);
    const parsed = cdnSchema.safeParse(body);
    if (status === 200 && parsed.success) return parsed.data;
  } catch {
    // fall back to /health below
  }
  const parsed = cdnSchema.safeParse((health ?? (await apiHealth(region)))?.cdn);
  return parsed.success ? parsed.data : null;
}

/** The rollout a CDN report shows, or null when there is none (absent, or at 0 %). */
function rolloutOf(c: { [key: string]: unknown }): z.infer<typeof rolloutSchema> | null {
  const r = rolloutSchema.safeParse(c.rollout);
  return r.success && r.data.percent > 0 ? r.data : null;
}

type HealthCdn = NonNullable<ApiHealth["cdn"]>;

export function describeCdn(c: CdnState | null): string {
  if (!c) return "no CDN figures (neither /v1/cdn/stats nor /health says)";
  const r = rolloutOf(c);
  const hit = c.cacheHitRate !== undefined && c.status === "ok" ? `, cache hit ${c.cacheHitRate} %` : "";
  return `${c.provider}${r ? ` with ${r.percent} % on ${r.provider}` : ""}, ${c.enabled ? "enabled" : "disabled"}, status ${c.status}${hit}`;
}

interface Observed {
  region: RegionConfig;
  health: ApiHealth | null;
  latencyMs: number;
  cdn: CdnState | null;
}

async function observe(region: RegionConfig): Promise<Observed> {
  const started = performance.now();
  const health = await apiHealth(region);
  const latencyMs = Math.round(performance.now() - started);
  return { region, health, latencyMs, cdn: health ? await readCdn(region, health) : null };
}

/** Per region: the API answers, it has the hooks a reconfiguration needs, and what its CDN is now. */
async function regionChecks(ctx: FleetContext, ids: string[]): Promise<{ checks: Check[]; seen: Observed[] }> {
  const [seen, hosts] = await Promise.all([
    Promise.all(ids.map((id) => observe(ctx.region(id)))),
    hostReachable(ids.map((id) => ctx.region(id))),
  ]);
  const checks = seen.flatMap((o, i) => {
    const id = o.region.id;
    const hooks =
      hooksProblem(ctx, [id]) ?? (o.region.hooks.setApiEnv ? null : `${id} has no setApiEnv hook in the fleet file`);
    return [
      check(
        `api:${id}`,
        `${id} API answers`,
        !!o.health,
        o.health
          ? `status ${o.health.status} in ${o.latencyMs} ms`
          : `no answer from ${o.region.apiUrl}/health within ${o.latencyMs} ms`,
      ),
      check(`hooks:${id}`, `${id} has setApiEnv and restartApi hooks`, !hooks, hooks ?? "both in the fleet file"),
      check(`cdn:${id}`, `${id} CDN now`, !!o.cdn, describeCdn(o.cdn)),
      hosts[i]!,
    ];
  });
  return { checks, seen };
}

function validateRegions({ regions }: { regions: string[] }, ctx: FleetContext): string | null {
  const twice = regions.find((r, i) => regions.indexOf(r) !== i);
  return twice ? `${twice} is listed twice` : unknownRegion(ctx, ...regions);
}

/** After a restart: waits until /health shows the change, then (best effort) until the API writes to its database. */
async function confirm(
  ctx: RunContext,
  region: RegionConfig,
  what: string,
  ok: (cdn: HealthCdn) => boolean,
): Promise<void> {
  const seen = await waitForApi(ctx, region, (h) => !!h.cdn && ok(h.cdn));
  if (!seen.ok)
    throw new Error(
      `${region.id} API did not report ${what} within 20 s (last seen: ${seen.health ? JSON.stringify(seen.health.cdn ?? null) : "no answer"})`,
    );
  const db = await waitForApi(ctx, region, (h) => h.db?.writable !== false, 10_000);
  ctx.log(
    `${region.id}: ${what}${db.ok ? "" : `; its database is not writable yet (${db.health?.db?.lastError ?? "no answer"})`}`,
  );
}

/**
 * Reconfigures each region in turn (a rolling restart, never all at once), confirming each before the next.
 * Progress goes from 0 to 100 over the regions, or stays at `at` (a step of a longer action).
 */
async function eachRegion(
  ctx: RunContext,
  ids: string[],
  change: {
    env: (id: string) => Record<string, string>;
    what: string;
    ok: (cdn: HealthCdn, id: string) => boolean;
    at?: number;
  },
) {
  for (const [i, id] of ids.entries()) {
    const region = ctx.region(id);
    const env = change.env(id);
    const set = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    ctx.progress(change.at ?? (100 * i) / ids.length, `${id}: ${set} and restart (region ${i + 1} of ${ids.length})`);
    await reconfigureApi(ctx, region, env);
    await confirm(ctx, region, change.what, (c) => change.ok(c, id));
  }
}

/** Verification per region: /v1/cdn/stats as expected, and the API still writes to its database. */
async function verifyRegions(
  ctx: RunContext,
  ids: string[],
  label: string,
  ok: (c: CdnState) => boolean,
): Promise<Check[]> {
  const seen = await Promise.all(ids.map((id) => observe(ctx.region(id))));
  return seen.flatMap((o) => [
    check(`cdn:${o.region.id}`, `${o.region.id} ${label}`, !!o.cdn && ok(o.cdn), describeCdn(o.cdn)),
    check(
      `db:${o.region.id}`,
      `${o.region.id} API writes to its database`,
      o.health?.db?.writable === true && o.health.status !== "down",
      o.health
        ? `status ${o.health.status}, db writable ${o.health.db?.writable ?? "unknown"}${o.health.db?.lastError ? ` (${o.health.db.lastError})` : ""}`
        : "no answer",
    ),
  ]);
}

function toggle<A extends "cdn.disable" | "cdn.enable">(id: A, enabled: boolean): ActionModule<A> {
  const word = enabled ? "enabled" : "disabled";
  return {
    id,
    validate: (params, ctx) => validateRegions(params, ctx),
    preflight: async ({ regions }, ctx) => (await regionChecks(ctx, regions)).checks,
    plan: ({ regions }, ctx) => [
      ...regions.flatMap((r) => reconfigurePlan(ctx.region(r), { CDN_ENABLED: String(enabled) })),
      `after each restart: wait until /health shows the CDN ${word}`,
    ],
    async execute({ regions }, ctx) {
      await eachRegion(ctx, regions, {
        env: () => ({ CDN_ENABLED: String(enabled) }),
        what: `CDN ${word}`,
        ok: (c) => c.enabled === enabled,
      });
      ctx.progress(100, `CDN ${word} on ${regions.join(", ")}`);
    },
    verify: ({ regions }, ctx) =>
      verifyRegions(
        ctx,
        regions,
        enabled ? "CDN enabled and status ok" : "CDN disabled (serving directly)",
        (c) => c.enabled === enabled && c.status === (enabled ? "ok" : "disabled"),
      ),
  };
}

export const cdnDisable = toggle("cdn.disable", false);
export const cdnEnable = toggle("cdn.enable", true);

/** Preflight for a provider change: the provider differs from the current one somewhere (which regions); a split rollout differs too. */
function differsCheck(provider: CdnProvider, seen: Observed[]): Check {
  const there = (o: Observed) => o.cdn?.provider === provider && !rolloutOf(o.cdn);
  const moving = seen
    .filter((o) => !there(o))
    .map((o) => `${o.region.id} (on ${o.cdn ? describeCdn(o.cdn).split(",")[0] : "unknown"})`);
  const already = seen.filter(there).map((o) => o.region.id);
  return check(
    "provider-differs",
    `${provider} differs from the current provider in at least one region`,
    moving.length > 0,
    `${moving.length ? `changes ${moving.join(", ")}` : "no region changes"}${already.length ? `; already on ${provider}: ${already.join(", ")}` : ""}`,
  );
}

/** Logs each region's provider before the change, so the run's output says how to undo it. */
async function recordPrevious(ctx: RunContext, regions: string[], action: ActionId): Promise<Map<string, CdnState>> {
  const before = new Map<string, CdnState>();
  for (const id of regions) {
    const cdn = await readCdn(ctx.region(id));
    if (!cdn)
      throw new Error(`${id} API does not say which CDN provider it uses: not changing what cannot be reversed`);
    before.set(id, cdn);
    ctx.log(`${id}: previous provider ${cdn.provider} (${describeCdn(cdn)})`, "stdout");
  }
  const providers = [...new Set([...before.values()].map((c) => c.provider))];
  ctx.log(`to reverse ${action}: cdn.switch-provider to ${providers.join(" / ")} on ${regions.join(", ")}`);
  return before;
}

export const cdnSwitchProvider: ActionModule<"cdn.switch-provider"> = {
  id: "cdn.switch-provider",
  validate: (params, ctx) => validateRegions(params, ctx),
  async preflight({ provider, regions }, ctx) {
    const { checks, seen } = await regionChecks(ctx, regions);
    return [differsCheck(provider, seen), ...checks];
  },
  plan: ({ provider, regions }, ctx) => [
    `record each region's current provider (to switch back)`,
    ...regions.flatMap((r) => reconfigurePlan(ctx.region(r), switchEnv(provider))),
    `after each restart: wait until /health shows ${provider}, enabled`,
  ],
  async execute({ provider, regions }, ctx) {
    await recordPrevious(ctx, regions, "cdn.switch-provider");
    await eachRegion(ctx, regions, {
      env: () => switchEnv(provider),
      what: `CDN on ${provider}`,
      ok: (c) => c.provider === provider && c.enabled === true && !rolloutOf(c),
    });
    ctx.progress(100, `CDN on ${provider} in ${regions.join(", ")}`);
  },
  verify: ({ provider, regions }, ctx) =>
    verifyRegions(
      ctx,
      regions,
      `CDN on ${provider}, status ok`,
      (c) => c.provider === provider && c.status === "ok" && !rolloutOf(c),
    ),
};

/** A switch sends all traffic to the provider: it also ends any rollout left behind. */
const switchEnv = (provider: CdnProvider) => ({
  CDN_PROVIDER: provider,
  CDN_ENABLED: "true",
  CDN_ROLLOUT_PERCENT: "0",
});

// ---- gradual rollout -------------------------------------------------------------------------------------

const rolloutEnv = (provider: CdnProvider, percent: number) => ({
  CDN_ROLLOUT_PROVIDER: provider,
  CDN_ROLLOUT_PERCENT: String(percent),
});
/** 100 %: the new provider becomes the provider, and the rollout ends */
const finalEnv = switchEnv;

/** One rollout step on every moving region, confirmed by /health reporting that share. */
function rolloutStep(ctx: RunContext, moving: string[], provider: CdnProvider, percent: number, at: number) {
  ctx.progress(at, `${percent} % of CDN traffic to ${provider}`);
  return eachRegion(ctx, moving, {
    env: () => rolloutEnv(provider, percent),
    what: `${percent} % on ${provider}`,
    ok: (c) => rolloutOf(c)?.provider === provider && rolloutOf(c)?.percent === percent,
    at,
  });
}

export const cdnRollout: ActionModule<"cdn.rollout"> = {
  id: "cdn.rollout",
  validate: (params, ctx) => validateRegions(params, ctx),
  async preflight({ provider, regions }, ctx) {
    const { checks, seen } = await regionChecks(ctx, regions);
    const busy = seen.filter((o) => o.cdn && rolloutOf(o.cdn)).map((o) => `${o.region.id}: ${describeCdn(o.cdn)}`);
    const off = seen.filter((o) => o.cdn && !o.cdn.enabled).map((o) => o.region.id);
    return [
      differsCheck(provider, seen),
      check("no-rollout", "no rollout already under way", busy.length === 0, busy.join("; ") || "none reported"),
      check(
        "cdn-enabled",
        "the CDN is enabled (a share of nothing proves nothing)",
        off.length === 0,
        off.length ? `disabled on ${off.join(", ")}` : "enabled everywhere it answers",
      ),
      ...checks,
    ];
  },
  plan({ provider, regions, holdSeconds: [h10, h50], onFailure }, ctx) {
    const step = (percent: number) =>
      regions.flatMap((r) => reconfigurePlan(ctx.region(r), rolloutEnv(provider, percent)));
    return [
      "record each region's current provider (an abort goes back to it)",
      "record each region API's error rate now: the analysis's baseline",
      ...step(10),
      `hold ${formatDuration(h10 * 1000)} at 10 % (pausable; abort returns every region to its previous provider)`,
      ...step(50),
      `hold ${formatDuration(h50 * 1000)} at 50 %`,
      `analysis during each hold, every ${ANALYSIS_EVERY_MS / 1000} s: ${provider}'s cache hit rate in each region stays at or above the CDN cache hit rate alert threshold (as the alert rules set it when the rollout starts), and each region API's error rate rises at most ${ERROR_RISE_POINTS} point above its baseline; a hold ends only after a passing sample`,
      onFailure === "pause"
        ? `if the analysis fails (${FAIL_AFTER_SAMPLES} samples in a row): the rollout pauses itself at its step, says why with the figures and pages the team; resume to go on (the analysis starts over) or abort to go back`
        : `if the analysis fails (${FAIL_AFTER_SAMPLES} samples in a row): every region goes back to its previous provider, the team is paged, and the run fails saying why with the figures`,
      ...regions.flatMap((r) => reconfigurePlan(ctx.region(r), finalEnv(provider))),
    ];
  },
  async execute({ provider, regions, holdSeconds: [h10, h50], onFailure }, ctx) {
    const before = await recordPrevious(ctx, regions, "cdn.rollout");
    const moving = regions.filter((id) => before.get(id)!.provider !== provider);
    const staying = regions.filter((id) => !moving.includes(id));
    if (staying.length) ctx.log(`already on ${provider}, left alone: ${staying.join(", ")}`);
    if (!moving.length) return;
    const analysis = await RolloutAnalysis.start(ctx, { provider, regions: moving, onFailure });
    // The whole rollout's percent follows the hold time, which is nearly all of it.
    const total = (h10 + h50) * 1000;
    const pct = (heldMs: number) => Math.min(99, (100 * heldMs) / total);
    try {
      await rolloutStep(ctx, moving, provider, 10, 0);
      await hold(ctx, 10, h10, pct, analysis.watch(10));
      ctx.log(analysis.summary(10));
      await rolloutStep(ctx, moving, provider, 50, pct(h10 * 1000));
      await hold(ctx, 50, h50, (ms) => pct(h10 * 1000 + ms), analysis.watch(50));
      ctx.log(analysis.summary(50));
      ctx.progress(99, `100 %: CDN_PROVIDER=${provider}, rollout ended`);
      await eachRegion(ctx, moving, {
        env: () => finalEnv(provider),
        what: `all traffic on ${provider}`,
        ok: (c) => c.provider === provider && !rolloutOf(c),
        at: 99,
      });
      ctx.progress(100, `all CDN traffic on ${provider} in ${regions.join(", ")}`);
    } catch (err) {
      if (err instanceof AnalysisFailed) {
        const paging = ctx.page(`stopped itself: ${err.message}; rolling back to ${previousOf(moving, before)}`);
        const back = await goBack(ctx, moving, before, "the analysis failed and rollback was chosen");
        ctx.log(await paging);
        throw new Error(`${err.message}. Rollback: ${back}`);
      }
      if (!(err instanceof Aborted)) {
        ctx.log(
          `rollout stopped: ${(err as Error).message}. Go back with cdn.switch-provider (previous providers above).`,
          "stderr",
        );
        throw err;
      }
      ctx.log("abort requested by an operator: going back", "stderr");
      throw new Error(`aborted by operator; ${await goBack(ctx, moving, before)}`);
    }
  },
  verify: ({ provider, regions }, ctx) =>
    verifyRegions(
      ctx,
      regions,
      `all CDN traffic on ${provider} (no rollout left), status ok`,
      (c) => c.provider === provider && !rolloutOf(c) && c.status === "ok",
    ),
};

/** Each moved region's previous provider, in words: "bunny", or "bunny (eu-west-1), cloudflare (ap-southeast-1)". */
function previousOf(moving: string[], before: Map<string, CdnState>): string {
  const prev = (id: string) => before.get(id)!.provider;
  const providers = [...new Set(moving.map(prev))];
  return providers.length === 1 ? providers[0]! : moving.map((id) => `${prev(id)} (${id})`).join(", ");
}

/**
 * Going back (an operator's abort, or a failed analysis with rollback chosen): every region the rollout touched on
 * its previous provider, rollout 0 %. Says where it ended: "back on bunny", or why going back failed.
 */
async function goBack(ctx: RunContext, moving: string[], before: Map<string, CdnState>, why?: string): Promise<string> {
  if (why) ctx.log(`${why}: going back`, "stderr");
  const prev = (id: string) => before.get(id)!.provider;
  const back = previousOf(moving, before);
  try {
    await eachRegion(ctx, moving, {
      env: (id) => ({ CDN_ROLLOUT_PERCENT: "0", CDN_PROVIDER: prev(id) }),
      what: "back on the previous provider, rollout 0 %",
      ok: (c, id) => c.provider === prev(id) && !rolloutOf(c),
    });
  } catch (err) {
    return `going back to ${back} failed: ${(err as Error).message}`;
  }
  return `back on ${back}`;
}
