import "server-only";
import { performance } from "node:perf_hooks";
import type { RegionConfig } from "@/lib/fleet-config";
import { lsnDistance, lsnToBytes } from "@/lib/lsn";
import { formatBytes } from "@/lib/units";
import { queryOne, serverState } from "../executors/sql";
import { primaryOf, unknownRegion } from "../fleet-context";
import { check, type ActionModule, type RunContext } from "../module";
import {
  adoptReplicas,
  describeState,
  hasPostgresHooks,
  host,
  pgCtl,
  promote,
  slotOf,
  streamingFrom,
  where,
} from "./db-common";
import { until } from "../wait";
import { apisWriteTo, repoint } from "./db-repoint-app";
import { rebuild, rebuildChecks } from "./db-rebuild-replica";
import { hooksProblem } from "./region-api";
import { hostReachable } from "./host-reachable";

/**
 * The planned, lossless failover of the monthly test (and the failback after a failover): checkpoint and stop
 * the primary cleanly, wait until the candidate has received its final WAL, promote it, repoint every region
 * API, and rejoin the old primary as its replica.
 */
export const switchover: ActionModule<"db.switchover"> = {
  id: "db.switchover",

  validate({ candidate }, ctx) {
    const problem = unknownRegion(ctx, candidate);
    if (problem) return problem;
    const primary = primaryOf(ctx);
    if (primary.id === candidate) return `${candidate} is the primary already; pick a replica`;
    if (!hasPostgresHooks(ctx, primary.id))
      return `${primary.id} has no hooks.postgres in the fleet file, so it cannot be stopped and rejoined`;
    return hooksProblem(
      ctx,
      ctx.fleet.regions.map((r) => r.id),
    );
  },

  async preflight({ candidate }, ctx) {
    const primary = primaryOf(ctx);
    const [p, c, hosts] = await Promise.all([
      serverState(primary),
      serverState(ctx.region(candidate)),
      hostReachable([primary]),
    ]);
    const behind = p.up && c.up ? lsnDistance(p.lsn, c.replayLsn) : null;
    const streaming = p.up
      ? await streamingFrom(primary).then(
          (s) => s.has(slotOf(ctx.region(candidate))),
          () => false,
        )
      : false;
    return [
      check(
        "primary-writes",
        `the primary ${primary.id} is up and accepts writes`,
        p.up && !p.inRecovery && !p.readOnly,
        describeState(p),
      ),
      check(
        "candidate-streams",
        `${candidate} streams from ${primary.id}`,
        c.up && c.inRecovery && streaming,
        `${describeState(c)}${streaming ? "" : "; not streaming"}`,
      ),
      check(
        "replay-running",
        `WAL replay on ${candidate} is not paused`,
        c.up && !c.replayPaused,
        c.up ? (c.replayPaused ? "pg_is_wal_replay_paused() = true" : "replaying") : describeState(c),
      ),
      check(
        "caught-up",
        `${candidate} is less than 16 MB behind`,
        behind !== null && behind < 16 * 1024 * 1024,
        behind === null ? "unknown" : `${formatBytes(behind)} behind`,
      ),
      ...hosts,
    ];
  },

  plan({ candidate }, ctx) {
    const primary = primaryOf(ctx);
    const c = ctx.region(candidate);
    return [
      `CHECKPOINT on ${where(primary)}; note pg_current_wal_lsn()`,
      `pg_ctl -m fast stop on ${primary.id} (its walsenders send the final WAL before it exits)`,
      `wait until ${candidate} has received and replayed past that position`,
      `SELECT pg_promote(false) on ${where(c)}; wait until it leaves recovery, then a test write`,
      `other replicas follow ${candidate}; record ${candidate} as the primary`,
      `every region API: DB_HOST=${c.postgres.host} DB_PORT=${c.postgres.port}, restart`,
      `rejoin ${primary.id} as a replica of ${candidate} (pg_rewind, else pg_basebackup)`,
    ];
  },

  async execute({ candidate }, ctx) {
    const primary = primaryOf(ctx);
    const c = ctx.region(candidate);
    ctx.progress(5, `checkpoint on ${primary.id}`);
    await queryOne(primary, "checkpoint", [], 60_000);
    const before = (await queryOne<{ lsn: string }>(primary, "select pg_current_wal_lsn()::text as lsn")).lsn;
    ctx.log(`${primary.id} at ${before} before the stop`);
    ctx.progress(15, `stopping ${primary.id} cleanly`);
    const writesStopped = performance.now();
    await host(ctx, primary, pgCtl(primary, "-m", "fast", "-w", "-t", "60", "stop"));
    ctx.progress(30, `waiting for ${candidate} to receive the final WAL`);
    // The shutdown checkpoint lies past `before`: received and replayed beyond it, the candidate has everything.
    const final = await until(
      `${candidate} to receive ${primary.id}'s final WAL`,
      async () => {
        const s = await serverState(c);
        if (!s.up || !s.inRecovery || s.receiver === "streaming") return null;
        const received = lsnToBytes(s.lsn);
        const replayed = lsnToBytes(s.replayLsn);
        const mark = lsnToBytes(before)!;
        return received !== null && replayed !== null && received > mark && replayed >= received ? s : null;
      },
      30_000,
      ctx.signal,
      50,
    );
    ctx.log(`${candidate} received and replayed up to ${final.up ? final.replayLsn : "?"}`);
    ctx.progress(45, `promoting ${candidate}`);
    await promote(ctx, c);
    await adoptReplicas(ctx, c);
    ctx.progress(55, "repointing every region API");
    await repoint(ctx, c, ctx.fleet.regions, 55, 75);
    await writeGap(ctx, c, writesStopped);
    await rebuild(ctx, primary, c, 75, 99);
  },

  async verify({ candidate }, ctx) {
    const c = ctx.region(candidate);
    const s = await serverState(c);
    const checks = [
      check(
        "new-primary",
        `${candidate} is the primary`,
        s.up && !s.inRecovery && primaryOf(ctx).id === candidate,
        describeState(s),
      ),
    ];
    checks.push(...(await apisWriteTo(ctx, c, ctx.fleet.regions)));
    for (const r of ctx.fleet.regions.filter((x) => x.id !== candidate))
      checks.push(...(await rebuildChecks(ctx, r, c)));
    return checks;
  },
};

/**
 * The switchover's write gap, kept as the run's figure `writeGapMs`: from the old primary's stop (its sessions end
 * there) until every region API writes to the new primary. Measured as Switchyard sees it, so on any fleet.
 */
async function writeGap(ctx: RunContext, primary: RegionConfig, writesStopped: number): Promise<void> {
  const writing = await apisWriteTo(ctx, primary, ctx.fleet.regions);
  const gapMs = Math.round(performance.now() - writesStopped);
  if (writing.every((c) => c.ok)) {
    ctx.figure("writeGapMs", gapMs);
    ctx.log(
      `write gap: ${(gapMs / 1000).toFixed(2)} s from the stop of the old primary until every region API wrote to ${primary.id}`,
    );
  } else
    ctx.log(
      `write gap not measured: ${writing
        .filter((c) => !c.ok)
        .map((c) => `${c.label}: ${c.observed}`)
        .join("; ")}`,
      "stderr",
    );
}
