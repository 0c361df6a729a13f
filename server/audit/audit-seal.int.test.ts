import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";

/**
 * The sealed audit log on a real PostgreSQL store: rows from before the seal (SHA-256) still verify, new rows are
 * HMACs with the key kept in DATA_DIR, the table refuses changes, the signed checkpoint catches the newest rows
 * cut off, and the cached verdict reads only the rows after what it verified.
 */

const databaseUrl = await freshDatabase(inject("storeUrl"));
const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-audit-seal-"));
process.env.DATABASE_URL = databaseUrl;
process.env.DATA_DIR = dataDir;
delete process.env.AUDIT_KEY;

const { getDb } = await import("@/server/db");
const { appendAudit, auditHash, auditHmac, GENESIS_HASH } = await import("@/server/audit/append-audit");
const { verifyAuditChain } = await import("@/server/audit/verify-audit");
const { cachedAuditVerdict, auditCacheStats } = await import("@/server/audit/verdict-cache");
const { auditKeyProblem } = await import("@/server/audit/audit-key");

const root = path.resolve(import.meta.dirname, "../..");
const actor = { id: "00000000-0000-4000-8000-000000000001", email: "lead@x.test" };

type Row = {
  id: number;
  at: Date;
  actor_email: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  prev_hash: string;
  hash: string;
  alg: string;
};
const rows = async () =>
  (
    await (
      await getDb()
    ).query<Row>(
      "select id::int as id, at, actor_email, action, target, detail, prev_hash, hash, alg from audit_log order by id",
    )
  ).rows;
const append = async (action: string, detail: Record<string, unknown> = {}) =>
  (await getDb()).transaction((tx) => appendAudit(tx, { actor, action, target: "INC-1", detail }));
const content = (r: Row) => ({
  at: r.at.toISOString(),
  actorEmail: r.actor_email,
  action: r.action,
  target: r.target,
  detail: r.detail,
});

/** Runs SQL with the append-only trigger off, as a superuser who got past it would. */
async function behindTheTrigger(sql: string, params: unknown[] = []) {
  const db = await getDb();
  await db.exec("alter table audit_log disable trigger audit_log_append_only");
  try {
    await db.query(sql, params);
  } finally {
    await db.exec("alter table audit_log enable trigger audit_log_append_only");
  }
}

