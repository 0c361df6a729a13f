import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { waitFor } from "@/lab/wait";
import { freshDatabase } from "@/tests/support/fresh-database";

/**
 * Sessions that can end (issue 11, part 5): session epochs (sign out everywhere, an admin ending a user's
 * sessions and tokens), token scopes and expiry, the Alertmanager receiver's refusals, and an event stream that
 * ends once its token is revoked. Real PostgreSQL; the route handlers are called as Next.js calls them.
 */

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.LAB_DIR = "/nonexistent-lab"; // no fleet: the event stream reports the store's snapshot or an error
process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "switchyard-sessions-"));
process.env.NEXTAUTH_SECRET ??= "t7Hq2Vn9Lx4Rb8Kc1Mz6Wp3Ys5Dg0Fj";

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const session = await import("@/server/auth/session");
const { callerStillValid, CALLER_RECHECK_MS, requireCaller } = await import("@/server/auth/caller");
const tokens = await import("@/server/auth/api-tokens");
const receiver = await import("@/app/api/v1/alerts/alertmanager/route");
const alertsRoute = await import("@/app/api/v1/alerts/route");
const eventsRoute = await import("@/app/api/v1/events/route");
const { setUserRole } = await import("@/server/auth/user-service");
const { listenToOtherConsoles } = await import("@/server/events/bus");
type User = import("@/server/auth/users").User;

let admin: User, otherAdmin: User, engineer: User, viewer: User;

beforeAll(async () => {
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  admin = await mk("admin@sessions.test", "admin");
  otherAdmin = await mk("admin2@sessions.test", "admin");
  engineer = await mk("eng@sessions.test", "engineer");
  viewer = await mk("view@sessions.test", "viewer");
});
afterAll(async () => (await getDb()).close());

const audits = async (action: string) =>
  (
    await (
      await getDb()
    ).query<{ target: string; detail: Record<string, unknown> }>(
      "select target, detail from audit_log where action = $1 order by id",
      [action],
    )
  ).rows;
const auditCount = async () =>
  (await (await getDb()).query<{ n: number }>("select count(*)::int as n from audit_log")).rows[0]!.n;
const epochOf = async (u: User) =>
  (await (await getDb()).query<{ e: number }>("select session_epoch as e from users where id = $1", [u.id])).rows[0]!.e;
const bearer = (secret: string, init: RequestInit & { path?: string } = {}) =>
  new Request(`http://console.test${init.path ?? "/api/v1/alerts"}`, {
    ...init,
    headers: { authorization: `Bearer ${secret}`, ...(init.headers as Record<string, string>) },
  });

