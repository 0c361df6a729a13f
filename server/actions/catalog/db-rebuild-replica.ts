import "server-only";
import { existsSync, renameSync } from "node:fs";
import type { RegionConfig } from "@/lib/fleet-config";
import { conninfo, dataDirOf, pgTool } from "../executors/host";
import { queryOne, serverState, withServer } from "../executors/sql";
import { primaryOf, unknownRegion } from "../fleet-context";
import { check, type ActionModule, type RunContext } from "../module";
import {
  describeState,
  ensureSlots,
  hasPostgresHooks,
  host,
  slotOf,
  startAsReplica,
  stopServer,
  streamingFrom,
  where,
} from "./db-common";
import { until } from "../wait";
import { hostReachable } from "./host-reachable";

/**
 * Rejoins a server (typically the old primary) as a replica of the primary: stop it, rewind it onto the
 * primary's timeline with pg_rewind, or when that cannot work take a fresh pg_basebackup, then start it
 * following the primary through its own slot.
 */
export async function rebuild(
  ctx: RunContext,
  target: RegionConfig,
  source: RegionConfig,
  from = 0,
  to = 100,
): Promise<"pg_rewind" | "pg_basebackup"> {
  const at = (f: number) => from + (to - from) * f;
  ctx.progress(at(0.05), `stopping ${target.id} cleanly`);
  await stopServer(ctx, target);
  ctx.progress(at(0.15), `slot ${slotOf(target)} on ${source.id}`);
  await ensureSlots(ctx, source, [target]);
  // pg_rewind reads the source's timeline from its pg_control, which a fresh promotion updates only at a checkpoint.
  await queryOne(source, "checkpoint", [], 60_000);
  const dataDir = dataDirOf(target);
  const src = conninfo(source, slotOf(target));
  let method: "pg_rewind" | "pg_basebackup" = "pg_rewind";
  try {
    ctx.progress(at(0.25), `pg_rewind ${target.id} onto ${source.id}'s timeline`);
    await host(
      ctx,
      target,
      pgTool(
        target,
        "pg_rewind",
        [`--target-pgdata=${dataDir}`, `--source-server=${src}`, "--write-recovery-conf", "--progress"],
        600_000,
      ),
    );
  } catch (err) {
    method = "pg_basebackup";
    ctx.log(
      `pg_rewind could not rejoin ${target.id} (${(err as Error).message}); falling back to a fresh pg_basebackup`,
      "stderr",
    );
    const aside = `${dataDir}.before-rebuild-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    if (existsSync(dataDir)) {
      renameSync(dataDir, aside);
      ctx.log(`kept the old data directory as ${aside}`);
    }
    ctx.progress(at(0.35), `pg_basebackup of ${source.id} into ${target.id}`);
    await host(
      ctx,
      target,
      pgTool(
        target,
        "pg_basebackup",
        [
          "-d",
          src,
          "-D",
          dataDir,
          "--write-recovery-conf",
          "-S",
          slotOf(target),
          "-X",
          "stream",
          "-c",
          "fast",
          "--progress",
          "--verbose",
        ],
        600_000,
      ),
    );
  }
  ctx.progress(at(0.8), `starting ${target.id} as a replica of ${source.id}`);
  await startAsReplica(ctx, target);
  ctx.progress(at(0.9), `waiting for ${target.id} to stream`);
  await until(
    `${target.id} to stream from ${source.id}`,
    async () => (await streamingFrom(source)).has(slotOf(target)),
    30_000,
    ctx.signal,
    100,
  );
  ctx.log(`${target.id} streams from ${where(source)} (rebuilt with ${method})`);
  return method;
}

export async function rebuildChecks(ctx: RunContext, target: RegionConfig, source: RegionConfig) {
  const [t, s] = await Promise.all([serverState(target), serverState(source)]);
  const streaming = await streamingFrom(source).then(
    (set) => set.has(slotOf(target)),
    () => false,
  );
  return [
    check("in-recovery", `${target.id} is a replica`, t.up && t.inRecovery, describeState(t)),
    check(
      "streams",
      `${target.id} streams from ${source.id} through slot ${slotOf(target)}`,
      streaming,
      streaming ? "pg_stat_replication: streaming" : "not in pg_stat_replication as streaming",
    ),
    check(
      "timeline",
      `${target.id} is on ${source.id}'s timeline`,
      t.up && s.up && t.timeline === s.timeline,
      `${target.id} ${t.up ? t.timeline : "?"}, ${source.id} ${s.up ? s.timeline : "?"}`,
    ),
  ];
}

export const rebuildReplica: ActionModule<"db.rebuild-replica"> = {
  id: "db.rebuild-replica",

  validate({ region, source }, ctx) {
    const problem = unknownRegion(ctx, region, source);
    if (problem) return problem;
    if (region === source) return "a server cannot follow itself";
    if (primaryOf(ctx).id === region) return `${region} is the recorded primary; promote another region first`;
    if (primaryOf(ctx).id !== source) return `${source} is not the primary (${primaryOf(ctx).id} is)`;
    return hasPostgresHooks(ctx, region)
      ? null
      : `${region} has no hooks.postgres in the fleet file, so Switchyard cannot reach its data directory`;
  },

  async preflight({ region, source }, ctx) {
    const [t, s, hosts] = await Promise.all([
      serverState(ctx.region(region)),
      serverState(ctx.region(source)),
      hostReachable([ctx.region(region)]),
    ]);
    const hints = t.up
      ? await withServer(
          ctx.region(region),
          async (c) => (await c.query<{ v: string }>("select current_setting('wal_log_hints') as v")).rows[0]?.v,
        ).catch(() => null)
      : null;
    return [
      check(
        "source-primary",
        `${source} is the primary and accepts writes`,
        s.up && !s.inRecovery && !s.readOnly,
        describeState(s),
      ),
      check("target-state", `${region} (now)`, true, `${describeState(t)}${hints ? `; wal_log_hints ${hints}` : ""}`),
      ...hosts,
    ];
  },

  plan({ region, source }, ctx) {
    const t = ctx.region(region);
    const s = ctx.region(source);
    return [
      `pg_ctl -D ${dataDirOf(t)} -m fast stop (if running)`,
      `on ${source}: create physical slot ${slotOf(t)} (if missing)`,
      `pg_rewind --target-pgdata=${dataDirOf(t)} --source-server='${conninfo(s, slotOf(t))}' --write-recovery-conf --progress`,
      `if pg_rewind cannot: keep the data directory aside, pg_basebackup -d '${conninfo(s, slotOf(t))}' -D ${dataDirOf(t)} -R -S ${slotOf(t)} -X stream -c fast -P`,
      `pg_ctl start on port ${t.postgres.port} with primary_slot_name=${slotOf(t)}; wait until it streams from ${source}`,
    ];
  },

  async execute({ region, source }, ctx) {
    await rebuild(ctx, ctx.region(region), ctx.region(source));
  },

  verify: ({ region, source }, ctx) => rebuildChecks(ctx, ctx.region(region), ctx.region(source)),
};
