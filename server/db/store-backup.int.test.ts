import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { waitFor } from "@/lab/wait";
import { freshDatabase } from "@/tests/support/fresh-database";

/**
 * The console's own store, as operators handle it: one process per embedded store (a second one refused at once,
 * naming the holder; a killed holder leaves no stale lock), backups taken while a console writes, restores only into
 * an empty store, and the restored audit chain verifying. Every command runs as an operator runs it, in its own process.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const work = mkdtempSync(path.join(os.tmpdir(), "switchyard-store-ops-"));
const AUDIT_KEY = "k".repeat(48);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

type Env = Record<string, string | undefined>;
const storeEnv = (extra: Env): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: "test",
  DATABASE_URL: undefined,
  AUDIT_KEY,
  ...extra,
});

function command(script: string, args: string[], env: Env): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts", script), ...args],
      { cwd: ROOT, env: storeEnv(env) },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** A console writing to its store (tests/support/store-holder-child.ts), once it has written. */
async function startHolder(env: Env): Promise<{ child: ChildProcess; appended: () => number }> {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "tests/support/store-holder-child.ts")],
    { cwd: ROOT, env: storeEnv(env) },
  );
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d.toString()));
  child.stderr!.on("data", (d) => (out += d.toString()));
  const appended = () =>
    Number(/APPENDED (\d+)\n(?![\s\S]*APPENDED)/.exec(out)?.[1] ?? (out.includes("READY") ? 1 : 0));
  await waitFor(
    "the store's holder to write",
    async () => appended() > 0 || (child.exitCode !== null && Promise.reject(new Error(out))),
    { timeoutMs: 60_000 },
  );
  return { child, appended };
}

async function killed(child: ChildProcess) {
  child.kill("SIGKILL");
  await waitFor("the holder to exit", async () => child.exitCode !== null || child.signalCode !== null, {
    timeoutMs: 10_000,
  });
}

const backupsIn = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith("switchyard-store-")) : [];

describe("the embedded store", () => {
  const dataDir = path.join(work, "embedded");
  const backups = path.join(work, "embedded-backups");

  it("belongs to one process: a second opener is refused at once naming the holder, and a killed holder leaves no stale lock", async () => {
    const holder = await startHolder({ DATA_DIR: dataDir });
    const t0 = Date.now();
    const migrate = await command("db-migrate.ts", [], { DATA_DIR: dataDir });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(migrate.code).not.toBe(0);
    expect(migrate.out).toContain(`in use by process ${holder.child.pid} (tests/support/store-holder-child.ts`);
    expect(migrate.out).toContain(`kill ${holder.child.pid}`);
    const writesBefore = holder.appended();
    await waitFor("the holder to go on writing", async () => holder.appended() > writesBefore + 5, {
      timeoutMs: 30_000,
    });

    await killed(holder.child);
    // The kernel freed the lock with the process: the next opener gets the store at once, intact.
    const after = await command("db-migrate.ts", [], { DATA_DIR: dataDir });
    expect(after.out).toContain("[store] up to date");
    expect(after.code).toBe(0);
    const verify = await command("audit-verify.ts", [], { DATA_DIR: dataDir });
    expect(verify.out).toMatch(/audit chain intact: \d+ rows/);
  });

  it("is backed up and verified by the console that holds it, while it writes; restored only into an empty directory, its chain intact", async () => {
    const holder = await startHolder({ DATA_DIR: dataDir });
    const verify = await command("audit-verify.ts", [], { DATA_DIR: dataDir });
    expect(verify.out).toContain(`asked the console holding ${path.join(dataDir, "pglite")}`);
    expect(verify.out).toMatch(/audit chain intact: \d+ rows/);
    expect(verify.code).toBe(0);

    const writtenBefore = holder.appended();
    const backup = await command("store-backup.ts", ["--dir", backups], { DATA_DIR: dataDir });
    expect(backup.out).toContain("taken by the console holding");
    expect(backup.code).toBe(0);
    const [file] = backupsIn(backups);
    expect(file).toMatch(/^switchyard-store-\d{8}T\d{6}Z\.tgz$/);
    expect(statSync(path.join(backups, file!)).mode & 0o777).toBe(0o600);
    // The holder kept writing through the backup.
    await waitFor("the holder to go on writing", async () => holder.appended() > writtenBefore + 5, {
      timeoutMs: 30_000,
    });
    await killed(holder.child);

    // Never over a store: the holder's own directory is refused and left as it was.
    const over = await command("store-restore.ts", [path.join(backups, file!)], { DATA_DIR: dataDir });
    expect(over.code).toBe(2);
    expect(over.out).toContain("already holds a store");
    expect((await command("audit-verify.ts", [], { DATA_DIR: dataDir })).code).toBe(0);

    const restoredDir = path.join(work, "restored");
    const restore = await command("store-restore.ts", [path.join(backups, file!)], { DATA_DIR: restoredDir });
    expect(restore.out).toMatch(/audit chain intact: (\d+) rows/);
    expect(restore.code).toBe(0);
    const rows = Number(/audit chain intact: (\d+) rows/.exec(restore.out)![1]);
    expect(rows).toBeGreaterThanOrEqual(writtenBefore);
    // The restored store opens as any other, and knows the backup it was made from came before it.
    const reopened = await command("audit-verify.ts", [], { DATA_DIR: restoredDir });
    expect(reopened.out).toContain(`audit chain intact: ${rows} rows`);
  });

  it("refuses a file that is not a backup, and creates nothing", async () => {
    const junk = path.join(work, "junk.tgz");
    writeFileSync(junk, "not a backup");
    const bad = await command("store-restore.ts", [junk], { DATA_DIR: path.join(work, "never") });
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("is not a Switchyard store backup");
    expect(existsSync(path.join(work, "never", "pglite"))).toBe(false);
  });

  it("says which directory is broken and how to restore it, and never writes to it", async () => {
    const brokenDir = path.join(work, "broken");
    const holder = await startHolder({ DATA_DIR: brokenDir });
    await killed(holder.child);
    const store = path.join(brokenDir, "pglite");
    // A control file emptied, as a failing disk or an overlapping writer can leave it.
    writeFileSync(path.join(store, "global", "pg_control"), Buffer.alloc(0));
    // Every file and its time of change, but the lock file PostgreSQL rewrites whenever it tries to start.
    const listing = () =>
      readdirSync(store, { recursive: true })
        .filter((f) => f !== "postmaster.pid")
        .map((f) => `${f}:${statSync(path.join(store, String(f))).mtimeMs}`)
        .sort();
    const before = listing();
    const opened = await command("db-migrate.ts", [], { DATA_DIR: brokenDir });
    expect(opened.code).not.toBe(0);
    expect(opened.out).toContain(`The embedded store at ${store} cannot be opened`);
    expect(opened.out).toContain(`mv ${store} ${store}.broken`);
    expect(opened.out).toContain("npm run store:restore");
    expect(listing()).toEqual(before);
  });
});

