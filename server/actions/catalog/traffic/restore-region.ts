import "server-only";
import {
  describeShares,
  describeSteps,
  HEADROOM,
  mainServer,
  regionState,
  restoreSteps,
  servingByGeography,
  stepVerdict,
} from "@/lib/actions/traffic-plan";
import type { Check } from "@/lib/actions/run";
import { backendName, HOME_WEIGHT } from "@/lib/balancer-layout";
import type { BalancerConfig } from "@/lib/fleet-config";
import { formatDuration } from "@/lib/units";
import type { Balancer, ServerStat } from "@/server/traffic/balancer";
import { readUserRequests } from "@/server/traffic/users-probe";
import { Aborted, hold } from "../../hold";
import { check, type ActionModule, type RunContext } from "../../module";
import {
  answeredIn,
  BALANCER_TIMEOUT_MS,
  balancerCheck,
  balancerOf,
  describeRegionServers,
  describeWeights,
  healthyCheck,
  headroomCheck,
  noFailuresCheck,
  observe,
  setState,
  setWeight,
  stateShown,
  statePlan,
  usersCheck,
  usersSince,
  validateRegion,
  VERIFY_MIN_ANSWERED,
  weightCommand,
  weightsIn,
} from "./common";

/**
 * traffic.restore-region: the region back to ready in every backend, and its home geography back to it as the
 * balancer's layout has it (its weight 100, every other region's 0). At once; or in steps of its home weight
 * (25 → 50 → 100), each step splitting the home geography by weight between it and the region that served it
 * meanwhile, holding at each (pausable) and watching the users' errors: a step whose users see too many failed
 * requests, or an operator's abort, puts everything back as it was before the restore.
 */

/** How often a hold looks at the users' errors of the step. */
const WATCH_MS = 2_000;

interface Seen {
  startedAt: number;
  /** when the last step (the home weight) was set */
  changedAt: number;
  homes: string[];
}

const homesOf = (config: BalancerConfig | undefined, region: string) =>
  config?.geographies.filter((g) => g.home === region).map((g) => g.id) ?? [];

/** The home geography's weights as the layout has them, against what they are. */
function layoutDiffers(servers: ServerStat[], geography: string, region: string): boolean {
  return Object.entries(weightsIn(servers, geography)).some(([r, w]) => w !== (r === region ? HOME_WEIGHT : 0));
}

/** A step's users' errors over the bound: the restore goes back. */
class TooManyErrors extends Error {}

