import "server-only";
import {
  applyChanges,
  describeShares,
  leftUnserved,
  movesOf,
  regionState,
  servingByGeography,
  takersOf,
  type Move,
} from "@/lib/actions/traffic-plan";
import type { Check } from "@/lib/actions/run";
import type { BalancerConfig } from "@/lib/fleet-config";
import type { ServerStat } from "@/server/traffic/balancer";
import { check, type ActionModule } from "../../module";
import { until } from "../../wait";
import {
  answeredIn,
  BALANCER_TIMEOUT_MS,
  balancerCheck,
  balancerOf,
  describeRegionServers,
  noFailuresCheck,
  observe,
  setState,
  stateShown,
  statePlan,
  takerChecks,
  usersCheck,
  usersSince,
  validateRegion,
  VERIFY_MIN_ANSWERED,
} from "./common";

/**
 * traffic.drain-region: the region's servers go to HAProxy's drain state in every geography backend. Requests
 * under way finish there; new users of the geographies it served go to the next region of their failover order
 * (HAProxy's first usable backup). Never the last region that can serve a geography: the pre-flight says so, and
 * the execution refuses it again, whatever an override said, before changing anything.
 */

/** How long the execution waits for the requests under way on the drained region to finish (it goes on after). */
const SESSIONS_WAIT_MS = 30_000;

interface Seen {
  startedAt: number;
  changedAt: number;
  moves: Move[];
}

/** What draining the region would do: who serves each geography before and after, and what would be left unserved. */
function drainEffect(config: BalancerConfig, servers: ServerStat[], region: string) {
  const before = servingByGeography(config, servers);
  const after = servingByGeography(config, applyChanges(servers, [{ kind: "state", region, state: "drain" }]));
  return { before, after, moves: movesOf(before, after), unserved: leftUnserved(before, after) };
}

const describeMoves = (moves: Move[]) =>
  moves.map((m) => `${m.geography}: ${describeShares(m.before)} → ${describeShares(m.after)}`).join("; ");

/** Why a geography would be left without a server: the state of every region in its backend. */
function whyUnserved(servers: ServerStat[], config: BalancerConfig, geography: string, region: string) {
  const others = config.failoverOrder.filter((r) => r !== region);
  return `${geography} would be served by no region: ${region} is the last that can serve it (${others
    .map((r) => `${r} ${describeRegionServers(servers, r)}`)
    .join("; ")})`;
}

