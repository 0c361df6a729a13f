import "server-only";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { PGlite, types, type Transaction } from "@electric-sql/pglite";
import { errorMessage } from "@/lib/error-message";
import { lockStore } from "./store-lock";
import type { Db, Queryable } from "./types";

const parsers = { [types.INT8]: (v: string) => Number(v) };

/**
 * PGlite runs each statement on this thread, and statements awaited one after another run back to back as
 * microtasks: a turn of the event loop before each lets what came meanwhile (a request, a broken connection) be
 * served between two statements rather than after a whole burst of them.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      await nextTurn();
      const r = await q.query<T>(sql, params, { parsers });
      // PGlite reports affectedRows 0 for a select; count rows returned too.
      return { rows: r.rows, rowCount: Math.max(r.rows.length, r.affectedRows ?? 0) };
    },
    async exec(sql: string) {
      await nextTurn();
      await q.exec(sql);
    },
  };
}

/** An embedded store that exists but does not open: Switchyard says so and never writes to it. */
export class StoreBroken extends Error {
  override readonly name = "StoreBroken";
  constructor(dir: string, reason: string) {
    super(
      `The embedded store at ${dir} cannot be opened (${reason}). Switchyard leaves it exactly as it is. ` +
        `To recover: stop every console, move it aside (mv ${dir} ${dir}.broken), then restore the newest backup into an empty one ` +
        "with npm run store:restore <file> (npm run store:backup writes them to DATA_DIR/backups unless BACKUP_DIR says elsewhere).",
    );
  }
}

/** A directory that holds something but not a store (no PG_VERSION) is never initialised over. */
function refuseForeignDirectory(dir: string) {
  if (existsSync(path.join(dir, "PG_VERSION"))) return;
  const entries = readdirSync(dir);
  if (entries.length > 0)
    throw new StoreBroken(
      dir,
      `the directory is not empty but holds no store: ${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}`,
    );
}

/**
 * Creates a new store (initdb) in a short-lived process of its own: PGlite keeps what initdb allocated, some 500 MB,
 * for as long as the process that ran it lives, while opening an existing store costs about 150 MB. Where the package
 * cannot be found from the working directory, initdb runs here as before.
 */
async function initialiseStore(dir: string): Promise<void> {
  let entry: string;
  try {
    entry = createRequire(path.join(process.cwd(), "package.json")).resolve("@electric-sql/pglite");
  } catch {
    return;
  }
  const script = `const { PGlite } = await import(${JSON.stringify(pathToFileURL(entry).href)}); await (await PGlite.create({ dataDir: process.argv[1] })).close();`;
  await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script, dir], {
    env: { ...process.env, NODE_OPTIONS: "" },
    timeout: 120_000,
  });
}

/**
 * PostgreSQL's default 128 MB of shared buffers is touched as the embedded store opens and costs the console ~120 MB
 * of memory it keeps; Switchyard's working set is a few MB, and what misses the buffers is a file read away.
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

/**
 * The embedded store: PostgreSQL compiled to WebAssembly, in this process, persisted in dataDir (in memory when
 * null). The directory is locked for this process until close (store-lock.ts); `load` fills an empty directory
 * from a backup made by `dumpDataDir`.
 */
export async function createPgliteDb(dataDir: string | null, load?: Blob): Promise<Db> {
  if (!dataDir) return asDb(await PGlite.create({ startParams: START_PARAMS }), async () => undefined);
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = await lockStore(dir);
  let lite: PGlite;
  try {
    refuseForeignDirectory(dir);
    const existed = existsSync(path.join(dir, "PG_VERSION"));
    if (load && existed)
      throw new Error(`${dir} already holds a store: a backup is only restored into an empty directory`);
    if (!existed && !load) await initialiseStore(dir);
    try {
      lite = await PGlite.create({ dataDir: dir, startParams: START_PARAMS, ...(load ? { loadDataDir: load } : {}) });
    } catch (err) {
      throw existed ? new StoreBroken(dir, errorMessage(err)) : err;
    }
  } catch (err) {
    await lock.release();
    throw err;
  }
  return asDb(lite, () => lock.release());
}

function asDb(lite: PGlite, release: () => Promise<void>): Db {
  return {
    driver: "pglite",
    ...wrap(lite),
    transaction: (fn) => lite.transaction((tx) => fn(wrap(tx))),
    async dumpDataDir() {
      // A checkpoint first, so the copy needs little recovery when it is opened; PGlite runs the dump alone.
      await lite.exec("checkpoint");
      return new Uint8Array(await (await lite.dumpDataDir("gzip")).arrayBuffer());
    },
    async close() {
      try {
        await lite.close();
      } finally {
        await release();
      }
    },
  };
}