export const restoreRegion: ActionModule<"traffic.restore-region", Seen | undefined> = {
  id: "traffic.restore-region",
  validate: ({ region }, ctx) => validateRegion(ctx, region),

  async preflight({ region }, ctx) {
    const o = await observe(ctx);
    const checks: Check[] = [balancerCheck(o)];
    if (!o.config || !o.servers?.length) return [...checks, usersCheck(o)];
    const homes = homesOf(o.config, region);
    const state = regionState(o.servers, region);
    const uneven = homes.filter((g) => layoutDiffers(o.servers!, g, region));
    const mine = o.servers.filter((s) => s.region === region);
    checks.push(
      check(
        "something-to-restore",
        `${region} is drained, or its home geography is not all its own (there is something to restore)`,
        state !== "ready" || uneven.length > 0,
        `${region}: ${describeRegionServers(o.servers, region)}${uneven.map((g) => `; ${g} weights ${describeWeights(weightsIn(o.servers!, g))}`).join("")}${state === "ready" && !uneven.length ? `; ready, and ${homes.join(", ") || "no geography"} on it as laid out` : ""}`,
      ),
      // It is drained: only its health checks tell whether it can take users back.
      check(
        `checks:${region}`,
        `${region} passes the balancer's health checks`,
        mine.length > 0 && mine.every((s) => /^(UP|DRAIN)/.test(s.status) || s.status === "no check"),
        describeRegionServers(o.servers, region),
      ),
      await healthyCheck(ctx, region),
      headroomCheck(o, region),
      usersCheck(o),
    );
    return checks;
  },

  plan({ region, steps, holdSeconds }, ctx) {
    const config = ctx.fleet.balancer;
    const homes = homesOf(config, region);
    const ready = statePlan(config, region, "ready");
    const others = (config?.failoverOrder ?? []).filter((r) => r !== region);
    const verify = `verify from the users' requests: ${homes.join(", ") || "its home geography"} served by ${region} again, under ${HEADROOM.maxErrorRate * 100} % failed`;
    if (steps.length === 1 || !homes.length)
      return [
        ...homes.flatMap((g) => [
          weightCommand(g, region, HOME_WEIGHT),
          ...others.map((r) => `${weightCommand(g, r, 0)} (where it is not 0)`),
        ]),
        ...ready,
        verify,
      ];
    const plan = restoreSteps(steps).flatMap((s, i) => [
      `step ${s.percent} %: ${homes
        .map(
          (g) =>
            `${weightCommand(g, region, s.regionWeight)}; set server ${backendName(g)}/<the region serving ${g} now> weight ${s.otherWeight}${i === 0 ? "; every other region's weight 0" : ""}`,
        )
        .join("; ")}`,
      ...(i === 0 ? ready : []),
      ...(s.percent < 100
        ? [
            `hold ${formatDuration(holdSeconds * 1000)} at ${s.percent} % (pausable), watching the users' errors: ${HEADROOM.maxErrorRate * 100} % or more failed, or an abort, puts back the weights and state from before the restore`,
          ]
        : []),
    ]);
    return [`record ${region}'s state and the weights of ${homes.join(", ")} (to go back to)`, ...plan, verify];
  },

  async execute({ region, steps, holdSeconds }, ctx) {
    const startedAt = Date.now();
    const { config, balancer } = balancerOf(ctx);
    const servers = await balancer.read(BALANCER_TIMEOUT_MS);
    const homes = homesOf(config, region);
    const before = {
      state: regionState(servers, region),
      weights: Object.fromEntries(homes.map((g) => [g, weightsIn(servers, g)])),
    };
    if (before.state === "absent") throw new Error(`${region} has no server in the balancer; nothing changed`);
    ctx.log(
      `before: ${region} ${before.state === "ready" ? "ready" : before.state === "drain" ? "drained" : "in maintenance"}${homes.map((g) => `; ${g} weights ${describeWeights(before.weights[g]!)}`).join("")}`,
      "stdout",
    );
    const serving = servingByGeography(config, servers);
    // The region serving each home geography now (not the one restored): it keeps the rest of each step.
    const partners = Object.fromEntries(
      homes.map((g) => {
        const shares = { ...serving[g] };
        delete shares[region];
        return [g, mainServer(shares)];
      }),
    );
    const stepped = steps.length > 1 && homes.some((g) => partners[g]);
    ctx.log(
      `restoring ${region} ${describeSteps(steps)}${stepped ? `, holding ${formatDuration(holdSeconds * 1000)} at each step` : ""}`,
    );
    if (steps.length > 1 && !stepped)
      ctx.log(`no other region serves ${homes.join(", ") || "its home geography"} now: restoring at once`);
    let changedAt = Date.now();
    try {
      if (!stepped) {
        ctx.progress(10, `giving ${homes.join(", ") || "nothing"} back to ${region} at once`);
        await homeWeights(ctx, balancer, servers, homes, region);
        await setState(ctx, config, balancer, region, "ready");
        changedAt = Date.now();
      } else {
        const plan = restoreSteps(steps);
        const total = holdSeconds * 1000 * (plan.length - 1);
        const pct = (ms: number) => Math.min(99, (100 * ms) / total);
        for (const [i, step] of plan.entries()) {
          const base = holdSeconds * 1000 * i;
          ctx.progress(pct(base), `${step.percent} % of ${homes.join(", ")} to ${region}`);
          for (const g of homes) {
            const partner = partners[g];
            if (i === 0) {
              // the region serving it now first (its own backup server until then: the same region), then the rest
              if (partner) await setWeight(ctx, balancer, g, partner, step.otherWeight);
              for (const [r, w] of Object.entries(weightsIn(servers, g)))
                if (r !== region && r !== partner && w !== 0) await setWeight(ctx, balancer, g, r, 0);
              await setWeight(ctx, balancer, g, region, step.regionWeight);
            } else {
              await setWeight(ctx, balancer, g, region, step.regionWeight);
              if (partner) await setWeight(ctx, balancer, g, partner, step.otherWeight);
            }
          }
          if (i === 0) await setState(ctx, config, balancer, region, "ready");
          const stepAt = Date.now();
          changedAt = stepAt;
          const now = await balancer.read(BALANCER_TIMEOUT_MS);
          const shares = servingByGeography(config, now);
          ctx.log(`at ${step.percent} %: ${homes.map((g) => `${g} → ${describeShares(shares[g] ?? {})}`).join("; ")}`);
          if (step.percent < 100)
            await hold(ctx, step.percent, holdSeconds, (ms) => pct(base + ms), {
              everyMs: WATCH_MS,
              check: () => watchErrors(ctx, homes, stepAt, step.percent, false),
            }).then(() => watchErrors(ctx, homes, stepAt, step.percent, true));
        }
      }
    } catch (err) {
      if (!(err instanceof Aborted) && !(err instanceof TooManyErrors)) {
        ctx.log(
          `restore stopped: ${(err as Error).message}. The state before it: ${region} ${before.state}${homes.map((g) => `, ${g} weights ${describeWeights(before.weights[g]!)}`).join("")}`,
          "stderr",
        );
        throw err;
      }
      const why = err instanceof Aborted ? "aborted by operator" : err.message;
      throw new Error(await goBack(ctx, config, balancer, region, before, why));
    }
    ctx.progress(100, `${homes.join(", ") || region} back on ${region}`);
    return { startedAt, changedAt, homes };
  },

  async verify({ region }, ctx, seen) {
    const homes = seen?.homes ?? homesOf(ctx.fleet.balancer, region);
    const changedAt = seen?.changedAt ?? Date.now();
    const checks: Check[] = [];
    try {
      const servers = await balancerOf(ctx).balancer.read(BALANCER_TIMEOUT_MS);
      checks.push(
        check(
          "ready",
          `${region} is ready in every backend (not drained, not in maintenance)`,
          stateShown(servers, region, "ready"),
          describeRegionServers(servers, region),
        ),
        ...homes.map((g) =>
          check(
            `weights:${g}`,
            `${g}'s weights are as laid out: ${region} ${HOME_WEIGHT}, every other region 0`,
            !layoutDiffers(servers, g, region),
            describeWeights(weightsIn(servers, g)),
          ),
        ),
      );
    } catch (err) {
      checks.push(check("ready", `${region} is ready in every backend`, false, (err as Error).message));
    }
    if (!homes.length)
      return [
        ...checks,
        check("homes", `${region} is the home of a geography`, true, "it is home to none: no users to give back"),
      ];
    const users = await usersSince(ctx, changedAt, (rs) =>
      homes.every((g) => answeredIn(rs, g, changedAt).length >= VERIFY_MIN_ANSWERED),
    );
    if (!users.requests) return [...checks, check("users", "The users' requests can be read", false, users.error)];
    for (const g of homes) {
      const answered = answeredIn(users.requests, g, changedAt);
      const elsewhere = answered.filter((r) => r.servedBy !== region).length;
      checks.push(
        check(
          `served:${g}`,
          `${g} is served by ${region} again`,
          answered.length >= VERIFY_MIN_ANSWERED && elsewhere === 0,
          `${answered.length} answered since ${seen ? "the last step" : "now"}: ${answered.length - elsewhere} by ${region}${elsewhere ? `, ${elsewhere} elsewhere` : ""}`,
        ),
      );
    }
    checks.push(
      noFailuresCheck(
        "few-failures",
        `Users of ${homes.join(", ")} saw under ${HEADROOM.maxErrorRate * 100} % failed requests since ${seen ? "the last step" : "now"}`,
        users.requests,
        homes,
        changedAt,
        HEADROOM.maxErrorRate,
      ),
    );
    return checks;
  },
};