describe("a PostgreSQL store", () => {
  it("is dumped while a console writes, recorded for the admin page, and restored only into an empty database", async () => {
    const url = await freshDatabase(inject("storeUrl"));
    const backups = path.join(work, "pg-backups");
    const holder = await startHolder({ DATABASE_URL: url, DATA_DIR: path.join(work, "pg-data") });
    const backup = await command("store-backup.ts", ["--dir", backups], { DATABASE_URL: url });
    expect(backup.code).toBe(0);
    const [file] = backupsIn(backups);
    expect(file).toMatch(/^switchyard-store-\d{8}T\d{6}Z\.dump$/);
    expect(readFileSync(path.join(backups, file!)).subarray(0, 5).toString()).toBe("PGDMP");
    await killed(holder.child);

    const { createPgDb } = await import("@/server/db/pg-driver");
    const { lastBackup } = await import("@/server/db/backup");
    const db = createPgDb(url);
    try {
      const last = await lastBackup(db);
      expect(last?.file).toBe(file);
      expect(last!.ageMs).toBeGreaterThanOrEqual(0);
      expect(last!.ageMs).toBeLessThan(120_000);
    } finally {
      await db.close();
    }

    const refused = await command("store-restore.ts", [path.join(backups, file!)], { DATABASE_URL: url });
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/the database already holds \d+ tables/);

    const empty = await freshDatabase(inject("storeUrl"));
    const restore = await command("store-restore.ts", [path.join(backups, file!)], { DATABASE_URL: empty });
    expect(restore.out).toMatch(/audit chain intact: \d+ rows/);
    expect(restore.code).toBe(0);
    // The restored store is a working one: the console's migrations find nothing to do, and the chain keeps growing from it.
    const migrated = await command("db-migrate.ts", [], { DATABASE_URL: empty });
    expect(migrated.out).not.toContain("applied migrations");
    const writer = await startHolder({ DATABASE_URL: empty, DATA_DIR: path.join(work, "pg-data-2") });
    await killed(writer.child);
    expect((await command("audit-verify.ts", [], { DATABASE_URL: empty })).code).toBe(0);

    const embeddedInto = await command("store-restore.ts", [path.join(backups, file!)], {
      DATA_DIR: path.join(work, "not-here"),
    });
    expect(embeddedInto.code).toBe(2);
    expect(embeddedInto.out).toContain("is a PostgreSQL store's backup: set DATABASE_URL");
  });
});
