/**
 * npm run audit:verify: recomputes the audit log's hash chain in the store (DATABASE_URL, or the embedded one
 * in DATA_DIR) with the audit key (AUDIT_KEY, or DATA_DIR/audit-key), and checks that it ends at its signed
 * checkpoint. Exit 0: intact (the newest row's id and hash are printed: keep that line elsewhere, it is what an
 * older checkpoint put back cannot hide); 1: broken (the first bad row is named, or how many newest rows were
 * removed); 2: the store cannot be opened or read, or the audit key is missing.
 * It only reads: no migrations are applied, and neither a missing embedded store nor a missing key is created. An
 * embedded store held by a running console is checked by that console, asked over its operator socket.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../lib/error-message";

type Walk = Pick<import("../server/audit/verify-audit").ChainWalk, "verdict" | "newest">;

/** The embedded store: asked of the console that holds it, else opened here (locked meanwhile); never created. */
async function walkEmbedded(): Promise<Walk> {
  const { embeddedStoreDir } = await import("../server/db");
  const { askStoreHolder } = await import("../server/db/store-control");
  const dir = embeddedStoreDir();
  const asked = await askStoreHolder<Walk>(dir, { ask: "audit-verify" });
  if (asked) {
    console.log(`asked the console holding ${dir}`);
    return asked;
  }
  if (!existsSync(path.join(dir, "PG_VERSION")))
    throw new Error(`no embedded store at ${dir} (set DATA_DIR or DATABASE_URL)`);
  const { createPgliteDb } = await import("../server/db/pglite-driver");
  return walkOpened(await createPgliteDb(dir));
}

async function walkOpened(db: import("../server/db").Db): Promise<Walk> {
  const { walkAuditChain } = await import("../server/audit/verify-audit");
  try {
    return await walkAuditChain(db, null);
  } finally {
    await db.close().catch(() => undefined);
  }
}

async function walk(): Promise<Walk> {
  // Imported here so that an invalid environment is reported like any other store that cannot be opened.
  const { env } = await import("../server/env");
  if (!env.DATABASE_URL) return walkEmbedded();
  const { createPgDb } = await import("../server/db/pg-driver");
  return walkOpened(createPgDb(env.DATABASE_URL));
}

async function main(): Promise<number> {
  try {
    const { verdict, newest } = await walk();
    if (verdict.ok) {
      console.log(`audit chain intact: ${verdict.rows} rows`);
      if (newest) console.log(`newest row: #${newest.id} ${newest.hash}`);
      return 0;
    }
    console.log(`audit chain BROKEN at row #${verdict.brokenAt}: ${verdict.reason} (${verdict.rows} rows in the log)`);
    return 1;
  } catch (err) {
    const keyMissing = err instanceof Error && err.name === "AuditKeyMissing";
    console.error(
      `audit chain not verified: ${keyMissing ? "" : "cannot open or read the store: "}${errorMessage(err)}`,
    );
    return 2;
  }
}

process.exit(await main());
