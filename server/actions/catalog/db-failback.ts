import "server-only";
import { lsnDistance } from "@/lib/lsn";
import type { RegionConfig } from "@/lib/fleet-config";
import { formatBytes } from "@/lib/units";
import { serverState } from "../executors/sql";
import { now, primaryOf, unknownRegion } from "../fleet-context";
import { check, type ActionModule, type RunContext } from "../module";
import { Plan } from "../plan";
import { until } from "../wait";
import { describeState, hasPostgresHooks, statesOf } from "./db-common";
import { rebuild, rebuildChecks, rebuildReplica } from "./db-rebuild-replica";
import { switchover } from "./db-switchover";

/**
 * The way back after a failover, as one plan: rebuild the old primary as a replica of the new one (skipped when it
 * streams already), wait until it has caught up, then the lossless switchover to it.
 */

/** The switchover's own pre-flight asks for less than this behind: the plan waits for it. */
const CAUGHT_UP_BYTES = 16 * 1024 * 1024;

export const failback: ActionModule<"db.failback"> = {
  id: "db.failback",

  validate({ region }, ctx) {
    const problem = unknownRegion(ctx, region);
    if (problem) return problem;
    if (primaryOf(ctx).id === region) return `${region} is the primary already`;
    if (!hasPostgresHooks(ctx, region))
      return `${region} has no hooks.postgres in the fleet file, so Switchyard cannot rebuild it`;
    return switchover.validate?.({ candidate: region }, ctx) ?? null;
  },

  preflight: ({ region }, ctx) => rebuildReplica.preflight({ region, source: primaryOf(ctx).id }, ctx),

  plan({ region }, ctx) {
    const current = primaryOf(ctx);
    return [
      `1. rebuild ${region} as a replica of ${current.id}, unless it streams from it already: ${rebuildReplica.plan({ region, source: current.id }, ctx).join("; ")}`,
      `2. wait until ${region} is less than ${formatBytes(CAUGHT_UP_BYTES)} behind ${current.id}`,
      `3. switch over to ${region}: ${switchover.plan({ candidate: region }, ctx).join("; ")}`,
    ];
  },

  async execute({ region }, ctx) {
    const current = primaryOf(ctx);
    const target = ctx.region(region);
    const plan = new Plan(
      ctx,
      [
        { key: "rebuild", title: `Rebuild ${region} as a replica of ${current.id}` },
        { key: "catch-up", title: `${region} catches up` },
        { key: "switchover", title: `Switch over to ${region}` },
      ],
      (key) => aftermath(ctx, key, target, current),
    );
    await plan.step("rebuild", {
      percent: [2, 40],
      run: async () => {
        const already = await rebuildChecks(ctx, target, current);
        if (already.every((c) => c.ok)) return void ctx.log(`${region} streams from ${current.id} already: no rebuild`);
        await rebuild(ctx, target, current, 2, 40);
      },
      verify: () => rebuildChecks(ctx, target, current),
    });
    await plan.step("catch-up", {
      percent: [40, 45],
      run: () => caughtUp(ctx, target, current),
      verify: async (behind) => [
        check(
          "caught-up",
          `${region} is less than ${formatBytes(CAUGHT_UP_BYTES)} behind`,
          true,
          `${formatBytes(behind)} behind`,
        ),
      ],
    });
    await plan.step("switchover", {
      percent: [45, 99],
      preflight: async () =>
        (await switchover.preflight({ candidate: region }, ctx)).filter((c) => c.id !== "caught-up"),
      run: () => switchover.execute({ candidate: region }, ctx),
      verify: async () => switchover.verify({ candidate: region }, await now(ctx), undefined),
    });
  },

  verify: ({ region }, ctx) => switchover.verify({ candidate: region }, ctx, undefined),
};

/** Waits until the target has replayed to within CAUGHT_UP_BYTES of the primary; the bytes behind. */
async function caughtUp(ctx: RunContext, target: RegionConfig, primary: RegionConfig): Promise<number> {
  return until(
    `${target.id} to catch up with ${primary.id}`,
    async () => {
      const [p, t] = await Promise.all([serverState(primary), serverState(target)]);
      const behind = p.up && t.up ? lsnDistance(p.lsn, t.replayLsn) : null;
      return behind !== null && behind < CAUGHT_UP_BYTES ? behind : null;
    },
    120_000,
    ctx.signal,
    250,
  );
}

async function aftermath(ctx: RunContext, key: string, target: RegionConfig, current: RegionConfig): Promise<string> {
  const states = await statesOf(ctx.fleet.regions);
  const servers = ctx.fleet.regions.map((r) => `${r.id} ${describeState(states.get(r.id)!)}`).join("; ");
  const next: Record<string, string> = {
    rebuild: `${current.id} is still the primary and the APIs write to it. Look at ${target.id}'s server log, then request the fail-back again.`,
    "catch-up": `${current.id} is still the primary. ${target.id} streams but lags: request the fail-back again once it has caught up.`,
    switchover: `Read the switchover's checks above: if ${current.id} was stopped and ${target.id} not promoted, start ${current.id} again (recover it) before anything else.`,
  };
  return `The fleet now: ${servers}. Next: ${next[key] ?? "read the steps above."}`;
}
