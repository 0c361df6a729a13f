import "server-only";
import type { RegionConfig } from "@/lib/fleet-config";
import { safeHost, safePort } from "../executors/host";
import { serverState } from "../executors/sql";
import { unknownRegion } from "../fleet-context";
import { check, type ActionModule, type RunContext } from "../module";
import { describeState } from "./db-common";
import { hostReachable } from "./host-reachable";
import { apiHealth, hooksProblem, reconfigureApi, reconfigurePlan, restartApi, waitForApi } from "./region-api";

export const dbEnv = (primary: RegionConfig) => ({
  DB_HOST: safeHost(primary.postgres.host),
  DB_PORT: safePort(primary.postgres.port),
});

type Health = Awaited<ReturnType<typeof apiHealth>>;
const pointsAt = (h: NonNullable<Health>, primary: RegionConfig) =>
  h.dbPort === undefined || h.dbPort === primary.postgres.port;
const describeApi = (h: Health) =>
  h
    ? `${h.status}${h.dbPort ? `, database port ${h.dbPort}` : ""}, writes ${h.db?.writable ? "succeed" : `fail${h.db?.lastError ? ` (${h.db.lastError})` : ""}`}`
    : "does not answer";

/** Points region APIs at a primary: the runbook's `export DB_HOST=...; systemctl restart clipper-api`. */
export async function repoint(
  ctx: RunContext,
  primary: RegionConfig,
  regions: RegionConfig[],
  from = 0,
  to = 100,
  /** each API's DB_HOST and DB_PORT being written ahead (setApiEnv), in `regions`' order: restart each once its own is */
  envsAhead?: Promise<unknown>[],
): Promise<void> {
  let done = 0;
  await Promise.all(
    regions.map(async (r, i) => {
      if (envsAhead) await envsAhead[i]!.then(() => restartApi(ctx, r));
      else await reconfigureApi(ctx, r, dbEnv(primary));
      done++;
      ctx.progress(from + ((to - from) * done) / regions.length, `${r.id} API restarted against ${primary.id}`);
    }),
  );
}

/** Each API writes to `primary` again (waits, since a restarted API connects within a moment). */
export async function apisWriteTo(ctx: RunContext, primary: RegionConfig, regions: RegionConfig[]) {
  return Promise.all(
    regions.map(async (r) => {
      const { ok, health } = await waitForApi(ctx, r, (h) => h.db?.writable === true && pointsAt(h, primary), 20_000);
      return check(`writes-${r.id}`, `${r.id} API writes to ${primary.id}`, ok, describeApi(health));
    }),
  );
}

export const repointApp: ActionModule<"db.repoint-app"> = {
  id: "db.repoint-app",

  validate({ primary, regions }, ctx) {
    return unknownRegion(ctx, primary, ...regions) ?? hooksProblem(ctx, regions);
  },

  async preflight({ primary, regions }, ctx) {
    const p = ctx.region(primary);
    const [state, hosts, ...healths] = await Promise.all([
      serverState(p),
      hostReachable(regions.map((id) => ctx.region(id))),
      ...regions.map((id) => apiHealth(ctx.region(id))),
    ]);
    return [
      check(
        "target-primary",
        `${primary} accepts writes (not in recovery)`,
        state.up && !state.inRecovery && !state.readOnly,
        describeState(state),
      ),
      ...regions.map((id, i) => check(`api-${id}`, `${id} API (now)`, true, describeApi(healths[i] ?? null))),
      ...hosts,
    ];
  },

  plan({ primary, regions }, ctx) {
    const p = ctx.region(primary);
    return [
      ...regions.flatMap((id) => reconfigurePlan(ctx.region(id), dbEnv(p))),
      `wait until every API writes to ${primary}`,
    ];
  },

  async execute({ primary, regions }, ctx) {
    await repoint(
      ctx,
      ctx.region(primary),
      regions.map((id) => ctx.region(id)),
      5,
      90,
    );
  },

  async verify({ primary, regions }, ctx) {
    return apisWriteTo(
      ctx,
      ctx.region(primary),
      regions.map((id) => ctx.region(id)),
    );
  },
};
