/**
 * npm run audit:verify: recomputes the audit log's hash chain in the store (DATABASE_URL, or the embedded one
 * in DATA_DIR) with the audit key (AUDIT_KEY, or DATA_DIR/audit-key), and checks that it ends at its signed
 * checkpoint. Exit 0: intact (the newest row's id and hash are printed: keep that line elsewhere, it is what an
 * older checkpoint put back cannot hide); 1: broken (the first bad row is named, or how many newest rows were
 * removed); 2: the store cannot be opened or read, or the audit key is missing.
 * It only reads: no migrations are applied, and neither a missing embedded store nor a missing key is created.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../lib/error-message";

type Store = { verify(): Promise<import("../server/audit/verify-audit").ChainWalk>; close(): Promise<void> };

/** The embedded store, only if one exists: opening an empty directory would create a new, empty store. */
async function openEmbedded(dataDir: string) {
  const dir = path.resolve(dataDir, "pglite");
  if (!existsSync(path.join(dir, "PG_VERSION"))) throw new Error(`no embedded store at ${dir} (set DATA_DIR or DATABASE_URL)`);
  // PGlite is one process's database: a second process opening the same files can corrupt them.
  console.log(`reading the embedded store at ${dir}; the console must not be running on it at the same time`);
  const { createPgliteDb } = await import("../server/db/pglite-driver");
  return createPgliteDb(dir);
}

async function openStore(): Promise<Store> {
  // Imported here so that an invalid environment is reported like any other store that cannot be opened.
  const { env } = await import("../server/env");
  const { walkAuditChain } = await import("../server/audit/verify-audit");
  const { createPgDb } = await import("../server/db/pg-driver");
  const db = env.DATABASE_URL ? createPgDb(env.DATABASE_URL) : await openEmbedded(env.DATA_DIR);
  return { verify: () => walkAuditChain(db, null), close: () => db.close() };
}

async function main(): Promise<number> {
  let store: Store | undefined;
  try {
    store = await openStore();
    const { verdict, newest } = await store.verify();
    if (verdict.ok) {
      console.log(`audit chain intact: ${verdict.rows} rows`);
      if (newest) console.log(`newest row: #${newest.id} ${newest.hash}`);
      return 0;
    }
    console.log(`audit chain BROKEN at row #${verdict.brokenAt}: ${verdict.reason} (${verdict.rows} rows in the log)`);
    return 1;
  } catch (err) {
    const keyMissing = err instanceof Error && err.name === "AuditKeyMissing";
    console.error(`audit chain not verified: ${keyMissing ? "" : "cannot open or read the store: "}${errorMessage(err)}`);
    return 2;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

process.exit(await main());
