import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { verifyAuditChain } from "@/server/audit/verify-audit";
import { verifyPassword } from "@/server/auth/passwords";
import { createPgDb } from "@/server/db/pg-driver";
import { createPgliteDb } from "@/server/db/pglite-driver";
import type { Db } from "@/server/db/types";
import { freshDatabase } from "@/tests/support/fresh-database";

/** `npm run user:create` as a child process, password on stdin, against a fresh PostgreSQL database and a fresh embedded store. */

const root = path.resolve(import.meta.dirname, "..");
const PASSWORD = "correct horse battery";

type Run = { code: number | null; stdout: string; stderr: string };

function userCreate(args: string[], storeEnv: Record<string, string>, stdin: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...storeEnv };
  if (!storeEnv.DATABASE_URL) delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "scripts/user-create.ts", ...args],
      { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on("error", () => undefined); // the command may exit before reading stdin
    child.stdin.end(stdin);
  });
}

interface StoreKind {
  name: string;
  env(): Promise<Record<string, string>>;
  /** True while nothing at all has been written: no store files, no tables. */
  untouched(): Promise<boolean>;
  open(): Promise<Db>;
  /** The audit key the command signed with, when it is not this process's own (another DATA_DIR). */
  auditKey?(): string;
}

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function postgresStore(): StoreKind {
  let url: Promise<string> | undefined;
  const databaseUrl = () => (url ??= freshDatabase(inject("storeUrl")));
  return {
    name: "PostgreSQL (DATABASE_URL)",
    env: async () => ({ DATABASE_URL: await databaseUrl() }),
    async untouched() {
      const client = new pg.Client({ connectionString: await databaseUrl() });
      await client.connect();
      try {
        const r = await client.query<{ n: number }>(
          "select count(*)::int as n from pg_tables where schemaname = 'public'",
        );
        return r.rows[0]!.n === 0;
      } finally {
        await client.end();
      }
    },
    open: async () => createPgDb(await databaseUrl()),
  };
}

function embeddedStore(): StoreKind {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-user-create-"));
  temps.push(dataDir);
  return {
    name: "embedded PGlite (DATA_DIR)",
    env: async () => ({ DATA_DIR: dataDir }),
    untouched: async () => !existsSync(path.join(dataDir, "pglite")),
    // Only between runs of the command: one process at a time on the embedded store.
    open: () => createPgliteDb(path.join(dataDir, "pglite")),
    auditKey: () => readFileSync(path.join(dataDir, "audit-key"), "utf8").trim(),
  };
}

async function snapshot(kind: StoreKind) {
  const db = await kind.open();
  try {
    const users = await db.query<{
      email: string;
      name: string;
      role: string;
      password_hash: string | null;
      demo: boolean;
    }>("select email, name, role, password_hash, demo from users order by email");
    const audit = await db.query<{
      action: string;
      actor_id: string | null;
      actor_email: string | null;
      target: string | null;
      detail: unknown;
    }>("select action, actor_id, actor_email, target, detail from audit_log order by id");
    return {
      users: users.rows,
      audit: audit.rows,
      chain: await (kind.auditKey ? verifyAuditChain(db, kind.auditKey()) : verifyAuditChain(db)),
    };
  } finally {
    await db.close();
  }
}

