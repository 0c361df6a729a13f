import "server-only";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { env } from "@/server/env";
import type { Db } from "./types";

/**
 * Backups of the console's own store: the embedded store's data directory as a gzipped tarball (PGlite's own
 * consistent dump, taken inside the process that holds it), a PostgreSQL store as pg_dump's custom format.
 * Restores go into an empty store only.
 */

const run = promisify(execFile);

export interface BackupRecord {
  file: string;
  bytes: number;
  takenAt: string;
  driver: Db["driver"];
}

export const backupDir = () =>
  path.resolve(/*turbopackIgnore: true*/ env.BACKUP_DIR ?? path.join(env.DATA_DIR, "backups"));

/** pg_dump or pg_restore: PG_BIN_DIR, else the newest installed server's, else PATH's (it must be at least the server's version). */
function pgTool(name: "pg_dump" | "pg_restore"): string {
  if (env.PG_BIN_DIR) return path.join(env.PG_BIN_DIR, name);
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(path.join(root, v, "bin", name)))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, "bin", name) : name;
}

/** libpq's environment for a DATABASE_URL, so no password ever appears in a command line. */
function libpqEnv(url: string): NodeJS.ProcessEnv & Record<string, string> {
  const u = new URL(url);
  const e: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    PGHOST: decodeURIComponent(u.hostname) || u.searchParams.get("host") || undefined,
    PGPORT: u.port || undefined,
  };
  e.PGUSER = decodeURIComponent(u.username) || undefined;
  e.PGPASSWORD = decodeURIComponent(u.password) || undefined;
  e.PGDATABASE = decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined;
  e.PGSSLMODE = u.searchParams.get("sslmode") ?? undefined;
  return {
    NODE_ENV: env.NODE_ENV,
    ...Object.fromEntries(Object.entries(e).filter((kv): kv is [string, string] => kv[1] !== undefined)),
  };
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");

/** Writes a dated, consistent copy of the store into dir (atomically: a failed backup leaves no file) and records it. */
export async function backupStore(db: Db, dir = backupDir()): Promise<BackupRecord> {
  mkdirSync(dir, { recursive: true });
  const takenAt = new Date();
  const file = path.join(dir, `switchyard-store-${stamp(takenAt)}.${db.driver === "pglite" ? "tgz" : "dump"}`);
  const partial = `${file}.partial`;
  try {
    if (db.dumpDataDir) {
      writeFileSync(partial, await db.dumpDataDir(), { mode: 0o600 });
    } else {
      if (!env.DATABASE_URL) throw new Error("no DATABASE_URL for a PostgreSQL store's backup");
      await run(pgTool("pg_dump"), ["--format=custom", "--file", partial], { env: libpqEnv(env.DATABASE_URL) });
    }
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  const bytes = readFileSync(file).length;
  await db.query("insert into store_backups (taken_at, file, bytes, driver) values ($1, $2, $3, $4)", [
    takenAt,
    path.basename(file),
    bytes,
    db.driver,
  ]);
  return { file, bytes, takenAt: takenAt.toISOString(), driver: db.driver };
}

/** The newest backup recorded, with its age by the store's clock. */
export async function lastBackup(db: Db): Promise<(Omit<BackupRecord, "driver"> & { ageMs: number }) | null> {
  const r = await db.query<{ file: string; bytes: number; taken_at: Date; age_ms: number }>(
    "select file, bytes, taken_at, (extract(epoch from now() - taken_at) * 1000)::float8 as age_ms from store_backups order by taken_at desc limit 1",
  );
  const row = r.rows[0];
  return row ? { file: row.file, bytes: row.bytes, takenAt: row.taken_at.toISOString(), ageMs: row.age_ms } : null;
}

/** What a backup file holds, from its first bytes: gzip is the embedded store's tarball, PGDMP pg_dump's custom format. */
export function backupKind(file: string): Db["driver"] {
  const head = readFileSync(file).subarray(0, 5);
  if (head[0] === 0x1f && head[1] === 0x8b) return "pglite";
  if (head.toString("latin1") === "PGDMP") return "pg";
  throw new Error(`${file} is not a Switchyard store backup (neither a gzipped data directory nor a pg_dump archive)`);
}

/** Why the PostgreSQL store at url cannot take a restore (it already holds tables), or null. */
export async function pgStoreNotEmpty(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const r = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_class c join pg_namespace s on s.oid = c.relnamespace where c.relkind in ('r', 'p') and s.nspname not in ('pg_catalog', 'information_schema') and s.nspname not like 'pg_toast%'",
    );
    const n = r.rows[0]?.n ?? 0;
    return n > 0
      ? `the database already holds ${n} table${n === 1 ? "" : "s"}: restore only into an empty database (create one, point DATABASE_URL at it)`
      : null;
  } finally {
    await client.end();
  }
}

/** pg_restore of a pg_dump archive into the (empty) PostgreSQL store at url, in one transaction: all or nothing. */
export async function restorePgStore(file: string, url: string): Promise<void> {
  const libpq = libpqEnv(url);
  // pg_restore writes a script to stdout unless it is given a database name; where and who come from libpq's environment.
  const dbname = libpq.PGDATABASE ?? libpq.PGUSER ?? "postgres";
  await run(
    pgTool("pg_restore"),
    ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", "--dbname", dbname, file],
    { env: libpq },
  ).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`pg_restore failed: ${(err.stderr || err.message).trim()}`);
  });
}
