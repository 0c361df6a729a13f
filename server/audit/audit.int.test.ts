import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";

/** The audit log on a real PostgreSQL store: filters, the JSON and CSV API, and `npm run audit:verify` before and after tampering. */

const databaseUrl = await freshDatabase(inject("storeUrl"));
process.env.DATABASE_URL = databaseUrl;

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const { appendAudit } = await import("@/server/audit/append-audit");
const { createApiToken } = await import("@/server/auth/api-tokens");
const { listAudit, auditChainStatus } = await import("@/server/audit/audit-service");
const { forgetAuditVerdicts } = await import("@/server/audit/verdict-cache");
const { GET } = await import("@/app/api/v1/audit/route");
type User = import("@/server/auth/users").User;
type AuditEntry = import("@/server/audit/append-audit").AuditEntry;
type Caller = import("@/server/auth/caller").Caller;

const root = path.resolve(import.meta.dirname, "../..");
// Keys in jsonb's own order (shorter first), so the exported JSON reads back character for character.
const awkwardDetail = { count: 3, reason: 'lag, "way" too high\nsecond line' };

let viewer: Caller;
let token: string;
/** Between the first and the second batch of rows. */
let midway: string;
const ids: Record<string, number> = {};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function append(key: string, entry: AuditEntry) {
  const db = await getDb();
  await db.transaction((tx) => appendAudit(tx, entry));
  ids[key] = (await db.query<{ id: number }>("select max(id)::int as id from audit_log")).rows[0]!.id;
}

beforeAll(async () => {
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  const [admin, lead, engineer, watcher] = [
    await mk("admin@x.test", "admin"),
    await mk("lead@x.test", "lead"),
    await mk("eng@x.test", "engineer"),
    await mk("watcher@x.test", "viewer"),
  ];
  viewer = { kind: "user", user: watcher };
  token = (await createApiToken(admin, { name: "audit-reader" })).token; // row "api-token.create"
  ids.token = (await db.query<{ id: number }>("select max(id)::int as id from audit_log")).rows[0]!.id;

  await append("role", {
    actor: admin,
    action: "user.set-role",
    target: "eng@x.test",
    detail: { from: "viewer", to: "engineer" },
  });
  await append("request12", {
    actor: engineer,
    action: "action.request",
    target: "db.promote-replica#12",
    detail: awkwardDetail,
  });
  await sleep(30);
  midway = new Date().toISOString();
  await sleep(30);
  await append("approve12", {
    actor: lead,
    action: "action.approve",
    target: "db.promote-replica#12",
    detail: { paramsHash: "abc" },
  });
  await append("request13", { actor: engineer, action: "action.request", target: "cdn.switch-provider#13" });
  await append("interrupted12", {
    actor: null,
    action: "action.interrupted",
    target: "db.promote-replica#12",
    detail: { known: "promoting" },
  });
});
afterAll(async () => (await getDb()).close());

const get = (query: string, auth = `Bearer ${token}`) =>
  GET(new Request(`http://console.test/api/v1/audit${query}`, { headers: { authorization: auth } }));
const listed = async (filters: Record<string, string | number>) => (await listAudit(viewer, filters)).map((r) => r.id);

