import "server-only";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "./types";

export const MIGRATIONS_DIR = path.join(process.cwd(), "server", "db", "migrations");

/** Applies every migration file not yet applied, in file-name order, each in its own transaction. */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(`create table if not exists schema_migrations (
    version text primary key,
    applied_at timestamptz not null default now())`);
  const files = readdirSync(/*turbopackIgnore: true*/ dir)
    .filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const version = file.replace(/\.sql$/, "");
    await db.transaction(async (tx) => {
      // Serialises concurrent start-ups of several consoles on one store.
      await tx.query("select pg_advisory_xact_lock(7311001)");
      const done = await tx.query("select 1 from schema_migrations where version = $1", [version]);
      if (done.rowCount > 0) return;
      await tx.exec(readFileSync(path.join(/*turbopackIgnore: true*/ dir, file), "utf8"));
      await tx.query("insert into schema_migrations (version) values ($1)", [version]);
      applied.push(version);
    });
  }
  return applied;
}
