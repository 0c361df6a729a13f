import "server-only";
import type pg from "pg";
import { slotName, type RegionConfig } from "@/lib/fleet-config";
import { getDb } from "@/server/db";
import { publish } from "@/server/events/bus";
import { recordPrimary } from "@/server/fleet/topology";
import {
  conninfo,
  dataDirOf,
  fleetHooks,
  pgTool,
  runHost,
  safePort,
  safeSlot,
  serverLogOf,
  type Spec,
} from "../executors/host";
import { queryOne, readServerState, serverState, withServer, type ServerState } from "../executors/sql";
import type { FleetContext, RunContext } from "../module";
import { sleep } from "../wait";

/** The building blocks of the database actions, shared by promotion, switchover and rebuild. */

/** The physical slot a server streams through (lib/fleet-config), checked before it goes into a command. */
export const slotOf = (r: RegionConfig) => safeSlot(slotName(r));

export const where = (r: RegionConfig) => `${r.id} (${r.postgres.host}:${r.postgres.port})`;

export function describeState(s: ServerState): string {
  if (!s.up) return `unreachable: ${s.error}`;
  if (!s.inRecovery) return `primary${s.readOnly ? " (read-only)" : ""}, timeline ${s.timeline}, at ${s.lsn}`;
  return `replica, timeline ${s.timeline}, received ${s.lsn ?? "nothing"}, replayed ${s.replayLsn ?? "nothing"}${s.replayPaused ? ", replay PAUSED" : ""}, receiver ${s.receiver ?? "none"}`;
}

export async function statesOf(regions: RegionConfig[]): Promise<Map<string, ServerState>> {
  const states = await Promise.all(regions.map(async (r) => [r.id, await serverState(r)] as const));
  return new Map(states);
}

/**
 * A real write on the server: what "accepts writes" means. Committed as every client's is, so a primary whose
 * commits wait for a synchronous standby fails it while none streams, and the error says so. `local` commits
 * without that wait: a just-promoted server takes writes before its replicas are pointed at it.
 */
export async function testWrite(
  region: RegionConfig,
  runId: number | null,
  commit: "synchronous" | "local" = "synchronous",
): Promise<WriteCheck> {
  try {
    return await withServer(region, (c) => writeCheck(c, runId), 5_000, commit === "local" ? LOCAL_COMMIT : {});
  } catch (err) {
    const wait = commit === "synchronous" ? await standbyWait(region) : null;
    throw wait ? new Error(`${(err as Error).message}: ${wait}`) : err;
  }
}

type WriteCheck = { id: string; at: string };
const LOCAL_COMMIT = { synchronous_commit: "local" };

async function writeCheck(c: pg.Client, runId: number | null): Promise<WriteCheck> {
  await c.query("create schema if not exists switchyard_probe");
  await c.query(
    "create table if not exists switchyard_probe.write_check (id bigserial primary key, at timestamptz not null default clock_timestamp(), run_id integer)",
  );
  const r = await c.query<{ id: string; at: Date }>(
    "insert into switchyard_probe.write_check (run_id) values ($1) returning id::text, at",
    [runId],
  );
  return { id: r.rows[0]!.id, at: r.rows[0]!.at.toISOString() };
}

/** Why a primary's commits wait, when they wait for a synchronous standby that does not stream; else null. */
async function standbyWait(region: RegionConfig): Promise<string | null> {
  const r = await queryOne<{ names: string; standbys: number }>(
    region,
    "select current_setting('synchronous_standby_names') as names, (select count(*)::int from pg_stat_replication where sync_state in ('sync', 'quorum')) as standbys",
    [],
    1_500,
  ).catch(() => null);
  if (!r || !r.names.trim() || r.standbys > 0) return null;
  return `its commits wait for a synchronous standby (synchronous_standby_names = '${r.names}') and none streams from it: start or rebuild a replica (db.rebuild-replica)`;
}

/**
 * Promotes a replica, makes the first write on it and reads its state after. pg_promote(true) looks every 100 ms
 * whether recovery has ended; asked not to wait, and watched every 10 ms on the same session, the promotion is
 * seen as it ends, and that session writes at once (committed locally: with synchronous standby names the write
 * need not wait for a replica to follow the new primary, which db.failover arranges ahead and the others after).
 */
export async function promote(
  ctx: RunContext,
  candidate: RegionConfig,
  /** a session opened ahead with PROMOTE_SESSION's settings (openServer), else one of its own */
  session?: pg.Client,
): Promise<{ write: WriteCheck; after: ServerState }> {
  const started = performance.now();
  const since = () => Math.round(performance.now() - started);
  const work = async (c: pg.Client) => {
    await c.query("select pg_promote(false)");
    const deadline = Date.now() + 60_000;
    while ((await c.query<{ r: boolean }>("select pg_is_in_recovery() as r")).rows[0]!.r) {
      if (Date.now() > deadline) throw new Error(`${where(candidate)} was still in recovery 60 s after pg_promote`);
      await sleep(10, ctx.signal);
    }
    ctx.log(`pg_promote on ${where(candidate)}: out of recovery after ${since()} ms`);
    const write = await writeCheck(c, ctx.runId);
    ctx.log(`${candidate.id} accepts writes (write_check #${write.id}) ${since()} ms after the promote call`);
    return { write, after: await readServerState(c) };
  };
  return session ? work(session) : withServer(candidate, work, ...PROMOTE_SESSION);
}