describe("session epochs", () => {
  it("stamps the account's epoch at sign-in; a session of an older epoch is refused after sign-out everywhere", async () => {
    const stamped = await session.stampSessionEpoch({ sub: engineer.id });
    expect(stamped.sessionEpoch).toBe(0);
    // A session issued before epochs existed carries none and counts as 0.
    expect(await session.userForSession({ userId: engineer.id, epoch: 0 })).toMatchObject({
      email: engineer.email,
      role: "engineer",
    });

    expect(await session.signOutEverywhere(engineer)).toEqual({ sessionEpoch: 1 });
    expect(await session.userForSession({ userId: engineer.id, epoch: 0 })).toBeNull();
    expect(await callerStillValid({ kind: "user", user: engineer, sessionEpoch: 0 })).toBe(false);
    // Signing in again gets the new epoch, and that session works.
    const again = await session.stampSessionEpoch({ sub: engineer.id });
    expect(again.sessionEpoch).toBe(1);
    expect(await session.userForSession({ userId: engineer.id, epoch: 1 })).toMatchObject({ email: engineer.email });
    expect(await callerStillValid({ kind: "user", user: engineer, sessionEpoch: 1 })).toBe(true);
    expect(await audits("session.sign-out-everywhere")).toEqual([
      { target: engineer.email, detail: { sessionEpoch: 1 } },
    ]);
  });

  it("lets an admin end a user's sessions and the API tokens they created at once, audited", async () => {
    const made = await tokens.createApiToken(otherAdmin, { name: "made-by-admin2" });
    const mine = await tokens.createApiToken(admin, { name: "made-by-admin" });
    const before = await epochOf(otherAdmin);

    expect(await session.endUserSessions(admin, { userId: otherAdmin.id })).toEqual({
      email: otherAdmin.email,
      tokensRevoked: ["made-by-admin2"],
    });
    expect(await epochOf(otherAdmin)).toBe(before + 1);
    expect(await session.userForSession({ userId: otherAdmin.id, epoch: before })).toBeNull();
    expect(await tokens.findActiveToken(made.token)).toBeNull();
    expect(await tokens.findActiveToken(mine.token)).toMatchObject({ name: "made-by-admin" });
    expect(await audits("user.end-sessions")).toEqual([
      { target: otherAdmin.email, detail: { sessionEpoch: before + 1, tokensRevoked: ["made-by-admin2"] } },
    ]);
  });

  it("refuses a non-admin ending someone's sessions, and writes nothing", async () => {
    const t = await tokens.createApiToken(admin, { name: "survives" });
    const [epoch, count] = [await epochOf(admin), await auditCount()];
    for (const actor of [engineer, viewer]) {
      await expect(session.endUserSessions(actor, { userId: admin.id })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await epochOf(admin)).toBe(epoch);
    expect(await auditCount()).toBe(count);
    expect(await tokens.findActiveToken(t.token)).not.toBeNull();
  });

  it("answers not found for a user that does not exist, writing nothing", async () => {
    const count = await auditCount();
    await expect(
      session.endUserSessions(admin, { userId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await auditCount()).toBe(count);
  });
});

describe("API token scopes and expiry", () => {
  it("reads by default; a token made before scopes existed reads and cannot post alerts", async () => {
    const { token, record } = await tokens.createApiToken(admin, { name: "default-scope" });
    expect(record).toMatchObject({ scopes: ["read"], expiresAt: null });
    expect(await requireCaller(bearer(token))).toMatchObject({ kind: "token", name: "default-scope" });
    // As the migration leaves an older token: the column's default.
    const db = await getDb();
    await db.query("insert into api_tokens (name, token_hash, prefix) values ('legacy', 'x', 'sy_old')");
    expect(
      (await db.query<{ scopes: string[] }>("select scopes from api_tokens where name = 'legacy'")).rows[0]!.scopes,
    ).toEqual(["read"]);
  });

  it("keeps scopes and refuses a token on a route its scopes do not cover", async () => {
    const { token, record } = await tokens.createApiToken(admin, { name: "am-only", scopes: ["alerts:write"] });
    expect(record.scopes).toEqual(["alerts:write"]);
    const res = await alertsRoute.GET(bearer(token));
    expect(res.status).toBe(403);
    expect((await res.json()).message).toMatch(/does not have the read scope/);
    const both = await tokens.createApiToken(admin, { name: "both", scopes: ["alerts:write", "read", "read"] });
    expect(both.record.scopes).toEqual(["read", "alerts:write"]);
  });

  it("refuses bad scopes and expiries, writing nothing", async () => {
    const count = await auditCount();
    await expect(tokens.createApiToken(admin, { name: "x", scopes: [] })).rejects.toMatchObject({ code: "invalid" });
    await expect(tokens.createApiToken(admin, { name: "x", scopes: ["admin" as "read"] })).rejects.toMatchObject({
      code: "invalid",
    });
    await expect(tokens.createApiToken(admin, { name: "x", expiresInDays: 0 })).rejects.toMatchObject({
      code: "invalid",
    });
    await expect(tokens.createApiToken(engineer, { name: "x", scopes: ["alerts:write"] })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(await auditCount()).toBe(count);
  });

  it("stores an expiry, and refuses an expired token with 401 and a clear message", async () => {
    const { token, record } = await tokens.createApiToken(admin, { name: "short-lived", expiresInDays: 7 });
    const days = (Date.parse(record.expiresAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    expect((await alertsRoute.GET(bearer(token))).status).toBe(200);
    expect((await audits("api-token.create")).at(-1)).toMatchObject({
      target: "short-lived",
      detail: { scopes: ["read"], expiresAt: record.expiresAt },
    });

    await (
      await getDb()
    ).query("update api_tokens set expires_at = now() - interval '1 minute' where id = $1", [record.id]);
    const res = await alertsRoute.GET(bearer(token));
    expect(res.status).toBe(401);
    expect((await res.json()).message).toMatch(
      /^This API token expired at \d{4}-\d\d-\d\dT.*; an admin can create a new one\.$/,
    );
    expect(await tokens.findActiveToken(token)).toBeNull();
    expect(await tokens.tokenStillActive(record.id)).toBe(false);
    expect((await tokens.listApiTokens(admin)).find((t) => t.id === record.id)).toMatchObject({
      expired: true,
      revokedAt: null,
    });
  });
});

describe("the Alertmanager receiver", () => {
  let writer: string, reader: string;
  beforeAll(async () => {
    writer = (await tokens.createApiToken(admin, { name: "alertmanager", scopes: ["alerts:write"] })).token;
    reader = (await tokens.createApiToken(admin, { name: "dashboard", scopes: ["read"] })).token;
  });
  const body = JSON.stringify({
    version: "4",
    status: "firing",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "PostgresDown", severity: "critical" },
        annotations: { summary: "down" },
        startsAt: "2026-11-25T12:00:00Z",
        fingerprint: "rcv1",
      },
    ],
  });
  const post = (init: RequestInit) =>
    receiver.POST(new Request("http://console.test/api/v1/alerts/alertmanager", { method: "POST", ...init }));
  const firing = async () =>
    (await (await getDb()).query<{ n: number }>("select count(*)::int as n from alerts where state = 'firing'"))
      .rows[0]!.n;

  it("refuses without a bearer token (401), with an unknown one (401) and with one lacking alerts:write (403), writing nothing", async () => {
    const json = { "content-type": "application/json" };
    const none = await post({ headers: json, body });
    expect(none.status).toBe(401);
    expect((await none.json()).message).toMatch(/alerts:write/);
    expect(
      (await post({ headers: { ...json, authorization: "Bearer sy_unknownunknownunknownunknown" }, body })).status,
    ).toBe(401);
    const readOnly = await post({ headers: { ...json, authorization: `Bearer ${reader}` }, body });
    expect(readOnly.status).toBe(403);
    expect((await readOnly.json()).message).toMatch(/does not have the alerts:write scope/);
    expect(await firing()).toBe(0);
  });

  it("accepts only application/json (415)", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
      const res = await post({
        headers: { authorization: `Bearer ${writer}`, ...(type ? { "content-type": type } : {}) },
        body,
      });
      expect(res.status).toBe(415);
    }
    expect(await firing()).toBe(0);
  });

  it("refuses a body over 1 MiB with 413, declared or streamed, without reading it all", async () => {
    const declared = await post({
      headers: {
        authorization: `Bearer ${writer}`,
        "content-type": "application/json",
        "content-length": String(2 * 1024 * 1024),
      },
      body: "{}",
    });
    expect(declared.status).toBe(413);

    let pulled = 0;
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk);
      },
    });
    const streamed = await post({
      headers: { authorization: `Bearer ${writer}`, "content-type": "application/json" },
      body: endless,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).message).toMatch(/larger than 1 MiB/);
    expect(pulled).toBeLessThan(10);
    expect(await firing()).toBe(0);
  });

  it("refuses a body that is not JSON or not Alertmanager's with 400", async () => {
    const headers = { authorization: `Bearer ${writer}`, "content-type": "application/json" };
    expect((await post({ headers, body: "{not json" })).status).toBe(400);
    expect((await post({ headers, body: JSON.stringify({ status: "firing" }) })).status).toBe(400);
  });

  it("ingests with an alerts:write token and application/json (charset allowed)", async () => {
    const res = await post({
      headers: { authorization: `Bearer ${writer}`, "content-type": "application/json; charset=utf-8" },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ fired: 1, resolved: 0 });
    expect(await firing()).toBe(1);
  });
});

