import "server-only";
import pg from "pg";
import { ServiceError, storeFull, storeUnavailable } from "@/server/errors";
import { throttledLog } from "@/server/throttled-log";
import type { Db, Queryable } from "./types";

// Keep timestamps as Date and int8 counters as numbers (they stay far below 2^53 here).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * How long the console waits on its store. Nothing waits forever: a connection that cannot be made, a statement the
 * store does not finish, an answer that never arrives (a hung server, a dead link) and a transaction left idle all
 * end with a clear "unavailable" error, and the pool makes new connections once the store answers again.
 */
export interface StoreTimeouts {
  /** making a connection, or waiting for a free one in the pool */
  connectMs: number;
  /** the server cancels a statement running longer than this (statement_timeout) */
  statementMs: number;
  /** the console gives up on an answer after this, whatever the server does (a frozen server, a dead link) */
  answerMs: number;
  /** the server ends a session left idle inside a transaction, releasing its locks */
  idleInTransactionMs: number;
  /** TCP keepalive probes on idle connections start after this */
  keepAliveMs: number;
}

export const defaultStoreTimeouts: StoreTimeouts = {
  connectMs: 5_000,
  statementMs: 15_000,
  answerMs: 20_000,
  idleInTransactionMs: 60_000,
  keepAliveMs: 10_000,
};

/** Schema scripts (migrations) may run long on a big store: no statement timeout, but they still end if the store stops answering at all. */
const SCRIPT_ANSWER_MS = 30 * 60_000;

const CONNECTION_CODE = /^(08|57P0)|^E(CONNREFUSED|CONNRESET|PIPE|HOSTUNREACH|NETUNREACH|TIMEDOUT|NOTFOUND|AI_AGAIN)$/;
const CONNECTION_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed|Connection closed/i;

/**
 * What a failed query means for Switchyard, or null for an ordinary SQL error the caller handles (a unique
 * violation, a bad value). SQLSTATE 53100 is a full disk; the other 53xxx (out of memory, no free connection) and
 * a statement timeout are the store being unable to serve now; a connection refused, lost mid-query or not
 * answering is the store being away.
 */
export function storeErrorOf(err: unknown): ServiceError | null {
  if (err instanceof ServiceError) return err.code === "unavailable" || err.code === "store_full" ? err : null;
  const e = (err ?? {}) as { code?: unknown; message?: unknown; errors?: unknown[] };
  // node's connect to several addresses fails with an AggregateError: its first cause says what happened
  const first = Array.isArray(e.errors) && e.errors.length ? (e.errors[0] as { code?: unknown; message?: unknown }) : e;
  const code = typeof first.code === "string" ? first.code : "";
  const message =
    typeof first.message === "string" && first.message ? first.message : typeof e.message === "string" ? e.message : "";
  const detail = message || code || "connection lost";
  if (code === "53100") return storeFull(detail);
  if (code.startsWith("53")) return storeUnavailable(`${detail} [${code}]`);
  if (code === "57014" && /statement timeout/i.test(message)) return storeUnavailable(`${detail} [${code}]`);
  if (CONNECTION_CODE.test(code) || CONNECTION_MESSAGE.test(message)) return storeUnavailable(detail);
  return null;
}

/** A failure of the connection itself (not of one statement): that connection is dropped, never reused. */
const connectionBroken = (err: ServiceError | null) => err?.code === "unavailable";

function rethrow(err: unknown): never {
  throw storeErrorOf(err) ?? err;
}

function wrap(client: pg.Pool | pg.PoolClient, onError: (err: unknown) => void = () => undefined): Queryable {
  const run = async (config: pg.QueryConfig) => {
    try {
      return await client.query(config);
    } catch (err) {
      onError(err);
      rethrow(err);
    }
  };
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const r = await run({ text: sql, values: params as unknown[] });
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      // One simple query: SET LOCAL lasts to its end, so the pooled connection keeps its own statement timeout.
      await run({
        text: `set local statement_timeout = 0;\n${sql}`,
        query_timeout: SCRIPT_ANSWER_MS,
      } as pg.QueryConfig);
    },
  };
}

const logIdle = throttledLog(10_000);

/**
 * `onConnectionLost`: called when an idle pooled connection loses its server (the store stopping or restarting says so
 * to every connection at once), before any query fails.
 */
export function createPgDb(
  connectionString: string,
  timeouts: StoreTimeouts = defaultStoreTimeouts,
  onConnectionLost?: () => void,
): Db {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: timeouts.connectMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.answerMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: timeouts.keepAliveMs,
  });
  // An idle connection losing its server (a restart) must not crash the console: the pool drops it and the next
  // query makes a new one. One line per ten seconds, not one per connection.
  pool.on("error", (err) => {
    onConnectionLost?.();
    logIdle("idle", `[store] idle connection lost: ${err.message}`);
  });
  return {
    driver: "pg",
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect().catch(rethrow);
      let broken: Error | undefined;
      const markBroken = (err: unknown) => {
        if (connectionBroken(storeErrorOf(err))) broken ??= err instanceof Error ? err : new Error(String(err));
      };
      // A checked-out connection has no listener of the pool's: its server going away between two statements would
      // otherwise be an uncaught error event.
      const onConnectionError = (err: Error) => (broken ??= err);
      client.on("error", onConnectionError);
      const tx = wrap(client, markBroken);
      try {
        await tx.query("begin");
        const result = await fn(tx);
        await tx.query("commit");
        return result;
      } catch (err) {
        // A lost connection needs no rollback (the server rolls back when the session ends); anything else does.
        if (!broken)
          await client
            .query("rollback")
            .catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
        throw storeErrorOf(err) ?? err;
      } finally {
        client.removeListener("error", onConnectionError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
