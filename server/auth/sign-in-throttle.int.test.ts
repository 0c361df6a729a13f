import { randomBytes, scryptSync } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";

/** Sign-in throttling on a real PostgreSQL: parallel guesses, per-address limit, admin unlock, rehash. */

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.SIGNIN_MAX_FAILURES = "5";
process.env.SIGNIN_WINDOW_SECONDS = "600";

// Counts the password hashes actually run, so "refused before any hash" is measured, not assumed.
vi.mock("@/server/auth/passwords", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/server/auth/passwords")>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

const { getDb } = await import("@/server/db");
const { verifyPassword } = await import("@/server/auth/passwords");
const { authenticate } = await import("@/server/auth/sign-in");
const { insertUser } = await import("@/server/auth/users");
const { listAccountLocks, unlockUser } = await import("@/server/auth/user-service");
const { verifyAuditChain } = await import("@/server/audit/verify-audit");
type User = import("@/server/auth/users").User;

const LIMIT = 5;
const ADDRESS_LIMIT = 20;
const verifications = () => vi.mocked(verifyPassword).mock.calls.length;
const db = () => getDb();
const auditCount = async () =>
  (await (await db()).query<{ n: number }>("select count(*)::int as n from audit_log")).rows[0]!.n;
const throttleRow = async (scope: string, key: string) =>
  (
    await (
      await db()
    ).query<{ failures: number }>("select failures from sign_in_throttle where scope = $1 and key = $2", [scope, key])
  ).rows[0] ?? null;

let admin: User, lead: User, engineer: User, viewer: User, target: User, other: User;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  const d = await db();
  const make = (email: string, role: User["role"]) =>
    d.transaction((tx) => insertUser(tx, { email, name: email, role, password: PASSWORD }));
  [admin, lead, engineer, viewer, target, other] = await Promise.all([
    make("admin@example.test", "admin"),
    make("lead@example.test", "lead"),
    make("eng@example.test", "engineer"),
    make("viewer@example.test", "viewer"),
    make("target@example.test", "lead"),
    make("other@example.test", "engineer"),
  ]);
});
afterAll(async () => (await db()).close());
beforeEach(() => {
  vi.mocked(verifyPassword).mockClear();
});

async function settle(attempts: Promise<unknown>[]) {
  const results = await Promise.allSettled(attempts);
  const codes = results.map((r) =>
    r.status === "fulfilled" ? "ok" : ((r.reason as { code?: string }).code ?? String(r.reason)),
  );
  const count = (code: string) => codes.filter((c) => c === code).length;
  return { results, count };
}

