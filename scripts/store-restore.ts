/**
 * npm run store:restore FILE: brings a backup from npm run store:backup back into an EMPTY store — the embedded
 * store's data directory (DATA_DIR/pglite must not hold a store) or the PostgreSQL database at DATABASE_URL (it must
 * hold no tables) — then checks the restored audit chain with the audit key (AUDIT_KEY or DATA_DIR/audit-key).
 * It never overwrites a store. Exit 0: restored and the chain verified (or no key to check it with, said so);
 * 1: restored but the chain does not verify; 2: refused or failed, nothing restored.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../lib/error-message";
import type { Db } from "../server/db";

async function restore(file: string): Promise<Db> {
  const { env } = await import("../server/env");
  const { backupKind, pgStoreNotEmpty, restorePgStore } = await import("../server/db/backup");
  const { embeddedStoreDir } = await import("../server/db");
  const kind = backupKind(file);
  if (kind === "pglite") {
    if (env.DATABASE_URL)
      throw new Error(`${file} is an embedded store's backup: unset DATABASE_URL and set DATA_DIR to restore it`);
    const dir = embeddedStoreDir();
    if (existsSync(path.join(dir, "PG_VERSION")))
      throw new Error(
        `${dir} already holds a store: stop its console and move it aside (mv ${dir} ${dir}.old), then restore into the empty directory`,
      );
    const existed = existsSync(dir) && readdirSync(dir).length > 0;
    const { createPgliteDb } = await import("../server/db/pglite-driver");
    try {
      return await createPgliteDb(dir, new Blob([readFileSync(file)]));
    } catch (err) {
      // A restore that failed half-way leaves the directory as empty as it found it.
      if (!existed && (err as Error).name !== "StoreLocked") rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }
  if (!env.DATABASE_URL)
    throw new Error(`${file} is a PostgreSQL store's backup: set DATABASE_URL to an empty database to restore it into`);
  const notEmpty = await pgStoreNotEmpty(env.DATABASE_URL);
  if (notEmpty) throw new Error(notEmpty);
  await restorePgStore(file, env.DATABASE_URL);
  const { createPgDb } = await import("../server/db/pg-driver");
  return createPgDb(env.DATABASE_URL);
}

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error("usage: npm run store:restore FILE");
    return 2;
  }
  let db: Db;
  try {
    db = await restore(path.resolve(file));
  } catch (err) {
    console.error(`not restored: ${errorMessage(err)}`);
    return 2;
  }
  try {
    console.log(`restored ${file} (${db.driver === "pg" ? "PostgreSQL" : "embedded"} store)`);
    const { walkAuditChain } = await import("../server/audit/verify-audit");
    const { verdict, newest } = await walkAuditChain(db, null);
    if (!verdict.ok) {
      console.log(
        `audit chain BROKEN at row #${verdict.brokenAt}: ${verdict.reason} (${verdict.rows} rows in the log)`,
      );
      return 1;
    }
    console.log(`audit chain intact: ${verdict.rows} rows${newest ? `, newest row #${newest.id} ${newest.hash}` : ""}`);
    return 0;
  } catch (err) {
    console.log(`audit chain not verified: ${errorMessage(err)}`);
    return err instanceof Error && err.name === "AuditKeyMissing" ? 0 : 1;
  } finally {
    await db.close().catch(() => undefined);
  }
}

process.exit(await main());
