import "server-only";
import pg from "pg";
import { storeUnavailable } from "@/server/errors";
import type { Db, Queryable } from "./types";

// Keep timestamps as Date and int8 counters as numbers (they stay far below 2^53 here).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** A lost or refused connection (not a bad query) means the store is unavailable. */
function rethrow(err: unknown): never {
  const e = err as { code?: string; message?: string };
  const connectionLost = /^(08|57P0)/.test(e.code ?? "") || /^E(CONNREFUSED|CONNRESET|HOSTUNREACH|TIMEDOUT)$/.test(e.code ?? "") || /Connection terminated|timeout exceeded when trying to connect/i.test(e.message ?? "");
  throw connectionLost ? storeUnavailable(e.message || e.code || "connection lost") : err;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const r = await client.query(sql, params as unknown[]).catch(rethrow);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql).catch(rethrow);
    },
  };
}

export function createPgDb(connectionString: string): Db {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 3000, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the console; the next query reports it.
  pool.on("error", (err) => console.error(`[store] idle connection lost: ${err.message}`));
  return {
    driver: "pg",
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect().catch(rethrow);
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