describe("listAudit", () => {
  it("lists every row newest first, with its hash chain fields", async () => {
    expect(await listed({})).toEqual([
      ids.interrupted12,
      ids.request13,
      ids.approve12,
      ids.request12,
      ids.role,
      ids.token,
    ]);
    const [row] = await listAudit(viewer, { action: "action.request", target: "#12" });
    expect(row).toMatchObject({
      id: ids.request12,
      actorEmail: "eng@x.test",
      action: "action.request",
      target: "db.promote-replica#12",
      detail: awkwardDetail,
    });
    expect(row!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(row!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.prevHash).toBe((await listAudit(viewer, { action: "user.set-role" }))[0]!.hash);
  });

  it("matches the action by prefix, so a whole name matches itself", async () => {
    expect(await listed({ action: "action." })).toEqual([
      ids.interrupted12,
      ids.request13,
      ids.approve12,
      ids.request12,
    ]);
    expect(await listed({ action: "action.approve" })).toEqual([ids.approve12]);
    expect(await listed({ action: "user." })).toEqual([ids.role]);
    expect(await listed({ action: "request" })).toEqual([]);
    expect(await listed({ action: "action%" })).toEqual([]); // no LIKE wildcards
  });

  it("matches part of the actor's email in any case; system rows have no actor", async () => {
    expect(await listed({ actor: "ENG@" })).toEqual([ids.request13, ids.request12]);
    expect(await listed({ actor: "admin@x" })).toEqual([ids.role, ids.token]);
    expect(await listed({ actor: "_" })).toEqual([]);
  });

  it("matches part of the target", async () => {
    expect(await listed({ target: "#12" })).toEqual([ids.interrupted12, ids.approve12, ids.request12]);
    expect(await listed({ target: "CDN.switch" })).toEqual([ids.request13]);
  });

  it("keeps rows from and to a moment, a moment without a zone being UTC", async () => {
    expect(await listed({ from: midway })).toEqual([ids.interrupted12, ids.request13, ids.approve12]);
    expect(await listed({ to: midway })).toEqual([ids.request12, ids.role, ids.token]);
    expect(await listed({ from: midway.slice(0, 23) })).toEqual([ids.interrupted12, ids.request13, ids.approve12]);
    expect(await listed({ from: "2000-01-01T00:00:00Z", to: "2000-01-02T00:00:00+02:00" })).toEqual([]);
  });

  it("combines filters and limits to the newest rows", async () => {
    expect(await listed({ action: "action.", target: "#12", from: midway })).toEqual([
      ids.interrupted12,
      ids.approve12,
    ]);
    expect(await listed({ limit: 2 })).toEqual([ids.interrupted12, ids.request13]);
    expect(await listed({ limit: "1" })).toEqual([ids.interrupted12]);
  });

  it("refuses bad filters with a message naming the field", async () => {
    const refused = (filters: Record<string, unknown>) => listAudit(viewer, filters).catch((err: unknown) => err);
    expect(await refused({ limit: 0 })).toMatchObject({ code: "invalid", message: expect.stringMatching(/^limit: /) });
    expect(await refused({ limit: 5001 })).toMatchObject({ code: "invalid", message: "limit: must be at most 5000" });
    expect(await refused({ limit: "lots" })).toMatchObject({
      code: "invalid",
      message: expect.stringMatching(/^limit: must be a whole number/),
    });
    expect(await refused({ from: "last tuesday" })).toMatchObject({
      code: "invalid",
      message: expect.stringMatching(/^from: expected an ISO 8601 date and time/),
    });
    expect(await refused({ from: "2026-05-02T00:00:00Z", to: "2026-05-01T00:00:00Z" })).toMatchObject({
      code: "invalid",
      message: "to: must not be before from",
    });
    expect(await refused({ action: "a".repeat(101) })).toMatchObject({
      code: "invalid",
      message: "action: must be at most 100 characters",
    });
  });
});

describe("GET /api/v1/audit", () => {
  it("answers an API token with the filtered rows and the chain's verdict", async () => {
    const res = await get("?action=action.&target=%2312&limit=2");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.rows.map((r: { id: number }) => r.id)).toEqual([ids.interrupted12, ids.approve12]);
    expect(body.chain).toEqual({ ok: true, rows: 6 });
  });

  it("downloads CSV with every field quoted as it must be", async () => {
    const res = await get(`?action=action.request&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="switchyard-audit-\d{4}-\d\d-\d\d\.csv"$/,
    );
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("id,at,actor,action,target,detail,prev_hash,hash");
    expect(lines).toHaveLength(4); // two rows and the final line end
    expect(lines[1]).toMatch(
      new RegExp(
        `^${ids.request13},[^,]+,eng@x\\.test,action\\.request,cdn\\.switch-provider#13,{},[0-9a-f]{64},[0-9a-f]{64}$`,
      ),
    );
    const detailField = `"${JSON.stringify(awkwardDetail).replace(/"/g, '""')}"`;
    expect(detailField).toContain(",");
    expect(lines[2]).toContain(`,db.promote-replica#12,${detailField},`);
  });

  it("downloads JSON with the filters used", async () => {
    const res = await get("?actor=lead&format=json");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="switchyard-audit-\d{4}-\d\d-\d\d\.json"$/,
    );
    const body = await res.json();
    expect(body).toMatchObject({ filters: { actor: "lead" }, chain: { ok: true } });
    expect(body.rows.map((r: { id: number }) => r.id)).toEqual([ids.approve12]);
  });

  it("answers bad filters and an unknown format with 400 and says why", async () => {
    const bad = await get("?from=soon");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "invalid", message: expect.stringMatching(/^from: /) });
    const format = await get("?format=xml");
    expect(format.status).toBe(400);
    expect(await format.json()).toMatchObject({ error: "invalid", message: "format must be csv or json" });
  });

  it("refuses an unknown token", async () => {
    expect((await get("", "Bearer sy_not-a-real-token-at-all-000000")).status).toBe(401);
  });
});

describe("npm run audit:verify", () => {
  const verify = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/audit-verify.ts"], {
      cwd: root,
      env: { ...process.env, ...env },
      timeout: 60_000,
    }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
      (err: { code?: number; stdout: string; stderr: string }) => ({
        code: err.code,
        stdout: err.stdout,
        stderr: err.stderr,
      }),
    );

  it("exits 0 on an intact chain, then 1 naming the row changed by SQL", async () => {
    const intact = await verify({ DATABASE_URL: databaseUrl });
    expect(intact).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        new RegExp(`^audit chain intact: 6 rows\nnewest row: #${ids.interrupted12} [0-9a-f]{64}\n$`),
      ),
    });

    // The table refuses the change; a superuser who disables its trigger gets it in, and is caught.
    const db = await getDb();
    await expect(
      db.query(`update audit_log set detail = '{"from":"viewer","to":"admin"}' where id = $1`, [ids.role]),
    ).rejects.toThrow(/audit_log is append-only/);
    await db.exec("alter table audit_log disable trigger audit_log_append_only");
    await db.query(`update audit_log set detail = '{"from":"viewer","to":"admin"}' where id = $1`, [ids.role]);
    await db.exec("alter table audit_log enable trigger audit_log_append_only");
    const broken = await verify({ DATABASE_URL: databaseUrl });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`audit chain BROKEN at row #${ids.role}: its content does not match its hash`);
    // The page's verdict is cached: a row changed inside the prefix it verified is found at its next full walk
    // (at most FULL_WALK_MS later), which forgetting the prefix stands for here.
    forgetAuditVerdicts(db);
    expect(await auditChainStatus(viewer)).toMatchObject({ ok: false, brokenAt: ids.role });
    expect((await (await get("")).json()).chain).toMatchObject({ ok: false, brokenAt: ids.role });
  });

  it("exits 2 when it cannot open the store", async () => {
    const unreachable = await verify({ DATABASE_URL: "postgres://nobody:x@127.0.0.1:1/none" });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/audit chain not verified: cannot open or read the store: .*ECONNREFUSED/);
  });
});
