import {
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  appendFileSync,
} from "node:fs";
import path from "node:path";
import pg from "pg";
import { run } from "./exec";
import { regionAddress, regionNetns } from "./network/net";
import { PRIMARY_REGION, type RegionId } from "./regions";
import type { LabState, RegionState } from "./state";
import { waitFor } from "./wait";

export interface PgTarget {
  port: number;
  /** A host, or the directory of the server's Unix socket. */
  host: string;
}

/**
 * How the lab itself reaches a region's server: through its Unix socket, which no network fault touches (the
 * lab is the regions' hypervisor, not a client on their network). Loopback TCP for a lab without sockets.
 */
export function labPg(state: Pick<LabState, "socketDir">, region: Pick<RegionState, "pgPort">): PgTarget {
  return { host: state.socketDir ?? "127.0.0.1", port: region.pgPort };
}

/** One short-lived connection per call: lab tooling must see failures, not pool retries. */
export async function pgQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  target: PgTarget,
  sql: string,
  params: unknown[] = [],
  timeoutMs = 3_000,
): Promise<R[]> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: "postgres",
    database: "postgres",
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: "switchyard-lab",
    // the lab's own writes never wait for a synchronous standby (there may be none yet)
    options: "-c synchronous_commit=local",
  });
  client.on("error", () => {
    // reported through the awaited calls below
  });
  try {
    await client.connect();
    const result = await client.query<R>(sql, params);
    return result.rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function acceptsConnections(target: PgTarget): Promise<boolean> {
  try {
    await pgQuery(target, "SELECT 1", [], 1_500);
    return true;
  } catch {
    return false;
  }
}

export async function isInRecovery(target: PgTarget): Promise<boolean> {
  const rows = await pgQuery<{ r: boolean }>(target, "SELECT pg_is_in_recovery() AS r");
  return rows[0]?.r === true;
}

function pgBin(state: LabState, tool: string): string {
  if (!state.pgBinDir) throw new Error("no PostgreSQL binaries in this lab (simulated database tier)");
  return path.join(state.pgBinDir, tool);
}

function asUser(state: LabState) {
  return { asUser: state.runAsUser, cwd: state.pgRoot ?? undefined };
}

async function ownerIds(user: string): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run(["id", "-u", user])).stdout.trim());
  const gid = Number((await run(["id", "-g", user])).stdout.trim());
  return { uid, gid };
}

/** Makes `dir` (and everything in it) belong to the Postgres run-as user, when there is one. */
export async function giveToPgUser(state: LabState, ...paths: string[]): Promise<void> {
  if (!state.runAsUser) return;
  const { uid, gid } = await ownerIds(state.runAsUser);
  const walk = (p: string) => {
    chownSync(p, uid, gid);
    if (statSync(p).isDirectory()) for (const entry of readdirSync(p)) walk(path.join(p, entry));
  };
  for (const p of paths) if (existsSync(p)) walk(p);
}