describe("event streams", () => {
  /** Reads the stream until it ends; what it said, or throws after `ms`. */
  async function readToEnd(res: Response, ms: number): Promise<string> {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const deadline = setTimeout(() => void reader.cancel("deadline"), ms);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += decoder.decode(value, { stream: true });
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  it("ends a stream once its token is revoked", async () => {
    const { token, record } = await tokens.createApiToken(admin, { name: "stream-reader" });
    const res = await eventsRoute.GET(bearer(token, { path: "/api/v1/events" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const started = Date.now();
    const ended = readToEnd(res, CALLER_RECHECK_MS * 3);
    await tokens.revokeApiToken(admin, record.id);
    const text = await ended;
    expect(Date.now() - started).toBeLessThan(CALLER_RECHECK_MS * 2.5);
    expect(text).toContain("retry: 2000");
    expect(text).toMatch(/event: ended\ndata: \{"message":"this API token was revoked or expired"\}/);
    // Reconnecting is refused.
    expect((await eventsRoute.GET(bearer(token, { path: "/api/v1/events" }))).status).toBe(401);
  });

  it("ends a stream when an admin ends the sessions of the token's creator", async () => {
    const { token } = await tokens.createApiToken(otherAdmin, { name: "stream-of-admin2" });
    const res = await eventsRoute.GET(bearer(token, { path: "/api/v1/events" }));
    expect(res.status).toBe(200);
    const ended = readToEnd(res, CALLER_RECHECK_MS * 3);
    await session.endUserSessions(admin, { userId: otherAdmin.id });
    expect(await ended).toContain("event: ended");
  });
});

describe("accounts kept for sessions (server/auth/user-cache)", () => {
  let lead: User;
  beforeAll(async () => {
    const db = await getDb();
    lead = await db.transaction((tx) => insertUser(tx, { email: "lead@sessions.test", name: "lead", role: "lead" }));
    listenToOtherConsoles();
  });
  const roleNow = async (u: User) => (await session.userForSession({ userId: u.id, epoch: 0 }))?.role;

  it("applies an admin's role change on the session's very next request", async () => {
    expect(await roleNow(lead)).toBe("lead"); // now kept
    await setUserRole(admin, { userId: lead.id, role: "engineer" });
    expect(await roleNow(lead)).toBe("engineer");
  });

  it("applies another console's change as soon as its announcement arrives through the store, and ends its sessions", async () => {
    expect(await roleNow(lead)).toBe("engineer");
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await waitFor(
        "this console to listen on the store",
        async () =>
          (await other.query("select 1 from pg_stat_activity where application_name = 'switchyard-events'")).rowCount! >
          0,
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      expect(await roleNow(lead)).toBe("engineer");
      await other.query("update users set role = 'viewer' where id = $1", [lead.id]);
      await other.query("select pg_notify('switchyard_events', 'another-console:users')");
      // Well inside the 5 s a kept account may otherwise be served: only the announcement can explain it.
      await waitFor("the role change to apply", async () => (await roleNow(lead)) === "viewer", {
        timeoutMs: 3_000,
        intervalMs: 20,
      });
      await other.query("update users set session_epoch = session_epoch + 1 where id = $1", [lead.id]);
      await other.query("select pg_notify('switchyard_events', 'another-console:users')");
      await waitFor("the session to end", async () => (await roleNow(lead)) === undefined, {
        timeoutMs: 3_000,
        intervalMs: 20,
      });
    } finally {
      await other.end();
    }
  });

  it("applies a change made behind every console's back within seconds", async () => {
    expect(await session.userForSession({ userId: lead.id, epoch: 1 })).toMatchObject({ role: "viewer" });
    await (await getDb()).query("update users set role = 'lead' where id = $1", [lead.id]);
    await waitFor(
      "the kept account to be read again",
      async () => (await session.userForSession({ userId: lead.id, epoch: 1 }))?.role === "lead",
      { timeoutMs: 15_000, intervalMs: 200 },
    );
  });
});
