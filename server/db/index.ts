import "server-only";
import path from "node:path";
import { errorMessage } from "@/lib/error-message";
import { env } from "@/server/env";
import { storeUnavailable } from "@/server/errors";
import { migrate } from "./migrate";
import { createPgDb, storeErrorOf } from "./pg-driver";
import { createPgliteDb } from "./pglite-driver";
import type { Db } from "./types";

export type { Db, Queryable } from "./types";

// One store per process, shared by every bundle Next.js makes of this module.
const holder = globalThis as unknown as { __switchyardDb?: Promise<Db> };

/** The embedded store's data directory (when DATABASE_URL is unset). */
export const embeddedStoreDir = () => path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR, "pglite");

/**
 * What the store last said, for recentStoreProblem: when the latest query that then succeeded was started, and when
 * the store last could not be reached (a query failing "unavailable", an idle connection losing its server, or the
 * store not opening). performance.now() times, shared by every bundle.
 */
type Heard = { answeredAt: number; failedAt: number };
const heard = (): Heard =>
  ((globalThis as unknown as { __switchyardStoreHeard?: Heard }).__switchyardStoreHeard ??= {
    answeredAt: -Infinity,
    failedAt: -Infinity,
  });
function noteFailure(err: unknown) {
  if (storeErrorOf(err)?.code === "unavailable") heard().failedAt = performance.now();
}

/** The store with every query, script and transaction noted in `heard` as it ends. */
function noted(db: Db): Db {
  const note = async <T>(run: () => Promise<T>): Promise<T> => {
    // The start, not the end: an answer proves the store was there since then, and only then.
    const started = performance.now();
    try {
      const out = await run();
      const h = heard();
      h.answeredAt = Math.max(h.answeredAt, started);
      return out;
    } catch (err) {
      noteFailure(err);
      throw err;
    }
  };
  return {
    ...db,
    query: (sql, params) => note(() => db.query(sql, params)),
    exec: (sql) => note(() => db.exec(sql)),
    transaction: (fn) => note(() => db.transaction(fn)),
  };
}

async function open(): Promise<Db> {
  const lost = () => (heard().failedAt = performance.now());
  const db = noted(
    env.DATABASE_URL ? createPgDb(env.DATABASE_URL, undefined, lost) : await createPgliteDb(embeddedStoreDir()),
  );
  try {
    const applied = await migrate(db);
    if (applied.length) console.log(`[store] applied migrations: ${applied.join(", ")}`);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

/** An embedded store that refuses this process: "StoreLocked" (another holds it) or "StoreBroken" (it does not open). */
export function isStoreRefusal(err: unknown, which?: "StoreLocked" | "StoreBroken"): err is Error {
  const name = err instanceof Error ? err.name : "";
  return which ? name === which : name === "StoreLocked" || name === "StoreBroken";
}

let lastLogged = 0;
function logUnavailable(err: unknown) {
  // One clear line at most every 10 s while the store is down, not a flood.
  if (Date.now() - lastLogged < 10_000) return;
  lastLogged = Date.now();
  console.error(
    `[store] cannot reach the store (${env.DATABASE_URL ? "DATABASE_URL" : "embedded PGlite"}): ${errorMessage(err)}`,
  );
}

/**
 * The store, migrated. A store that cannot be reached throws a clear "unavailable" error; the next call tries again.
 * An embedded store held by another process (StoreLocked) or that does not open (StoreBroken) throws as it is, with
 * what to do; a broken one is never opened again by this process.
 */
export async function getDb(): Promise<Db> {
  holder.__switchyardDb ??= open();
  try {
    return await holder.__switchyardDb;
  } catch (err) {
    // By name: Next.js may bundle this module more than once, and the promise is shared between the copies.
    heard().failedAt = performance.now();
    if (isStoreRefusal(err, "StoreBroken")) throw err;
    holder.__switchyardDb = undefined;
    if (isStoreRefusal(err, "StoreLocked")) throw err;
    logUnavailable(err);
    // A full disk while migrating says so; anything else that keeps the store from opening is "unavailable".
    throw storeErrorOf(err) ?? storeUnavailable(errorMessage(err));
  }
}

/** null when the store answers, otherwise why it does not (for error pages; logged here, at most every 10 s). */
export async function storeProblem(): Promise<string | null> {
  try {
    await (await getDb()).query("select 1");
    return null;
  } catch (err) {
    // The raw error goes to the log only (getDb's own line for a store it could not open counts: one line per 10 s).
    logUnavailable(err);
    return err instanceof Error ? err.message : String(err);
  }
}

/** How long a query's success stands for the store answering, when nothing has failed since. */
export const STORE_ANSWERED_RECENTLY_MS = 1_000;

/**
 * storeProblem for pages, without a `select 1` each: null at once when a query started within the last second
 * succeeded and none has failed for want of the store since (the console reads and writes its store many times a
 * second while people use it); otherwise storeProblem asks the store. A store that goes away is noticed by the
 * first query that fails, and from then on every page asks until one succeeds again.
 */
export async function recentStoreProblem(): Promise<string | null> {
  const { answeredAt, failedAt } = heard();
  if (answeredAt > failedAt && performance.now() - answeredAt < STORE_ANSWERED_RECENTLY_MS) return null;
  return storeProblem();
}