export const drainRegion: ActionModule<"traffic.drain-region", Seen | undefined> = {
  id: "traffic.drain-region",
  validate: ({ region }, ctx) => validateRegion(ctx, region),

  async preflight({ region }, ctx) {
    const o = await observe(ctx);
    const checks: Check[] = [balancerCheck(o)];
    if (!o.config || !o.servers?.length) return [...checks, usersCheck(o)];
    const { moves, unserved } = drainEffect(o.config, o.servers, region);
    const state = regionState(o.servers, region);
    checks.push(
      check(
        "not-drained",
        `${region} is not drained already`,
        state === "ready",
        `${describeRegionServers(o.servers, region)}${state === "drain" ? ": already drained" : state === "maint" ? ": in maintenance, it takes no users" : ""}`,
      ),
      check(
        "another-region-serves",
        `Another region can serve every geography once ${region} is drained (the last region that can serve is never drained)`,
        unserved.length === 0,
        unserved.length
          ? unserved.map((g) => whyUnserved(o.servers!, o.config!, g, region)).join("; ")
          : moves.length
            ? describeMoves(moves)
            : `${region} serves no geography now: no users move`,
      ),
    );
    return [...checks, ...(await takerChecks(ctx, o, takersOf(moves))), usersCheck(o)];
  },

  plan: ({ region }, ctx) => [
    `read the balancer: refuse (changing nothing) if draining ${region} would leave a geography with no region to serve it`,
    ...statePlan(ctx.fleet.balancer, region, "drain"),
    `wait up to ${SESSIONS_WAIT_MS / 1000} s for the requests under way on ${region} to finish`,
    `verify from the users' requests: none sent after the drain is served by ${region}, and none failed`,
  ],

  async execute({ region }, ctx) {
    const startedAt = Date.now();
    const { config, balancer } = balancerOf(ctx);
    const servers = await balancer.read(BALANCER_TIMEOUT_MS);
    const { moves, unserved } = drainEffect(config, servers, region);
    if (unserved.length)
      throw new Error(
        `refused, nothing changed: ${unserved.map((g) => whyUnserved(servers, config, g, region)).join("; ")}`,
      );
    ctx.log(moves.length ? `moving ${describeMoves(moves)}` : `${region} serves no geography now: no users move`);
    ctx.progress(10, `draining ${region} in every backend`);
    await setState(ctx, config, balancer, region, "drain");
    const changedAt = Date.now();
    const after = await balancer.read(BALANCER_TIMEOUT_MS);
    ctx.log(`${region} now: ${describeRegionServers(after, region)}`);
    if (!stateShown(after, region, "drain"))
      throw new Error(`the balancer does not show ${region} drained: ${describeRegionServers(after, region)}`);

    ctx.progress(50, `waiting for the requests under way on ${region} to finish`);
    const sessions = (list: ServerStat[]) =>
      list.filter((s) => s.region === region).reduce((n, s) => n + s.currentSessions, 0);
    const left = await until(
      `the requests under way on ${region} to finish`,
      async () => {
        const n = sessions(await balancer.read(BALANCER_TIMEOUT_MS));
        return n === 0 ? "none" : null;
      },
      SESSIONS_WAIT_MS,
      ctx.signal,
      250,
    ).catch(() => null);
    ctx.log(
      left
        ? `no request under way on ${region}`
        : `requests still under way on ${region} after ${SESSIONS_WAIT_MS / 1000} s; they finish there, new users go elsewhere`,
    );
    ctx.progress(100, `${region} drained`);
    return { startedAt, changedAt, moves };
  },

  async verify({ region }, ctx, seen) {
    const changedAt = seen?.changedAt ?? Date.now();
    const startedAt = seen?.startedAt ?? changedAt;
    const moved = seen?.moves.map((m) => m.geography) ?? [];
    const checks: Check[] = [];
    try {
      const servers = await balancerOf(ctx).balancer.read(BALANCER_TIMEOUT_MS);
      checks.push(
        check(
          "drained",
          `${region} is drained in every backend`,
          stateShown(servers, region, "drain"),
          describeRegionServers(servers, region),
        ),
      );
    } catch (err) {
      checks.push(check("drained", `${region} is drained in every backend`, false, (err as Error).message));
    }
    const geographies = ctx.fleet.balancer?.geographies.map((g) => g.id) ?? [];
    // Enough: every geography that moved has answers sent after the drain (the others at least one).
    const users = await usersSince(ctx, startedAt, (rs) =>
      geographies.every((g) => answeredIn(rs, g, changedAt).length >= (moved.includes(g) ? VERIFY_MIN_ANSWERED : 1)),
    );
    if (!users.requests) return [...checks, check("users", "The users' requests can be read", false, users.error)];
    const rs = users.requests;
    const after = rs.filter((r) => r.at >= changedAt);
    const onRegion = after.filter((r) => r.servedBy === region).length;
    checks.push(
      check(
        "serves-nothing",
        `No user request sent after the drain was served by ${region}`,
        onRegion === 0 && after.length > 0,
        after.length
          ? `${onRegion} of ${after.length} requests sent since the drain were served by ${region}`
          : "no users' request came in the time waited",
      ),
    );
    for (const g of moved) {
      const answered = answeredIn(rs, g, changedAt);
      const by = [...new Set(answered.map((r) => r.servedBy))].join(", ");
      checks.push(
        check(
          `moved:${g}`,
          `${g}'s users are served by another region`,
          answered.length >= VERIFY_MIN_ANSWERED && answered.every((r) => r.servedBy !== region),
          `${answered.length} answered since the drain, served by ${by || "nobody"}`,
        ),
      );
    }
    if (moved.length)
      checks.push(
        noFailuresCheck(
          "no-failures",
          `Users of ${moved.join(", ")} saw no failed request since the drain began`,
          rs,
          moved,
          startedAt,
        ),
      );
    return checks;
  },
};