const verify = (env: Record<string, string | undefined> = {}) =>
  promisify(execFile)(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/audit-verify.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...env },
    timeout: 60_000,
  }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
    (err: { code?: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );

beforeAll(async () => {
  // Three rows as a console before the seal wrote them: plain SHA-256, alg left at its default.
  const db = await getDb();
  let prev = GENESIS_HASH;
  for (const [i, action] of ["user.set-role", "api-token.create", "action.request"].entries()) {
    const row = {
      at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      actorEmail: "old@x.test",
      action,
      target: `legacy-${i}`,
      detail: { i },
    };
    const hash = auditHash(prev, row);
    await db.query(
      "insert into audit_log (at, actor_email, action, target, detail, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7)",
      [row.at, row.actorEmail, row.action, row.target, JSON.stringify(row.detail), prev, hash],
    );
    prev = hash;
  }
});
afterAll(async () => (await getDb()).close());

describe("the switch from SHA-256 to HMAC", () => {
  it("verifies a log from before the seal as it is", async () => {
    expect((await rows()).map((r) => r.alg)).toEqual(["sha256", "sha256", "sha256"]);
    expect(await verifyAuditChain(await getDb())).toEqual({ ok: true, rows: 3 });
  });

  it("chains new rows after the old ones as HMACs with the key generated once in DATA_DIR (mode 0600)", async () => {
    await append("incident.declare", { title: "db down" });
    await append("incident.status", { from: "investigating", to: "mitigating" });
    const all = await rows();
    expect(all.map((r) => r.alg)).toEqual(["sha256", "sha256", "sha256", "hmac-sha256", "hmac-sha256"]);
    const keyFile = path.join(dataDir, "audit-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, "utf8").trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    const [, , old, first] = all;
    expect(first!.prev_hash).toBe(old!.hash);
    expect(first!.hash).toBe(auditHmac(key, first!.prev_hash, content(first!)));
    expect(first!.hash).not.toBe(auditHash(first!.prev_hash, content(first!)));
    expect(await verifyAuditChain(await getDb())).toEqual({ ok: true, rows: 5 });
    const cp = (
      await (
        await getDb()
      ).query<{ last_id: number; rows: number }>("select last_id::int, rows::int from audit_checkpoint")
    ).rows;
    expect(cp).toEqual([{ last_id: all[4]!.id, rows: 5 }]);
  });

  it("exits 0 from npm run audit:verify and prints the newest row to keep elsewhere", async () => {
    const head = (await rows()).at(-1)!;
    expect(await verify()).toMatchObject({
      code: 0,
      stdout: `audit chain intact: 5 rows\nnewest row: #${head.id} ${head.hash}\n`,
    });
  });

  it("refuses a plain SHA-256 row after the HMAC rows, though anyone could compute it", async () => {
    const head = (await rows()).at(-1)!;
    const forged = {
      at: new Date().toISOString(),
      actorEmail: "mallory@x.test",
      action: "user.set-role",
      target: "mallory@x.test",
      detail: { to: "admin" },
    };
    await (
      await getDb()
    ).query(
      "insert into audit_log (at, actor_email, action, target, detail, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7)",
      [
        forged.at,
        forged.actorEmail,
        forged.action,
        forged.target,
        JSON.stringify(forged.detail),
        head.hash,
        auditHash(head.hash, forged),
      ],
    );
    const id = (await rows()).at(-1)!.id;
    expect(await verifyAuditChain(await getDb())).toMatchObject({
      ok: false,
      brokenAt: id,
      reason: "a plain SHA-256 row after the switch to HMAC rows",
    });
    await behindTheTrigger("delete from audit_log where id = $1", [id]);
    expect(await verifyAuditChain(await getDb())).toMatchObject({ ok: true, rows: 5 });
  });

  it("refuses an HMAC row made with another key, and a row added after the checkpoint", async () => {
    const head = (await rows()).at(-1)!;
    const forged = {
      at: new Date().toISOString(),
      actorEmail: "mallory@x.test",
      action: "user.set-role",
      target: "m",
      detail: {},
    };
    await (
      await getDb()
    ).query(
      "insert into audit_log (at, actor_email, action, target, detail, prev_hash, hash, alg) values ($1, $2, $3, $4, $5, $6, $7, 'hmac-sha256')",
      [
        forged.at,
        forged.actorEmail,
        forged.action,
        forged.target,
        "{}",
        head.hash,
        auditHmac("m".repeat(40), head.hash, forged),
      ],
    );
    const id = (await rows()).at(-1)!.id;
    expect(await verifyAuditChain(await getDb())).toMatchObject({
      ok: false,
      brokenAt: id,
      reason: "its content does not match its hash",
    });
    await behindTheTrigger("delete from audit_log where id = $1", [id]);
  });
});

describe("the append-only table", () => {
  it("refuses UPDATE, DELETE and TRUNCATE with the rule's name, and a checkpoint moved back", async () => {
    const db = await getDb();
    const refused = (sql: string) =>
      db.query(sql).then(
        () => null,
        (err: { message: string; code?: string }) => ({ message: err.message, code: err.code }),
      );
    for (const [sql, op] of [
      ["update audit_log set detail = '{}' where id = (select max(id) from audit_log)", "UPDATE"],
      ["delete from audit_log where id = (select max(id) from audit_log)", "DELETE"],
      ["truncate audit_log", "TRUNCATE"],
    ] as const) {
      expect(await refused(sql)).toEqual({
        message: `audit_log is append-only: ${op} is refused (rule: audit rows are never changed or removed)`,
        code: "42501",
      });
    }
    expect((await refused("update audit_checkpoint set last_id = 1"))?.message).toMatch(
      /^audit_checkpoint moves forward only/,
    );
    expect((await refused("truncate audit_checkpoint"))?.message).toMatch(/^audit_checkpoint is never removed/);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 5 });
  });

  it("still catches a row edited by a superuser with the trigger disabled", async () => {
    const target = (await rows())[3]!;
    const original = JSON.stringify(target.detail);
    await behindTheTrigger('update audit_log set detail = \'{"title":"nothing happened"}\' where id = $1', [target.id]);
    expect(await verifyAuditChain(await getDb())).toMatchObject({
      ok: false,
      brokenAt: target.id,
      reason: "its content does not match its hash",
    });
    const broken = await verify();
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`audit chain BROKEN at row #${target.id}: its content does not match its hash`);
    await behindTheTrigger("update audit_log set detail = $2::jsonb where id = $1", [target.id, original]);
    expect(await verifyAuditChain(await getDb())).toEqual({ ok: true, rows: 5 });
  });
});