/** The promotion's session: its timeout, and commits that need no standby (its replicas are not pointed yet). */
export const PROMOTE_SESSION = [5_000, LOCAL_COMMIT] as const;

/** The slots a server must hold for the replicas that stream from it (a replica holds them too, for cascading). */
export async function ensureSlots(ctx: RunContext, upstream: RegionConfig, replicas: RegionConfig[]): Promise<void> {
  if (!replicas.length) return;
  await withServer(upstream, async (c) => {
    for (const r of replicas) {
      const slot = slotOf(r);
      const made = await c.query(
        "select pg_create_physical_replication_slot($1, true) where not exists (select 1 from pg_replication_slots where slot_name = $1)",
        [slot],
      );
      ctx.log(made.rowCount ? `created slot ${slot} on ${upstream.id}` : `slot ${slot} already on ${upstream.id}`);
    }
  });
}

/** Points a running replica at a new upstream: primary_conninfo and primary_slot_name reload without a restart. */
export async function followPrimary(ctx: RunContext, replica: RegionConfig, primary: RegionConfig): Promise<void> {
  await withServer(replica, async (c) => {
    await c.query(`alter system set primary_conninfo = ${c.escapeLiteral(conninfo(primary, slotOf(replica)))}`);
    await c.query(`alter system set primary_slot_name = ${c.escapeLiteral(slotOf(replica))}`);
    await c.query("select pg_reload_conf()");
  });
  ctx.log(`${replica.id} now follows ${where(primary)} through slot ${slotOf(replica)}`);
}

/** The replicas streaming from `primary` now, by slot (application) name. */
export async function streamingFrom(primary: RegionConfig): Promise<Set<string>> {
  const rows = await withServer(
    primary,
    async (c) =>
      (
        await c.query<{ application_name: string }>(
          "select application_name from pg_stat_replication where state = 'streaming'",
        )
      ).rows,
  );
  return new Set(rows.map((r) => r.application_name));
}

/** After a promotion: the other live replicas follow the new primary, and it is recorded as the primary. */
export async function adoptReplicas(ctx: RunContext, primary: RegionConfig): Promise<void> {
  await followUpstream(ctx, primary);
  await recordAsPrimary(ctx, primary);
}

/**
 * The other live replicas stream from `upstream` through their slots on it. Done before a promotion they cascade
 * from it while it is a replica, and follow it onto its new timeline the moment it is promoted.
 */
export async function followUpstream(ctx: RunContext, upstream: RegionConfig): Promise<void> {
  const others = ctx.fleet.regions.filter((r) => r.id !== upstream.id);
  const states = await statesOf(others);
  const followers = others.filter((r) => {
    const s = states.get(r.id);
    return s?.up && s.inRecovery;
  });
  await ensureSlots(ctx, upstream, followers);
  for (const r of followers) await followPrimary(ctx, r, upstream);
  for (const r of others.filter((x) => !followers.includes(x)))
    ctx.log(`${r.id} is ${describeState(states.get(r.id)!)}: rebuild it as a replica (db.rebuild-replica)`);
}

/** Records `primary` as the primary: every console re-reads it at once, and the collecting one probes by the new roles. */
export async function recordAsPrimary(ctx: RunContext, primary: RegionConfig): Promise<void> {
  const db = await getDb();
  await db.transaction((tx) => recordPrimary(tx, primary.id, ctx.runId));
  publish("topology");
  ctx.log(`recorded ${primary.id} as the primary`);
}

/** Runs one host command for a region, its output streamed into the run's log. */
export function host(ctx: RunContext, region: RegionConfig, spec: Spec): Promise<string> {
  return runHost(spec, {
    transport: region.transport,
    hooks: fleetHooks(ctx.fleet.regions),
    signal: ctx.signal,
    onLine: (line, stream) => ctx.log(`${region.id}: ${line}`, stream),
  });
}

export const pgCtl = (region: RegionConfig, ...args: string[]) =>
  pgTool(region, "pg_ctl", ["-D", dataDirOf(region), ...args], 90_000);

/** Stops a server cleanly (a fast shutdown writes a final checkpoint that its streaming replicas receive). */
export async function stopServer(ctx: RunContext, region: RegionConfig): Promise<void> {
  const s = await serverState(region);
  if (!s.up) {
    ctx.log(`${region.id} is not running (${s.error})`);
    return;
  }
  await host(ctx, region, pgCtl(region, "-m", "fast", "-w", "-t", "60", "stop"));
}

/** Starts a server on its own port and slot, whatever configuration files it inherited from its source. */
export async function startAsReplica(ctx: RunContext, region: RegionConfig): Promise<void> {
  const opts = `-p ${safePort(region.postgres.port)} -c primary_slot_name=${slotOf(region)}`;
  await host(ctx, region, pgCtl(region, "-w", "-t", "60", "-l", serverLogOf(region), "-o", opts, "start"));
  await withServer(region, async (c) => {
    await c.query(`alter system set port = ${Number(safePort(region.postgres.port))}`);
    await c.query(`alter system set primary_slot_name = ${c.escapeLiteral(slotOf(region))}`);
    await c.query("select pg_reload_conf()");
  });
}

export const hasPostgresHooks = (ctx: FleetContext, id: string) =>
  !!ctx.fleet.regions.find((r) => r.id === id)?.hooks.postgres;
