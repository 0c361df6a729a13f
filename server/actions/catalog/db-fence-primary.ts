import "server-only";
import type { RegionConfig } from "@/lib/fleet-config";
import { primaryDownVerdict, type RegionReachability } from "@/lib/reachability";
import { getDb } from "@/server/db";
import { describeSightings, observeDatabase } from "@/server/fleet/observe";
import { fleetHooks, hook, HostCommandError, runHost } from "../executors/host";
import { probeSsh } from "../executors/ssh";
import { primaryOf, unknownRegion } from "../fleet-context";
import { check, type ActionModule, type RunContext } from "../module";
import { until } from "../wait";
import { hasPostgresHooks, host, pgCtl, where } from "./db-common";

type Way = "host" | "hook";

/** How this region can be fenced now: through its host when that answers, else the fleet file's fence hook. */
async function wayToFence(r: RegionConfig): Promise<{ way: Way | null; observed: string }> {
  const hostObserved = !r.hooks.postgres
    ? "no hooks.postgres in the fleet file"
    : r.transport.kind === "local"
      ? "pg_ctl runs on the console's own machine"
      : await probeSsh(r.transport, { shared: true }).then((p) => (p.ok ? null : p.observed));
  if (r.hooks.postgres && (r.transport.kind === "local" || hostObserved === null))
    return { way: "host", observed: `pg_ctl stop -m immediate on ${r.id}'s host` };
  if (r.hooks.fence)
    return { way: "hook", observed: `its host does not answer (${hostObserved}): the fleet file's fence hook` };
  return {
    way: null,
    observed: `its host does not answer (${hostObserved}) and the fleet file has no fence hook for ${r.id}`,
  };
}

const cutOff = (seen: RegionReachability) => seen.sightings.length > 0 && seen.sightings.every((s) => !s.reachable);

/** pg_ctl stop -m immediate, where "no server running" is a fence already in place. */
async function stopImmediately(ctx: RunContext, r: RegionConfig): Promise<void> {
  try {
    await host(ctx, r, pgCtl(r, "-m", "immediate", "-w", "-t", "30", "stop"));
  } catch (err) {
    if (err instanceof HostCommandError && /does not exist|not running/i.test(err.output))
      ctx.log(`${r.id}: no server was running`);
    else throw err;
  }
}

/** Fences one server: through its host when that answers, else its fence hook; says which in the run's log. */
export async function fenceServer(ctx: RunContext, r: RegionConfig): Promise<Way> {
  const { way, observed } = await wayToFence(r);
  ctx.log(`${r.id}: ${observed}`);
  if (way === "host") {
    ctx.progress(40, `stopping ${r.id}'s server (immediate)`);
    await stopImmediately(ctx, r);
  } else if (way === "hook") {
    ctx.progress(40, `running ${r.id}'s fence hook`);
    // The hook reaches the region's cloud, not its host: it runs here, never over the region's transport.
    await runHost(hook(r.hooks.fence, "fence"), {
      transport: { kind: "local" },
      hooks: fleetHooks(ctx.fleet.regions),
      signal: ctx.signal,
      onLine: (line, stream) => ctx.log(`${r.id} fence: ${line}`, stream),
    });
  } else {
    throw new Error(`cannot fence ${r.id}: ${observed}`);
  }
  return way;
}

/** Whether a fence of this server succeeded since the primary was last recorded (then it needs none again). */
export async function fencedSinceLastChange(regionId: string): Promise<boolean> {
  const db = await getDb();
  const r = await db.query(
    `select 1 from action_runs
      where action_id = 'db.fence-primary' and params->>'region' = $1 and status = 'succeeded'
        and finished_at > coalesce((select changed_at from fleet_topology where id = 1), '-infinity')
      limit 1`,
    [regionId],
  );
  return r.rows.length > 0;
}

/**
 * STONITH from outside (Switchyard has no agent on the database host): stop the server through its host, or,
 * when the host cannot be reached, cut it off with the fleet file's fence hook. Verified by no vantage that
 * answers reaching it, so a promotion can follow without two primaries.
 */
export const fencePrimary: ActionModule<"db.fence-primary", Way> = {
  id: "db.fence-primary",

  validate({ region }, ctx) {
    const problem = unknownRegion(ctx, region);
    if (problem) return problem;
    const r = ctx.region(region);
    return hasPostgresHooks(ctx, region) || r.hooks.fence
      ? null
      : `${region} has neither hooks.postgres nor a fence hook in the fleet file: Switchyard cannot fence it`;
  },

  async preflight({ region }, ctx) {
    const r = ctx.region(region);
    const [way, seen] = await Promise.all([wayToFence(r), observeDatabase(ctx.fleet, region)]);
    const consoleSaw = seen.sightings.find((s) => s.vantage === "console");
    const servingHere = primaryOf(ctx).id === region && !!consoleSaw?.acceptsWrites;
    return [
      check(
        "fence-way",
        `${region} can be fenced (its host over SSH, or the fleet file's fence hook)`,
        way.way !== null,
        way.observed,
      ),
      check(
        "not-the-working-primary",
        `${region} is not the recorded primary serving the console's writes (fencing that one stops every write: switch over instead)`,
        !servingHere,
        `${primaryDownVerdict(seen).reason}. ${describeSightings(seen)}`,
      ),
    ];
  },

  propose(checks) {
    return checks.some((c) => c.id === "not-the-working-primary" && !c.ok)
      ? {
          actionId: "db.switchover",
          why: "The console reaches the primary and it takes writes: a planned switchover moves it without losing any.",
        }
      : null;
  },

  plan({ region }, ctx) {
    const r = ctx.region(region);
    return [
      `if ${region}'s host answers over SSH: pg_ctl -D <data> stop -m immediate on ${where(r)}`,
      `otherwise: ${r.hooks.fence ? r.hooks.fence.argv.slice(-2).join(" ") : "(no fence hook)"} on the console's machine (the fleet file's fence hook)`,
      `verify: neither the console nor any region API that answers reaches ${region}'s database`,
    ];
  },

  async execute({ region }, ctx) {
    ctx.progress(10, `finding a way to fence ${region}`);
    return fenceServer(ctx, ctx.region(region));
  },

  async verify({ region }, ctx, way) {
    // The region APIs look every 250 ms: give their reports a few seconds to see the cut.
    const seen = await until(
      `no vantage to reach ${region}`,
      async () => {
        const s = await observeDatabase(ctx.fleet, region);
        return cutOff(s) ? s : null;
      },
      10_000,
      ctx.signal,
      250,
    ).catch(() => observeDatabase(ctx.fleet, region));
    return [
      check(
        "unreachable-everywhere",
        `no vantage that answers reaches ${region}'s database (fenced through its ${way === "host" ? "host" : "fence hook"})`,
        cutOff(seen),
        describeSightings(seen),
      ),
    ];
  },
};