describe("the signed checkpoint", () => {
  it("catches the newest rows cut off, in npm run audit:verify and the page's verdict", async () => {
    await append("incident.note", { text: "one" });
    await append("incident.note", { text: "two" });
    const all = await rows();
    const [second, last] = all.slice(-2);
    const saved = (
      await (
        await getDb()
      ).query<{ rows: unknown }>("select json_agg(a) as rows from audit_log a where id >= $1", [second!.id])
    ).rows[0]!.rows;
    await behindTheTrigger("delete from audit_log where id >= $1", [second!.id]);

    const cut = await verify();
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain(
      `audit chain BROKEN at row #${last!.id}: the newest 2 rows were removed: the chain ends at row #${all.at(-3)!.id}`,
    );
    expect(await cachedAuditVerdict(await getDb())).toMatchObject({
      ok: false,
      rows: 5,
      brokenAt: last!.id,
      reason: expect.stringMatching(/^the newest 2 rows were removed/),
    });

    await (
      await getDb()
    ).query("insert into audit_log select * from json_populate_recordset(null::audit_log, $1::json)", [
      JSON.stringify(saved),
    ]);
    expect(await verify()).toMatchObject({ code: 0 });
  });

  it("refuses a checkpoint written without the key", async () => {
    const db = await getDb();
    const cp = (await db.query<{ mac: string }>("select mac from audit_checkpoint")).rows[0]!;
    await db.query("update audit_checkpoint set mac = $1", ["0".repeat(64)]);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      reason: "the checkpoint's signature does not match: it was written without the audit key",
    });
    await db.query("update audit_checkpoint set mac = $1", [cp.mac]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 7 });
  });

  it("cannot be checked without the key, and a wrong AUDIT_KEY breaks the HMAC rows", async () => {
    const noKey = await verify({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "switchyard-no-key-")) });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^audit chain not verified: the audit key is missing \(set AUDIT_KEY/);
    const wrong = await verify({ AUDIT_KEY: "w".repeat(40) });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`BROKEN at row #${(await rows())[3]!.id}: its content does not match its hash`);
  });

  it("keeps the count: rows cut off and then appended after are still missing", async () => {
    const last = (await rows()).at(-1)!;
    await behindTheTrigger("delete from audit_log where id = $1", [last.id]);
    await append("incident.note", { text: "after the cut" });
    expect(await verifyAuditChain(await getDb())).toMatchObject({
      ok: false,
      rows: 7,
      reason: "1 row was removed from the log: the signed checkpoint counts 8",
    });
  });
});

