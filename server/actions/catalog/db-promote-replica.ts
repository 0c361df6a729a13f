import "server-only";
import { lsnDistance } from "@/lib/lsn";
import type { RegionConfig } from "@/lib/fleet-config";
import { primaryDownVerdict, refused } from "@/lib/reachability";
import { formatBytes } from "@/lib/units";
import { env } from "@/server/env";
import { describeSightings, observeDatabase } from "@/server/fleet/observe";
import { lastKnownPrimaryPosition } from "@/server/fleet/sample-store";
import { serverState } from "../executors/sql";
import { primaryOf, unknownRegion } from "../fleet-context";
import { check, type ActionModule, type RunContext } from "../module";
import { fencedSinceLastChange, fenceServer } from "./db-fence-primary";
import { adoptReplicas, describeState, promote, slotOf, statesOf, streamingFrom, testWrite, where } from "./db-common";
import { until } from "../wait";

/** Failover: promote the chosen replica when the primary is gone. A living primary calls for a switchover instead. */
export const promoteReplica: ActionModule<"db.promote-replica"> = {
  id: "db.promote-replica",

  validate({ region }, ctx) {
    const problem = unknownRegion(ctx, region);
    if (problem) return problem;
    return primaryOf(ctx).id === region ? `${region} is the primary already; pick a replica` : null;
  },

  async preflight({ region }, ctx) {
    const primary = primaryOf(ctx);
    const replicas = ctx.fleet.regions.filter((r) => r.id !== primary.id);
    const [states, seen, last] = await Promise.all([
      statesOf(replicas),
      observeDatabase(ctx.fleet, primary.id),
      lastKnownPrimaryPosition(),
    ]);
    const cand = states.get(region)!;
    const lastLine = last
      ? `${primary.id} last seen at ${last.lsn} on timeline ${last.timeline} (${last.at})`
      : "no primary position known yet";

    const onTimeline = cand.up && cand.inRecovery && (last === null || cand.timeline === last.timeline);
    const received = [...states].filter(([, s]) => s.up && s.inRecovery) as [
      string,
      Extract<typeof cand, { up: true }>,
    ][];
    const ahead = received.filter(([id, s]) => id !== region && cand.up && (lsnDistance(s.lsn, cand.lsn) ?? 0) > 0);
    const loss = cand.up && last ? (lsnDistance(last.lsn, cand.lsn) ?? Infinity) : null;
    // Unreachable from here is not stopped: a majority of the vantages that answer must fail to reach it (a
    // fence makes them all), and none may see it take writes. Otherwise it may still serve writes we cannot see.
    const down = primaryDownVerdict(seen);

    return [
      check(
        "replica-on-timeline",
        `${region} is a replica on the primary's timeline`,
        onTimeline,
        cand.up ? `${describeState(cand)}; ${lastLine}` : describeState(cand),
      ),
      check(
        "most-advanced",
        `${region} is the most advanced replica (received LSN)`,
        cand.up && cand.inRecovery && ahead.length === 0,
        received.map(([id, s]) => `${id} received ${s.lsn ?? "nothing"}`).join(", ") || "no replica answers",
      ),
      check(
        "data-loss",
        `estimated data loss at most ${formatBytes(env.PROMOTE_MAX_LOSS_BYTES)}`,
        loss !== null && loss <= env.PROMOTE_MAX_LOSS_BYTES,
        loss === null
          ? `unknown: ${lastLine}`
          : `${formatBytes(loss)} (${lastLine}; ${region} received ${cand.up ? cand.lsn : "?"})`,
      ),
      check(
        "replay-running",
        `WAL replay on ${region} is not paused`,
        cand.up && !cand.replayPaused,
        cand.up ? (cand.replayPaused ? "pg_is_wal_replay_paused() = true" : "replaying") : describeState(cand),
      ),
      {
        ...check(
          "primary-fenced",
          `the old primary ${primary.id} is down or fenced: most vantages cannot reach it and none sees it take writes`,
          down.down,
          `${down.reason}. ${describeSightings(seen)}`,
        ),
        // overriding this one may split the brain: the lead types the region's id
        ...(down.down ? {} : { confirm: primary.id }),
      },
    ];
  },

  propose(checks) {
    const alive = checks.find((c) => c.id === "primary-fenced" && !c.ok);
    if (!alive) return null;
    // The console itself sees it take writes: a planned switchover loses nothing. Seen only by others: fence it first.
    if (/console: reaches it, it accepts writes/.test(alive.observed))
      return {
        actionId: "db.switchover",
        why: `The primary is alive (${alive.observed}): a planned switchover loses nothing.`,
      };
    return {
      actionId: "db.fence-primary",
      why: `The old primary may still take writes where the console cannot see (${alive.observed}): fence it, then promote.`,
    };
  },

  plan({ region }, ctx) {
    const candidate = ctx.region(region);
    const old = primaryOf(ctx);
    const others = ctx.fleet.regions.filter((r) => r.id !== region && r.role === "replica");
    return [
      `unless ${old.id}'s server refuses connections (stopped) or was fenced since: fence it first (db.fence-primary's way: its host, else its fence hook)`,
      `SELECT pg_promote(false) on ${where(candidate)}`,
      `wait until pg_is_in_recovery() = false on ${region} and a test write to switchyard_probe.write_check succeeds`,
      ...others.map(
        (r) =>
          `on ${region}: create physical slot ${slotOf(r)}; on ${r.id}: ALTER SYSTEM SET primary_conninfo/primary_slot_name to follow ${region}, pg_reload_conf()`,
      ),
      `record ${region} as the primary (every page, probe and rule follows)`,
    ];
  },

  async execute({ region }, ctx) {
    const candidate = ctx.region(region);
    await fenceUnlessStopped(ctx, primaryOf(ctx));
    ctx.progress(10, `promoting ${region}`);
    await promote(ctx, candidate);
    ctx.progress(70, "pointing the other replicas at the new primary");
    await adoptReplicas(ctx, candidate);
  },

  async verify({ region }, ctx) {
    const candidate = ctx.region(region);
    const s = await serverState(candidate);
    const followers = ctx.fleet.regions.filter((r) => r.id !== region);
    const live = (await statesOf(followers)).entries();
    const expected = [...live].filter(([, st]) => st.up && st.inRecovery).map(([id]) => ctx.region(id));
    const streaming = expected.length
      ? await until(
          "the other replicas to stream from the new primary",
          async () => {
            const now = await streamingFrom(candidate);
            return expected.every((r) => now.has(slotOf(r))) ? now : null;
          },
          20_000,
          ctx.signal,
          200,
        ).catch(() => null)
      : new Set<string>();
    // after the replicas follow: a primary whose commits wait for a synchronous standby takes writes only then
    const write = await testWrite(candidate, ctx.runId).then(
      (w) => `write_check #${w.id} at ${w.at}`,
      (e: Error) => `failed: ${e.message}`,
    );
    return [
      check("not-in-recovery", `pg_is_in_recovery() = false on ${region}`, s.up && !s.inRecovery, describeState(s)),
      check("test-write", `a test write on ${region} succeeds`, write.startsWith("write_check"), write),
      check(
        "primary-recorded",
        `${region} is the recorded primary`,
        primaryOf(ctx).id === region,
        `primary: ${primaryOf(ctx).id}`,
      ),
      check(
        "replicas-follow",
        `the other live replicas stream from ${region}`,
        streaming !== null,
        expected.length
          ? `${expected.map((r) => `${r.id} ${streaming?.has(slotOf(r)) ? "streaming" : "not streaming"}`).join(", ")}`
          : "no other live replica",
      ),
    ];
  },
};

