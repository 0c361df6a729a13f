import "server-only";
import type { RegionConfig } from "@/lib/fleet-config";
import { apiHealthSchema, type ApiHealth } from "@/lib/region-health";
import { callRegionApi } from "../executors/http";
import { fleetHooks, hook, runHost } from "../executors/host";
import type { FleetContext, RunContext } from "../module";
import { until } from "../wait";

/** The runbook's `export KEY=VALUE; systemctl restart clipper-api` for one region API, through its fleet hooks. */
export async function reconfigureApi(
  ctx: RunContext,
  region: RegionConfig,
  env: Record<string, string>,
): Promise<void> {
  await setApiEnv(ctx, region, env);
  await restartApi(ctx, region);
}

/** The fleet's setApiEnv hook: the API's next start reads `env` (nothing changes until then). */
export async function setApiEnv(ctx: RunContext, region: RegionConfig, env: Record<string, string>): Promise<void> {
  if (Object.keys(env).length) await runHost(hook(region.hooks.setApiEnv, "setApiEnv", env), hookOptions(ctx, region));
}

/** The fleet's restartApi hook. */
export async function restartApi(ctx: RunContext, region: RegionConfig): Promise<void> {
  await runHost(hook(region.hooks.restartApi, "restartApi"), hookOptions(ctx, region));
}

function hookOptions(ctx: RunContext, region: RegionConfig) {
  const onLine = (line: string, stream: "stdout" | "stderr") =>
    ctx.log(line.startsWith(`${region.id}`) ? line : `${region.id}: ${line}`, stream);
  return { transport: region.transport, hooks: fleetHooks(ctx.fleet.regions), onLine, signal: ctx.signal };
}

/** The plan lines for reconfigureApi: what will run, as the fleet file says. */
export function reconfigurePlan(region: RegionConfig, env: Record<string, string>): string[] {
  const lines: string[] = [];
  const set = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  if (set.length)
    lines.push(
      `${region.id}: ${region.hooks.setApiEnv ? [...region.hooks.setApiEnv.argv.slice(-2), ...set].join(" ") : `(no setApiEnv hook) export ${set.join(" ")}`}`,
    );
  lines.push(
    `${region.id}: ${region.hooks.restartApi ? region.hooks.restartApi.argv.slice(-2).join(" ") : "(no restartApi hook)"}`,
  );
  return lines;
}

/** GET /health of a region API, parsed; null when it does not answer. */
export async function apiHealth(region: RegionConfig, timeoutMs = 2_000): Promise<ApiHealth | null> {
  try {
    const { body } = await callRegionApi(region, "GET /health", {}, timeoutMs);
    const parsed = apiHealthSchema.safeParse(body);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Polls until `ok` holds for the region API's health, or the time is up; returns the last health seen. */
export async function waitForApi(
  ctx: Pick<RunContext, "signal">,
  region: RegionConfig,
  ok: (h: ApiHealth) => boolean,
  timeoutMs = 20_000,
): Promise<{ ok: boolean; health: ApiHealth | null }> {
  let health: ApiHealth | null = null;
  const seen = await until(
    `${region.id} API`,
    async () => (health = await apiHealth(region)) && ok(health),
    timeoutMs,
    ctx.signal,
    150,
  ).catch(() => false);
  return { ok: seen, health };
}

/** Checks that each named region exists and has the hooks an API reconfiguration needs. */
export function hooksProblem(ctx: FleetContext, regionIds: string[]): string | null {
  for (const id of regionIds) {
    const r = ctx.fleet.regions.find((x) => x.id === id);
    if (!r) return `unknown region ${id} (the fleet has ${ctx.fleet.regions.map((x) => x.id).join(", ")})`;
    if (!r.hooks.restartApi) return `${id} has no restartApi hook in the fleet file`;
  }
  return null;
}
