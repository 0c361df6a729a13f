import "server-only";
import {
  applyChanges,
  describeShares,
  HEADROOM,
  measuredShares,
  sharesFollow,
  sharesOf,
  takersOf,
  takesNewRequests,
  type BalancerChange,
  type Shares,
} from "@/lib/actions/traffic-plan";
import type { Check } from "@/lib/actions/run";
import { backendName } from "@/lib/balancer-layout";
import type { BalancerConfig } from "@/lib/fleet-config";
import { formatPercent } from "@/lib/units";
import type { ServerStat } from "@/server/traffic/balancer";
import { unknownRegion } from "../../fleet-context";
import { check, type ActionModule } from "../../module";
import {
  answeredIn,
  BALANCER_TIMEOUT_MS,
  balancerCheck,
  balancerOf,
  describeRegionServers,
  describeWeights,
  NO_BALANCER,
  noFailuresCheck,
  observe,
  setWeight,
  takerChecks,
  usersCheck,
  usersSince,
  weightCommand,
  weightsIn,
} from "./common";

/**
 * traffic.set-weights: the weights of a geography's active servers, one per region, in its backend: the
 * geography's new users are split between the regions that are up in proportion. At least one region with a
 * weight above 0 must be up and not drained, or the users would fall to a backup (or to nobody): refused by the
 * pre-flight, and again by the execution before anything changes.
 */

/** Answered requests after the change before the split is judged (weighted round robin is close over a short run). */
const SHARES_MIN_ANSWERED = 20;

type Params = { geography: string; weights: Record<string, number> };

interface Seen {
  startedAt: number;
  changedAt: number;
  before: Shares;
  expected: Shares;
}

const orderOf = (config: BalancerConfig, geography: string) => {
  const home = config.geographies.find((g) => g.id === geography)!.home;
  return [home, ...config.failoverOrder.filter((r) => r !== home)];
};

/** Who would take the geography's users with these weights, and whether a weighted region (not a backup) would. */
function weightEffect(config: BalancerConfig, servers: ServerStat[], { geography, weights }: Params) {
  const backend = backendName(geography);
  const changes: BalancerChange[] = Object.entries(weights).map(([region, weight]) => ({
    kind: "weight",
    geography,
    region,
    weight,
  }));
  const next = applyChanges(servers, changes);
  const before = sharesOf(servers, backend, orderOf(config, geography));
  const after = sharesOf(next, backend, orderOf(config, geography));
  const weighted = next.filter((s) => s.backend === backend && !s.backup && takesNewRequests(s)).map((s) => s.region);
  return { before, after, weighted, next };
}

/** Why no weighted region would serve: each region given a weight above 0, and its state. */
const whyNot = (servers: ServerStat[], weights: Record<string, number>) =>
  Object.entries(weights)
    .filter(([, w]) => w > 0)
    .map(([r, w]) => `${r} (weight ${w}): ${describeRegionServers(servers, r)}`)
    .join("; ");

