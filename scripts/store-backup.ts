/**
 * npm run store:backup [-- --dir DIR]: writes a consistent, dated copy of the console's store into DIR (default
 * BACKUP_DIR, else DATA_DIR/backups): a pg_dump archive of a PostgreSQL store (DATABASE_URL), or the embedded
 * store's data directory as a gzipped tarball — taken by the running console when one holds it, else by this
 * command. Exit 0: written (its path is printed); 1: it could not be written.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { errorMessage } from "../lib/error-message";
import type { BackupRecord } from "../server/db/backup";

const { values: args } = parseArgs({ options: { dir: { type: "string" } } });

async function main(): Promise<number> {
  try {
    const { env } = await import("../server/env");
    const { backupDir, backupStore } = await import("../server/db/backup");
    const { embeddedStoreDir, getDb } = await import("../server/db");
    const { askStoreHolder } = await import("../server/db/store-control");
    const into = args.dir ? path.resolve(args.dir) : backupDir();
    let record: BackupRecord | null = null;
    if (env.embeddedStore) {
      const dir = embeddedStoreDir();
      record = await askStoreHolder<BackupRecord>(dir, { ask: "backup", dir: into });
      if (record) console.log(`taken by the console holding ${dir}`);
      else if (!existsSync(path.join(dir, "PG_VERSION")))
        throw new Error(`no embedded store at ${dir} (set DATA_DIR or DATABASE_URL)`);
    }
    if (!record) {
      const db = await getDb();
      try {
        record = await backupStore(db, into);
      } finally {
        await db.close();
      }
    }
    console.log(
      `backup written: ${record.file} (${(record.bytes / 1024 / 1024).toFixed(1)} MiB, ${record.driver === "pg" ? "PostgreSQL" : "embedded"} store, ${record.takenAt})`,
    );
    console.log(`restore it with: npm run store:restore ${record.file}`);
    return 0;
  } catch (err) {
    console.error(`backup not written: ${errorMessage(err)}`);
    return 1;
  }
}

process.exit(await main());