describe.each([postgresStore(), embeddedStore()])("npm run user:create on $name", (kind) => {
  const noPasswordIn = (run: Run) => expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);

  it("refuses bad input with exit 2, naming the problem, before writing anything (not even migrations)", async () => {
    const env = await kind.env();
    const cases: [string[], string, RegExp][] = [
      [
        ["--email", "ops@example.com", "--role", "superuser"],
        `${PASSWORD}\n`,
        /--role: .*"viewer"\|"engineer"\|"lead"\|"admin"/,
      ],
      [["--email", "ops@example.com", "--role", "admin"], "short\n", /the password must be at least 8 characters/],
      [["--email", "not-an-email", "--role", "admin"], `${PASSWORD}\n`, /--email: Invalid email/],
      [["--email", "ops@example.com"], `${PASSWORD}\n`, /--role is required/],
      [["--role", "admin"], `${PASSWORD}\n`, /--email is required/],
      [["--email", "ops@example.com", "--role", "admin"], "", /the password must be at least 8 characters/],
    ];
    const runs = await Promise.all(cases.map(([args, stdin]) => userCreate(args, env, stdin)));
    runs.forEach((run, i) => {
      expect(run, cases[i]![0].join(" ")).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toMatch(/^user not created: /);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(cases[i]![2]);
      noPasswordIn(run);
    });
    expect(await kind.untouched()).toBe(true);
  });

  it("creates the account with its audit row in a brand-new store", async () => {
    const run = await userCreate(
      ["--email", "Ops@Example.com", "--role", "admin"],
      await kind.env(),
      `${PASSWORD}\nignored second line\n`,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/created ops@example\.com \(admin\)\n$/);
    if (kind.name.startsWith("embedded"))
      expect(run.stdout).toContain("the console must not be running on it at the same time");
    else expect(run.stdout).toBe("created ops@example.com (admin)\n");
    expect(run.stderr).toBe("");
    noPasswordIn(run);

    const { users, audit, chain } = await snapshot(kind);
    expect(users).toHaveLength(1);
    const user = users[0]!;
    expect(user).toMatchObject({ email: "ops@example.com", name: "Ops", role: "admin", demo: false });
    expect(user.password_hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(PASSWORD, user.password_hash!)).toBe(true);
    expect(await verifyPassword("ignored second line", user.password_hash!)).toBe(false);
    expect(audit).toEqual([
      {
        action: "user.create",
        actor_id: null,
        actor_email: null,
        target: "ops@example.com",
        detail: { role: "admin", via: "cli" },
      },
    ]);
    expect(chain).toEqual({ ok: true, rows: 1 });
  });

  it("refuses an existing email with exit 1 and changes nothing", async () => {
    const before = await snapshot(kind);
    const run = await userCreate(
      ["--email", "OPS@example.com", "--role", "viewer", "--name", "Someone Else"],
      await kind.env(),
      "a different password\n",
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("user not created: An account for ops@example.com already exists.\n");
    expect(await snapshot(kind)).toEqual(before);
  });

  it("takes --name, and bad input on an existing store writes nothing either", async () => {
    const env = await kind.env();
    const bad = await userCreate(["--email", "lead@example.com", "--role", "lead"], env, "1234567\n");
    expect(bad).toMatchObject({ code: 2, stderr: "user not created: the password must be at least 8 characters\n" });
    const before = await snapshot(kind);
    expect(before.users.map((u) => u.email)).toEqual(["ops@example.com"]);

    const run = await userCreate(
      ["--email", "lead@example.com", "--role", "lead", "--name", "  Lee Lead "],
      env,
      `${PASSWORD}\r\n`,
    );
    expect(run.code, run.stderr).toBe(0);
    const after = await snapshot(kind);
    const lead = after.users.find((u) => u.email === "lead@example.com")!;
    expect(lead).toMatchObject({ name: "Lee Lead", role: "lead" });
    expect(await verifyPassword(PASSWORD, lead.password_hash!)).toBe(true);
    expect(after.audit.map((a) => [a.action, a.target])).toEqual([
      ["user.create", "ops@example.com"],
      ["user.create", "lead@example.com"],
    ]);
    expect(after.chain).toEqual({ ok: true, rows: 2 });
  });
});

describe("npm run user:create without a store", () => {
  it("exits 3 with a clear message when PostgreSQL cannot be reached", async () => {
    const run = await userCreate(
      ["--email", "ops@example.com", "--role", "admin"],
      { DATABASE_URL: "postgres://nobody:x@127.0.0.1:1/none" },
      `${PASSWORD}\n`,
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^user not created: cannot open the store \(DATABASE_URL\): .*ECONNREFUSED/);
    expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
  });
});