/** What the old primary was found to be, or made, before a promotion. */
export type OldPrimary =
  | { is: "fenced-before" | "stopped" | "fenced"; observed: string }
  /** it answers: fine when it takes no writes (in recovery, read-only) */
  | { is: "answers"; acceptsWrites: boolean; observed: string }
  /** it does not answer and could not be fenced: the pre-flight's majority stands */
  | { is: "unfenced"; observed: string };

/**
 * DESIGN.md's rule: a primary most vantages cannot reach may still take writes on its side of a partition, so
 * it is fenced before a replica is promoted. One that refuses connections is stopped (its host answered), and
 * one fenced since the primary was last recorded needs no second fence. Without a way to fence it (no answer
 * from its host and no fence hook), the pre-flight's majority stands and the log says so.
 */
export async function fenceUnlessStopped(ctx: RunContext, old: RegionConfig): Promise<OldPrimary> {
  if (await fencedSinceLastChange(old.id)) {
    ctx.log(`${old.id}: fenced since the primary was last recorded`);
    return { is: "fenced-before", observed: "fenced since the primary was last recorded" };
  }
  const state = await serverState(old, 1_000);
  if (state.up) {
    const acceptsWrites = !state.inRecovery && !state.readOnly;
    ctx.log(`${old.id}: answers, ${acceptsWrites ? "ACCEPTS WRITES" : "takes no writes"}; no fence needed`);
    return { is: "answers", acceptsWrites, observed: describeState(state) };
  }
  if (refused(state)) {
    ctx.log(`${old.id}: refuses connections: stopped; no fence needed`);
    return { is: "stopped", observed: `refuses connections (${state.error})` };
  }
  ctx.progress(
    5,
    `fencing ${old.id} first: it does not answer, and may still take writes where the console cannot see`,
  );
  try {
    const way = await fenceServer(ctx, old);
    return { is: "fenced", observed: `fenced through its ${way === "host" ? "host" : "fence hook"}` };
  } catch (err) {
    ctx.log(`${old.id} could not be fenced (${(err as Error).message}); going on, as the pre-flight allowed`, "stderr");
    return { is: "unfenced", observed: `could not be fenced: ${(err as Error).message}` };
  }
}