describe("the per-account limit", () => {
  it("lets at most the limit of 20 parallel wrong guesses reach the hash, and locks the account with a retry time", async () => {
    const guesses = Array.from({ length: 20 }, (_, i) =>
      authenticate({ email: target.email, password: `guess-${i}` }, { address: `198.51.100.${i + 1}` }),
    );
    const { results, count } = await settle(guesses);
    expect(count("unauthenticated")).toBe(LIMIT);
    expect(count("rate_limited")).toBe(20 - LIMIT);
    expect(verifications()).toBe(LIMIT);
    const refused = results.find(
      (r) => r.status === "rejected" && (r.reason as { code: string }).code === "rate_limited",
    ) as PromiseRejectedResult;
    expect((refused.reason as Error).message).toMatch(
      /^Too many failed sign-ins: this account is locked; try again after \d\d:\d\d \S+ \(in (9|10) min\)\.$/,
    );

    // Locked: even the right password is refused, without a hash, and an admin sees until when.
    vi.mocked(verifyPassword).mockClear();
    await expect(authenticate({ email: target.email, password: PASSWORD })).rejects.toMatchObject({
      code: "rate_limited",
    });
    expect(verifications()).toBe(0);
    const until = (await listAccountLocks(admin)).get(target.id);
    expect(until).toBeInstanceOf(Date);
    expect(until!.getTime() - Date.now()).toBeGreaterThan(540_000); // the window, give or take a loaded machine
    expect(until!.getTime() - Date.now()).toBeLessThanOrEqual(601_000);
    // Another account is not affected.
    await expect(authenticate({ email: other.email, password: PASSWORD })).resolves.toMatchObject({ id: other.id });
  });

  it("puts the failures, the lock-out and the successes on the audit chain, the account's email as the actor", async () => {
    const rowsFor = async (email: string) =>
      (
        await (
          await db()
        ).query<{
          action: string;
          actor_email: string | null;
          detail: { reason?: string; scope?: string; address?: string };
        }>("select action, actor_email, detail from audit_log where target = $1 order by id", [email])
      ).rows;
    const target_ = await rowsFor(target.email);
    expect(target_.filter((r) => r.action === "auth.sign-in-failed")).toHaveLength(LIMIT);
    expect(target_.every((r) => r.actor_email === target.email)).toBe(true);
    expect(target_.find((r) => r.action === "auth.sign-in-failed")!.detail).toMatchObject({
      reason: "wrong password",
      address: expect.stringMatching(/^198\.51\.100\./),
    });
    // One lock-out: the failure that took the last place; the refusals while locked are not written.
    expect(target_.filter((r) => r.action === "auth.lock-out").map((r) => r.detail.scope)).toEqual(["account"]);
    expect(target_.filter((r) => r.action === "auth.sign-in")).toEqual([]);
    expect((await rowsFor(other.email)).map((r) => [r.action, r.actor_email])).toEqual([["auth.sign-in", other.email]]);

    await expect(authenticate({ email: "nobody@example.test", password: "x" })).rejects.toMatchObject({
      code: "unauthenticated",
    });
    expect(await rowsFor("nobody@example.test")).toMatchObject([
      { action: "auth.sign-in-failed", actor_email: null, detail: { reason: "unknown account" } },
    ]);
    expect(await verifyAuditChain(await db())).toMatchObject({ ok: true });
  });

  it("refuses the unlock to a viewer, an engineer and a lead, writing nothing", async () => {
    const audits = await auditCount();
    for (const actor of [viewer, engineer, lead]) {
      await expect(unlockUser(actor, { userId: target.id })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await auditCount()).toBe(audits);
    expect((await listAccountLocks(admin)).has(target.id)).toBe(true);
    await expect(listAccountLocks(lead)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("lets an admin unlock the account, audited, after which the right password signs in", async () => {
    const audits = await auditCount();
    await expect(unlockUser(admin, { userId: target.id })).resolves.toMatchObject({ email: target.email });
    expect(await auditCount()).toBe(audits + 1);
    const row = (
      await (
        await db()
      ).query<{ action: string; target: string; actor_email: string; detail: { failures: number } }>(
        "select action, target, actor_email, detail from audit_log order by id desc limit 1",
      )
    ).rows[0];
    expect(row).toMatchObject({
      action: "user.unlock",
      target: target.email,
      actor_email: admin.email,
      detail: { failures: LIMIT + 1 },
    });
    expect(await verifyAuditChain(await db())).toMatchObject({ ok: true });
    expect((await listAccountLocks(admin)).has(target.id)).toBe(false);

    await expect(authenticate({ email: target.email, password: PASSWORD })).resolves.toMatchObject({ id: target.id });
    expect(await auditCount()).toBe(audits + 2); // the sign-in
    // Unlocking what is not locked is a conflict and writes nothing.
    await expect(unlockUser(admin, { userId: target.id })).rejects.toMatchObject({ code: "conflict" });
    expect(await auditCount()).toBe(audits + 2);
  });

  it("is reset by the right password, and a lock that has run out lets the next attempt through", async () => {
    for (let i = 0; i < LIMIT - 1; i++)
      await expect(authenticate({ email: other.email, password: "nope" })).rejects.toMatchObject({
        code: "unauthenticated",
      });
    await expect(authenticate({ email: other.email, password: PASSWORD })).resolves.toMatchObject({ id: other.id });
    expect(await throttleRow("account", other.email)).toBeNull();

    for (let i = 0; i < LIMIT; i++)
      await expect(authenticate({ email: other.email, password: "nope" })).rejects.toMatchObject({
        code: "unauthenticated",
      });
    await expect(authenticate({ email: other.email, password: PASSWORD })).rejects.toMatchObject({
      code: "rate_limited",
    });
    // The lock runs out (moved into the past here rather than waited for).
    await (
      await db()
    ).query(
      "update sign_in_throttle set locked_until = now() - interval '1 second', window_started_at = now() - interval '1 hour' where key = $1",
      [other.email],
    );
    await expect(authenticate({ email: other.email, password: "nope" })).rejects.toMatchObject({
      code: "unauthenticated",
    });
    expect(await throttleRow("account", other.email)).toEqual({ failures: 1 });
    await expect(authenticate({ email: other.email, password: PASSWORD })).resolves.toMatchObject({ id: other.id });
  });

  it("locks an email that has no account the same way, so a lock does not tell which emails exist", async () => {
    const ghost = "nobody@example.test";
    await settle(Array.from({ length: 8 }, () => authenticate({ email: ghost, password: "x" })));
    await expect(authenticate({ email: ghost, password: "x" })).rejects.toMatchObject({ code: "rate_limited" });
  });
});

describe("the per-address limit", () => {
  it("refuses an address past its limit before any hash, however many accounts it spreads over, and only that address", async () => {
    const address = "203.0.113.7";
    const spray = Array.from({ length: ADDRESS_LIMIT + 4 }, (_, i) =>
      authenticate({ email: `user${i}@example.test`, password: "Winter2026!" }, { address }),
    );
    const { results, count } = await settle(spray);
    expect(count("unauthenticated")).toBe(ADDRESS_LIMIT);
    expect(count("rate_limited")).toBe(4);
    expect(verifications()).toBe(ADDRESS_LIMIT);
    const refused = results.find(
      (r) => r.status === "rejected" && (r.reason as { code: string }).code === "rate_limited",
    ) as PromiseRejectedResult;
    expect((refused.reason as Error).message).toMatch(
      /from your network address; try again after \d\d:\d\d \S+ \(in (9|10) min\)\.$/,
    );

    vi.mocked(verifyPassword).mockClear();
    await expect(authenticate({ email: admin.email, password: PASSWORD }, { address })).rejects.toMatchObject({
      code: "rate_limited",
    });
    expect(verifications()).toBe(0);
    // The account itself is not locked: from elsewhere the right password works.
    await expect(
      authenticate({ email: admin.email, password: PASSWORD }, { address: "192.0.2.1" }),
    ).resolves.toMatchObject({ id: admin.id });
  });

  it("does not count a correct password against its address", async () => {
    const address = "192.0.2.50";
    await expect(authenticate({ email: viewer.email, password: "nope" }, { address })).rejects.toMatchObject({
      code: "unauthenticated",
    });
    for (let i = 0; i < 3; i++)
      await expect(authenticate({ email: viewer.email, password: PASSWORD }, { address })).resolves.toMatchObject({
        id: viewer.id,
      });
    expect(await throttleRow("address", address)).toEqual({ failures: 1 });
  });
});

describe("password hashes made with older parameters", () => {
  it("are replaced with N = 2^17 at the next successful sign-in, and not on a failed one", async () => {
    const salt = randomBytes(16);
    const old = [
      "scrypt",
      16384,
      8,
      1,
      salt.toString("base64"),
      scryptSync(PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 }).toString("base64"),
    ].join("$");
    const d = await db();
    await d.query("update users set password_hash = $2 where id = $1", [engineer.id, old]);
    const stored = async () =>
      (await d.query<{ password_hash: string }>("select password_hash from users where id = $1", [engineer.id]))
        .rows[0]!.password_hash;

    await expect(authenticate({ email: engineer.email, password: "nope" })).rejects.toMatchObject({
      code: "unauthenticated",
    });
    expect(await stored()).toBe(old);
    await expect(authenticate({ email: engineer.email, password: PASSWORD })).resolves.toMatchObject({
      id: engineer.id,
    });
    const fresh = await stored();
    expect(fresh).toMatch(/^scrypt\$131072\$8\$1\$/);
    const { verifyPassword: realVerify } =
      await vi.importActual<typeof import("@/server/auth/passwords")>("@/server/auth/passwords");
    expect(await realVerify(PASSWORD, fresh)).toBe(true);
    // And it signs in with the new hash, which is left alone.
    await expect(authenticate({ email: engineer.email, password: PASSWORD })).resolves.toMatchObject({
      id: engineer.id,
    });
    expect(await stored()).toBe(fresh);
  });
});
