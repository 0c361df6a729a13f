import "server-only";
import pg from "pg";
import { errorInWords } from "@/lib/error-words";
import type { RegionConfig } from "@/lib/fleet-config";
import { TIMELINE_SQL } from "@/server/fleet/timeline-sql";

/**
 * A session on a region's PostgreSQL server, connected. Values travel as parameters; the few statements that cannot
 * take parameters (ALTER SYSTEM) quote with the driver's escapeLiteral. The caller ends it.
 */
export async function openServer(
  region: RegionConfig,
  timeoutMs = 5_000,
  /** Postgres settings for the session, as `-c name=value` options */
  settings: Record<string, string> = {},
): Promise<pg.Client> {
  const client = new pg.Client({
    host: region.postgres.host,
    port: region.postgres.port,
    user: region.postgres.user,
    password: region.postgres.password,
    database: region.postgres.database,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: "switchyard-action",
    options:
      Object.entries(settings)
        .map(([k, v]) => `-c ${k}=${v}`)
        .join(" ") || undefined,
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** Ends a session without waiting for the server to close it: nothing more is asked on it. */
export function closeServer(client: pg.Client): void {
  void client.end().catch(() => undefined);
}

/** SQL on a region's server over one short-lived session (an action must see a failure, not a pool's retry). */
export async function withServer<T>(
  region: RegionConfig,
  work: (client: pg.Client) => Promise<T>,
  timeoutMs = 5_000,
  settings: Record<string, string> = {},
): Promise<T> {
  const client = await openServer(region, timeoutMs, settings);
  try {
    return await work(client);
  } finally {
    closeServer(client);
  }
}

export async function queryOne<T extends Record<string, unknown>>(
  region: RegionConfig,
  sql: string,
  params: unknown[] = [],
  timeoutMs?: number,
): Promise<T> {
  return withServer(region, async (c) => (await c.query<T>(sql, params)).rows[0]!, timeoutMs);
}

/** What a server says of itself, or why it cannot be asked: in words (lib/error-words), with the code behind them. */
export type ServerState =
  | { up: false; error: string; errorCode?: string }
  | {
      up: true;
      inRecovery: boolean;
      /** the timeline it is on: received (replica) or current (primary) */
      timeline: number;
      /** primary: current WAL insert position; replica: last received */
      lsn: string | null;
      replayLsn: string | null;
      replayPaused: boolean;
      receiver: string | null;
      readOnly: boolean;
    };

export async function serverState(region: RegionConfig, timeoutMs = 1_500): Promise<ServerState> {
  return orWhyNot(withServer(region, readServerState, timeoutMs));
}

/** A server's state read on a session being opened (openServer), or why it could not be. */
export function sessionState(session: Promise<pg.Client>): Promise<ServerState> {
  return orWhyNot(session.then(readServerState));
}

/** The state read, or the server as down with why (in words) when it could not be read. */
const orWhyNot = (read: Promise<ServerState>): Promise<ServerState> =>
  read.catch((err: unknown) => ({ up: false as const, ...errorInWords(err) }));

/** A server's state, read on a session already open to it. */
export async function readServerState(client: pg.Client): Promise<ServerState> {
  const r = (
    await client.query<{
      in_recovery: boolean;
      timeline: number;
      lsn: string | null;
      replay_lsn: string | null;
      paused: boolean;
      receiver: string | null;
      read_only: string;
    }>(
      `select pg_is_in_recovery() as in_recovery,
         ${TIMELINE_SQL} as timeline,
         case when pg_is_in_recovery() then pg_last_wal_receive_lsn()::text else pg_current_wal_lsn()::text end as lsn,
         pg_last_wal_replay_lsn()::text as replay_lsn,
         case when pg_is_in_recovery() then pg_is_wal_replay_paused() else false end as paused,
         (select status from pg_stat_wal_receiver) as receiver,
         current_setting('default_transaction_read_only') as read_only`,
    )
  ).rows[0]!;
  return {
    up: true,
    inRecovery: r.in_recovery,
    timeline: r.timeline,
    lsn: r.lsn,
    replayLsn: r.replay_lsn,
    replayPaused: r.paused,
    receiver: r.receiver,
    readOnly: r.read_only === "on",
  };
}