function quoteConf(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function labConf(state: LabState, port: number): string {
  return [
    "",
    "# --- switchyard lab ---",
    // in its namespace a server has only its own address (and that namespace's loopback) to listen on
    `listen_addresses = '${state.network ? "*" : "127.0.0.1"}'`,
    `port = ${port}`,
    `unix_socket_directories = ${quoteConf(state.socketDir ?? "/tmp")}`,
    "wal_level = replica",
    "wal_log_hints = on",
    "max_wal_senders = 10",
    "max_replication_slots = 10",
    "max_slot_wal_keep_size = 1GB",
    "hot_standby = on",
    "hot_standby_feedback = on",
    "wal_receiver_status_interval = 1s",
    // a link that drops packets gives no reset: notice a dead replication connection in seconds, not a minute
    "wal_sender_timeout = 5s",
    "wal_receiver_timeout = 5s",
    "wal_retrieve_retry_interval = 1s",
    // Whichever server is primary commits only once a standby has the WAL: cut off from every standby it
    // acknowledges no write, so promoting the most advanced replica loses none a client was told had landed.
    // In the file, so replicas inherit it (a standby ignores it) and a promoted one keeps the rule.
    "synchronous_standby_names = 'ANY 1 (*)'",
    "shared_buffers = 32MB",
    "max_connections = 50",
    "fsync = off",
    "logging_collector = off",
    "",
  ].join("\n");
}

/**
 * The PID of the region's running postmaster, read as `pg_ctl status` reads it (postmaster.pid, and the process is
 * there), without starting a process of its own; null when the server is not running.
 */
export function postmasterPid(region: RegionState): number | null {
  if (!region.dataDir) return null;
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(region.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: the process is there, owned by another user (the lab not run as root).
    return (err as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
}

export async function serverRunning(region: RegionState): Promise<boolean> {
  return postmasterPid(region) !== null;
}

export function hasDataDir(region: RegionState): boolean {
  return !!region.dataDir && existsSync(path.join(region.dataDir, "PG_VERSION"));
}

/** Prepares the directories Postgres needs, owned by the run-as user. */
export async function preparePgDirs(state: LabState): Promise<void> {
  if (!state.pgRoot || !state.socketDir) return;
  for (const dir of [state.pgRoot, path.join(state.pgRoot, "data"), state.socketDir])
    mkdirSync(dir, { recursive: true });
  await giveToPgUser(state, state.pgRoot, state.socketDir);
  for (const region of Object.values(state.regions)) {
    if (!region.pgLog) continue;
    mkdirSync(path.dirname(region.pgLog), { recursive: true });
    if (!existsSync(region.pgLog)) writeFileSync(region.pgLog, "");
    await giveToPgUser(state, region.pgLog);
  }
}

export async function initPrimary(state: LabState, region: RegionState): Promise<void> {
  if (!region.dataDir) throw new Error("primary has no data dir");
  await run(
    [pgBin(state, "initdb"), "-D", region.dataDir, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "-N"],
    { ...asUser(state), timeoutMs: 120_000 },
  );
  appendFileSync(path.join(region.dataDir, "postgresql.conf"), labConf(state, region.pgPort));
  if (state.network) {
    // the other regions replicate and the region APIs write across the lab network (copied to replicas by pg_basebackup)
    const subnet = `${state.network.subnet}.0/24`;
    appendFileSync(
      path.join(region.dataDir, "pg_hba.conf"),
      `\n# --- switchyard lab network ---\nhost all all ${subnet} trust\nhost replication all ${subnet} trust\n`,
    );
  }
  await giveToPgUser(state, region.dataDir);
}

/** Reserves WAL at once (immediately_reserve), so a concurrent base backup's checkpoint cannot remove what this one needs. */
export async function ensureSlot(primary: PgTarget, slot: string): Promise<void> {
  await pgQuery(
    primary,
    `SELECT pg_create_physical_replication_slot($1, true)
       WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
    [slot],
  );
}

/** pg_basebackup -R -S <slot> -X stream, then gives the copy its own port and application_name. */
export async function createReplica(
  state: LabState,
  region: RegionState,
  primary: RegionState,
  slot: string,
): Promise<void> {
  if (!region.dataDir) throw new Error("replica has no data dir");
  const source = labPg(state, primary);
  await run(
    [
      pgBin(state, "pg_basebackup"),
      "-d",
      `host=${source.host} port=${source.port} user=postgres application_name=${slot}`,
      "-D",
      region.dataDir,
      "-R",
      "-S",
      slot,
      "-X",
      "stream",
      "-c",
      "fast",
      "--no-sync",
    ],
    { ...asUser(state), timeoutMs: 120_000 },
  );
  appendFileSync(
    path.join(region.dataDir, "postgresql.conf"),
    `\n# --- switchyard lab replica ---\nport = ${region.pgPort}\n`,
  );
  // -R writes primary_conninfo; restate it so the primary sees the replica by its slot name, across the lab network.
  const primaryHost = regionAddress(state, PRIMARY_REGION);
  appendFileSync(
    path.join(region.dataDir, "postgresql.auto.conf"),
    `primary_conninfo = ${quoteConf(`host=${primaryHost} port=${primary.pgPort} user=postgres application_name=${slot}`)}\n` +
      `primary_slot_name = ${quoteConf(slot)}\n`,
  );
  await giveToPgUser(state, region.dataDir);
}

/** Starts the server inside its region's namespace. */
export async function startServer(state: LabState, id: RegionId): Promise<void> {
  const region = state.regions[id];
  if (!region?.dataDir || !region.pgLog) throw new Error("region has no Postgres data dir");
  if (await serverRunning(region)) return;
  await run([pgBin(state, "pg_ctl"), "-D", region.dataDir, "-l", region.pgLog, "-w", "-t", "60", "start"], {
    ...asUser(state),
    netns: regionNetns(state, id),
    timeoutMs: 90_000,
  });
  await waitFor(
    `Postgres on port ${region.pgPort} to accept connections`,
    () => acceptsConnections(labPg(state, region)),
    {
      timeoutMs: 30_000,
    },
  );
}

/**
 * A fast shutdown, signalled as `pg_ctl stop -m fast` signals it (SIGINT to the postmaster) but without starting
 * pg_ctl: a fault lands the moment it is injected. Returns once the server is gone and its port refuses connections.
 */
export async function stopServer(state: LabState, region: RegionState): Promise<void> {
  const pid = postmasterPid(region);
  if (pid === null) return;
  try {
    process.kill(pid, "SIGINT");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return;
    throw err;
  }
  await waitFor(`the postmaster on port ${region.pgPort} (PID ${pid}) to exit`, () => postmasterPid(region) !== pid, {
    timeoutMs: 90_000,
    intervalMs: 20,
  });
  await waitFor(
    `port ${region.pgPort} to refuse connections`,
    async () => !(await acceptsConnections(labPg(state, region))),
    {
      timeoutMs: 15_000,
    },
  );
}

export interface ReplicationRow {
  application_name: string;
  state: string;
  sent_lsn: string | null;
  replay_lsn: string | null;
}

export async function replicationRows(primary: PgTarget): Promise<ReplicationRow[]> {
  return pgQuery<ReplicationRow>(
    primary,
    "SELECT application_name, state, sent_lsn::text, replay_lsn::text FROM pg_stat_replication",
  );
}

export async function waitStreaming(primary: PgTarget, slots: string[], timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `replicas ${slots.join(", ")} to stream from port ${primary.port}`,
    async () => {
      const rows = await replicationRows(primary);
      return slots.every((slot) => rows.some((r) => r.application_name === slot && r.state === "streaming"));
    },
    { timeoutMs, intervalMs: 100 },
  );
}

export async function createLabSchema(primary: PgTarget): Promise<void> {
  await pgQuery(
    primary,
    `CREATE SCHEMA IF NOT EXISTS switchyard_lab;
     CREATE TABLE IF NOT EXISTS switchyard_lab.heartbeat(
       id bigserial primary key,
       region text not null,
       seq bigint not null,
       written_at timestamptz not null default clock_timestamp())`,
  );
}

export async function isReplayPaused(target: PgTarget): Promise<boolean> {
  const rows = await pgQuery<{ paused: boolean }>(
    target,
    "SELECT CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS paused",
  );
  return rows[0]?.paused === true;
}