describe("the cached verdict", () => {
  it("verifies only the rows after the prefix it verified, and walks everything again after a failure", async () => {
    // A fresh store for this: the one above was left broken on purpose.
    const { createPgDb } = await import("@/server/db/pg-driver");
    const { migrate } = await import("@/server/db/migrate");
    const db = createPgDb(await freshDatabase(inject("storeUrl")));
    try {
      await migrate(db);
      for (let i = 0; i < 20; i++)
        await db.transaction((tx) =>
          appendAudit(tx, { actor, action: "incident.note", target: "INC-2", detail: { i } }),
        );
      const fullWalks = auditCacheStats.fullWalks;
      expect(await cachedAuditVerdict(db)).toEqual({ ok: true, rows: 20 });
      expect(auditCacheStats).toMatchObject({ rowsRead: 20, fullWalks: fullWalks + 1 });
      expect(await cachedAuditVerdict(db)).toEqual({ ok: true, rows: 20 });
      expect(auditCacheStats).toMatchObject({ rowsRead: 0, fullWalks: fullWalks + 1 });
      for (let i = 0; i < 3; i++)
        await db.transaction((tx) =>
          appendAudit(tx, { actor, action: "incident.note", target: "INC-2", detail: { i } }),
        );
      expect(await cachedAuditVerdict(db)).toEqual({ ok: true, rows: 23 });
      expect(auditCacheStats.rowsRead).toBe(3);

      // Two more rows, the newest cut off: caught reading only the one left after the prefix; then the prefix is forgotten.
      for (let i = 0; i < 2; i++)
        await db.transaction((tx) =>
          appendAudit(tx, { actor, action: "incident.note", target: "INC-2", detail: { i } }),
        );
      const newest = (await db.query<{ id: number }>("select max(id)::int as id from audit_log")).rows[0]!.id;
      await db.exec("alter table audit_log disable trigger audit_log_append_only");
      await db.query("delete from audit_log where id = $1", [newest]);
      await db.exec("alter table audit_log enable trigger audit_log_append_only");
      expect(await cachedAuditVerdict(db)).toMatchObject({
        ok: false,
        rows: 24,
        brokenAt: newest,
        reason: expect.stringMatching(/^the newest row was removed/),
      });
      expect(auditCacheStats).toMatchObject({ rowsRead: 1, fullWalks: fullWalks + 1 });
      expect(await cachedAuditVerdict(db)).toMatchObject({ ok: false, rows: 24 });
      expect(auditCacheStats).toMatchObject({ rowsRead: 24, fullWalks: fullWalks + 2 });
    } finally {
      await db.close();
    }
  });
});

describe("sealing a log from before the checkpoint", () => {
  it("checkpoints its newest row once, after which cutting it off is caught", async () => {
    const { createPgDb } = await import("@/server/db/pg-driver");
    const { migrate } = await import("@/server/db/migrate");
    const { sealAuditHead } = await import("@/server/audit/checkpoint");
    const db = createPgDb(await freshDatabase(inject("storeUrl")));
    try {
      await migrate(db);
      expect(await sealAuditHead(db)).toBe(false); // nothing to seal
      let prev = GENESIS_HASH;
      for (const action of ["user.set-role", "api-token.create"]) {
        const row = { at: new Date().toISOString(), actorEmail: null, action, target: null, detail: {} };
        const hash = auditHash(prev, row);
        await db.query("insert into audit_log (at, action, detail, prev_hash, hash) values ($1, $2, '{}', $3, $4)", [
          row.at,
          action,
          prev,
          hash,
        ]);
        prev = hash;
      }
      expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 2 });
      expect(await sealAuditHead(db)).toBe(true);
      expect(await sealAuditHead(db)).toBe(false);
      expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 2 });
      await db.exec("alter table audit_log disable trigger audit_log_append_only");
      await db.query("delete from audit_log where id = (select max(id) from audit_log)");
      await db.exec("alter table audit_log enable trigger audit_log_append_only");
      expect(await verifyAuditChain(db)).toMatchObject({
        ok: false,
        rows: 1,
        reason: expect.stringMatching(/^the newest row was removed/),
      });
    } finally {
      await db.close();
    }
  });
});

describe("auditKeyProblem", () => {
  it("has nothing against a key kept in DATA_DIR outside production", () => {
    expect(auditKeyProblem()).toBeNull();
  });
});
