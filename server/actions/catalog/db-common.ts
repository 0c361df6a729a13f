import "server-only";
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
import { queryOne, serverState, withServer, type ServerState } from "../executors/sql";
import type { FleetContext, RunContext } from "../module";
import { until } from "../wait";

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
): Promise<{ id: string; at: string }> {
  try {
    return await withServer(
      region,
      async (c) => {
        await c.query("create schema if not exists switchyard_probe");
        await c.query(
          "create table if not exists switchyard_probe.write_check (id bigserial primary key, at timestamptz not null default clock_timestamp(), run_id integer)",
        );
        const r = await c.query<{ id: string; at: Date }>(
          "insert into switchyard_probe.write_check (run_id) values ($1) returning id::text, at",
          [runId],
        );
        return { id: r.rows[0]!.id, at: r.rows[0]!.at.toISOString() };
      },
      5_000,
      commit === "local" ? { synchronous_commit: "local" } : {},
    );
  } catch (err) {
    const wait = commit === "synchronous" ? await standbyWait(region) : null;
    throw wait ? new Error(`${(err as Error).message}: ${wait}`) : err;
  }
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

/** pg_promote on the candidate, then until it is out of recovery and takes a write (pg_promote's answer alone is not trusted). */
export async function promote(ctx: RunContext, candidate: RegionConfig): Promise<{ id: string; at: string }> {
  const started = performance.now();
  const r = await queryOne<{ promoted: boolean }>(candidate, "select pg_promote(true, 60) as promoted", [], 65_000);
  ctx.log(
    `pg_promote(true, 60) on ${where(candidate)} returned ${r.promoted} after ${Math.round(performance.now() - started)} ms`,
  );
  await until(
    `${candidate.id} to leave recovery`,
    async () => !(await queryOne<{ r: boolean }>(candidate, "select pg_is_in_recovery() as r")).r,
    60_000,
    ctx.signal,
    20,
  );
  // committed locally: with synchronous standby names, no replica follows it yet (adoptReplicas points them at it)
  const write = await until(
    `${candidate.id} to accept a write`,
    () => testWrite(candidate, ctx.runId, "local"),
    30_000,
    ctx.signal,
    20,
  );
  ctx.log(
    `${candidate.id} accepts writes (write_check #${write.id}) ${Math.round(performance.now() - started)} ms after the promote call`,
  );
  return write;
}

/** The slots the new primary must hold for its replicas (slots do not survive a promotion). */
export async function ensureSlots(ctx: RunContext, primary: RegionConfig, replicas: RegionConfig[]): Promise<void> {
  if (!replicas.length) return;
  await withServer(primary, async (c) => {
    for (const r of replicas) {
      const slot = slotOf(r);
      const made = await c.query(
        "select pg_create_physical_replication_slot($1, true) where not exists (select 1 from pg_replication_slots where slot_name = $1)",
        [slot],
      );
      ctx.log(made.rowCount ? `created slot ${slot} on ${primary.id}` : `slot ${slot} already on ${primary.id}`);
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

/** After a promotion: slots for the other live replicas, those replicas repointed, and the new primary recorded. */
export async function adoptReplicas(ctx: RunContext, primary: RegionConfig): Promise<void> {
  const others = ctx.fleet.regions.filter((r) => r.id !== primary.id);
  const states = await statesOf(others);
  const followers = others.filter((r) => {
    const s = states.get(r.id);
    return s?.up && s.inRecovery;
  });
  await ensureSlots(ctx, primary, followers);
  for (const r of followers) await followPrimary(ctx, r, primary);
  for (const r of others.filter((x) => !followers.includes(x)))
    ctx.log(`${r.id} is ${describeState(states.get(r.id)!)}: rebuild it as a replica (db.rebuild-replica)`);
  const db = await getDb();
  await db.transaction((tx) => recordPrimary(tx, primary.id, ctx.runId));
  // Every console re-reads the primary at once; the collecting one probes by the new roles.
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