/** At once: the home geographies' weights as laid out (the restored region's first, while it is still drained). */
async function homeWeights(ctx: RunContext, b: Balancer, servers: ServerStat[], homes: string[], region: string) {
  for (const g of homes) {
    const now = weightsIn(servers, g);
    if (now[region] !== HOME_WEIGHT) await setWeight(ctx, b, g, region, HOME_WEIGHT);
    for (const [r, w] of Object.entries(now)) if (r !== region && w !== 0) await setWeight(ctx, b, g, r, 0);
  }
}

/** Throws TooManyErrors when the step's users have seen the headroom's share of failed requests or more. */
async function watchErrors(ctx: RunContext, homes: string[], sinceMs: number, percent: number, final: boolean) {
  const url = ctx.fleet.balancer?.usersUrl;
  if (!url) return;
  let requests;
  try {
    requests = (await readUserRequests(url, sinceMs, BALANCER_TIMEOUT_MS)).filter((r) => homes.includes(r.geography));
  } catch (err) {
    ctx.log(`cannot read the users' requests (${(err as Error).message}); holding on`, "stderr");
    return;
  }
  const verdict = stepVerdict(requests, final);
  if (!verdict) return;
  if (final) ctx.log(`at ${percent} %: users of ${homes.join(", ")}: ${verdict.observed}`);
  if (!verdict.ok) throw new TooManyErrors(`at ${percent} %, users of ${homes.join(", ")} saw ${verdict.observed}`);
}

/** Puts back the weights and the state from before the restore (drain first, so new users leave at once). */
async function goBack(
  ctx: RunContext,
  config: BalancerConfig,
  b: Balancer,
  region: string,
  before: { state: string; weights: Record<string, Record<string, number>> },
  why: string,
): Promise<string> {
  ctx.log(`${why}: going back`, "stderr");
  const state = before.state === "drain" || before.state === "maint" ? before.state : null;
  try {
    if (state) await setState(ctx, config, b, region, state);
    for (const [g, weights] of Object.entries(before.weights))
      for (const [r, w] of Object.entries(weights)) await setWeight(ctx, b, g, r, w);
  } catch (err) {
    return `${why}; going back failed: ${(err as Error).message}`;
  }
  const back = `${state ? `${region} ${state === "drain" ? "drained" : "in maintenance"} again` : `${region} ready`}${Object.entries(
    before.weights,
  )
    .map(([g, w]) => `, ${g} weights ${describeWeights(w)}`)
    .join("")}`;
  return `${why}; back as before: ${back}`;
}