export const setWeights: ActionModule<"traffic.set-weights", Seen | undefined> = {
  id: "traffic.set-weights",
  validate({ geography, weights }, ctx) {
    const balancer = ctx.fleet.balancer;
    if (!balancer) return NO_BALANCER;
    if (!balancer.geographies.some((g) => g.id === geography))
      return `unknown geography ${geography} (the balancer has ${balancer.geographies.map((g) => g.id).join(", ")})`;
    return unknownRegion(ctx, ...Object.keys(weights));
  },

  async preflight(params, ctx) {
    const o = await observe(ctx);
    const checks: Check[] = [balancerCheck(o)];
    if (!o.config || !o.servers?.length) return [...checks, usersCheck(o)];
    const { geography, weights } = params;
    const now = weightsIn(o.servers, geography);
    const changed = Object.entries(weights).filter(([r, w]) => now[r] !== w);
    const { before, after, weighted } = weightEffect(o.config, o.servers, params);
    checks.push(
      check(
        "changes",
        `The weights differ from ${backendName(geography)}'s now`,
        changed.length > 0,
        changed.length
          ? changed.map(([r, w]) => `${r} ${now[r] ?? "?"} → ${w}`).join(", ")
          : `already ${describeWeights(now)}`,
      ),
      check(
        "weighted-up",
        `A region with a weight above 0 is up and not drained in ${backendName(geography)} (${geography}'s users keep a server)`,
        weighted.length > 0,
        weighted.length
          ? `${geography}: ${describeShares(before)} now → ${describeShares(after)}`
          : `none would take ${geography}'s users: ${whyNot(o.servers, weights)}; they would go to ${describeShares(after)}`,
      ),
    );
    const takers = takersOf([{ geography, before, after }]);
    return [...checks, ...(await takerChecks(ctx, o, takers)), usersCheck(o)];
  },

  plan: ({ geography, weights }) => {
    const set = Object.entries(weights);
    return [
      `read ${backendName(geography)}: refuse (changing nothing) unless a region with a weight above 0 is up and not drained; record the weights now (to set them back)`,
      ...set.map(
        ([r, w]) => `${weightCommand(geography, r, w)} (where it differs; raised weights first, then lowered ones)`,
      ),
      `verify from the users' requests: ${geography}'s new users split as the weights say, under ${HEADROOM.maxErrorRate * 100} % failed`,
    ];
  },

  async execute(params, ctx) {
    const startedAt = Date.now();
    const { geography, weights } = params;
    const { config, balancer } = balancerOf(ctx);
    const servers = await balancer.read(BALANCER_TIMEOUT_MS);
    const { before, after, weighted } = weightEffect(config, servers, params);
    if (!weighted.length)
      throw new Error(
        `refused, nothing changed: no region with a weight above 0 would take ${geography}'s users (${whyNot(servers, weights)})`,
      );
    const now = weightsIn(servers, geography);
    ctx.log(`${geography} weights before (to set back): ${describeWeights(now)}`, "stdout");
    // Raised weights first, then lowered ones: the geography never passes through "every weight 0".
    const changes = Object.entries(weights)
      .filter(([r, w]) => now[r] !== w)
      .sort(([ra, a], [rb, b]) => Number(a < (now[ra] ?? 0)) - Number(b < (now[rb] ?? 0)));
    for (const [i, [r, w]] of changes.entries()) {
      ctx.progress((100 * i) / Math.max(1, changes.length), `${r} weight ${now[r] ?? "?"} → ${w} in ${geography}`);
      await setWeight(ctx, balancer, geography, r, w);
    }
    const changedAt = Date.now();
    const read = weightsIn(await balancer.read(BALANCER_TIMEOUT_MS), geography);
    const off = Object.entries(weights).filter(([r, w]) => read[r] !== w);
    if (off.length)
      throw new Error(
        `the balancer shows ${off.map(([r]) => `${r} ${read[r] ?? "?"}`).join(", ")}, not the weights set`,
      );
    ctx.log(`${geography}: ${describeShares(before)} → ${describeShares(after)} of new users`);
    ctx.progress(100, `${geography} weights ${describeWeights(read)}`);
    return { startedAt, changedAt, before, expected: after };
  },

  async verify(params, ctx, seen) {
    const { geography, weights } = params;
    const checks: Check[] = [];
    let expected = seen?.expected ?? null;
    try {
      const { config, balancer } = balancerOf(ctx);
      const servers = await balancer.read(BALANCER_TIMEOUT_MS);
      const now = weightsIn(servers, geography);
      checks.push(
        check(
          "weights",
          `${backendName(geography)}'s weights are as set`,
          Object.entries(weights).every(([r, w]) => now[r] === w),
          describeWeights(now),
        ),
      );
      expected ??= sharesOf(servers, backendName(geography), orderOf(config, geography));
    } catch (err) {
      checks.push(check("weights", `${backendName(geography)}'s weights are as set`, false, (err as Error).message));
    }
    if (!expected) return checks;
    const changedAt = seen?.changedAt ?? Date.now();
    const users = await usersSince(
      ctx,
      changedAt,
      (rs) => answeredIn(rs, geography, changedAt).length >= SHARES_MIN_ANSWERED,
    );
    if (!users.requests) return [...checks, check("users", "The users' requests can be read", false, users.error)];
    const { shares, answered } = measuredShares(answeredIn(users.requests, geography, changedAt));
    const was = seen?.before ?? {};
    const regions = [...new Set([...Object.keys(expected), ...Object.keys(shares), ...Object.keys(was)])];
    const pct = (v: number | undefined) => formatPercent((v ?? 0) * 100, 0);
    checks.push(
      check(
        "shares",
        `${geography}'s new users are split as the weights say`,
        answered >= SHARES_MIN_ANSWERED && sharesFollow(expected, shares),
        `of ${answered} answered since the change: ${regions
          .map((r) => `${r} ${pct(shares[r])} (expected ${pct(expected![r])}${seen ? `, was ${pct(was[r])}` : ""})`)
          .join(", ")}`,
      ),
      noFailuresCheck(
        "few-failures",
        `Users of ${geography} saw under ${HEADROOM.maxErrorRate * 100} % failed requests since the change`,
        users.requests,
        [geography],
        changedAt,
        HEADROOM.maxErrorRate,
      ),
    );
    return checks;
  },
};
