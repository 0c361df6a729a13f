import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";
import { startTestPostgres } from "@/tests/support/postgres-server";

/**
 * How a page or a route handler finds its session: the session cookie decoded (and its claims kept per token until
 * it expires), the account read from the store, its session epoch compared. A kept token never stands for another:
 * a tampered, foreign or expired token is refused after the same user's valid one was kept, and a session ended by
 * "end sessions" or "sign out everywhere" is refused on its next request. Pages still say "store unreachable" when
 * the store goes away, without asking it on every render. A PostgreSQL store of this file's own, stopped and started.
 */

// The request's cookies, as next/headers gives them to a page or a route handler.
const jar = vi.hoisted(() => ({ cookies: [] as { name: string; value: string }[] }));
vi.mock("next/headers", () => ({
  cookies: async () => ({ getAll: () => jar.cookies }),
  headers: async () => new Headers(),
}));

const server = await startTestPostgres();
process.env.DATABASE_URL = await freshDatabase(server.url);
process.env.LAB_DIR = "/nonexistent-lab";
process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "switchyard-session-read-"));
const SECRET = "r5Tq8Vn2Lx7Rb4Kc9Mz1Wp6Ys3Dg0Fh";
process.env.NEXTAUTH_SECRET = SECRET;

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const session = await import("@/server/auth/session");
const { requireCaller } = await import("@/server/auth/caller");
const tokens = await import("@/server/auth/api-tokens");
const { forgetSessionClaims, keptSessionClaims } = await import("@/server/auth/session-claims");
type User = import("@/server/auth/users").User;

let admin: User, engineer: User, viewer: User;

beforeAll(async () => {
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  admin = await mk("admin@session-read.test", "admin");
  engineer = await mk("eng@session-read.test", "engineer");
  viewer = await mk("view@session-read.test", "viewer");
}, 60_000);
afterAll(async () => {
  await (await getDb()).close().catch(() => undefined);
  await server.stop();
});
beforeEach(() => {
  jar.cookies = [];
});

/** A session token as next-auth issues it at sign-in (the jwt callback stamps the account's epoch). */
async function signedIn(user: User, opts: { maxAge?: number; secret?: string } = {}): Promise<string> {
  const token = await session.stampSessionEpoch({ sub: user.id, email: user.email, name: user.name });
  return encode({ token, secret: opts.secret ?? SECRET, maxAge: opts.maxAge ?? 12 * 60 * 60 });
}
const withCookie = (token: string, name = "next-auth.session-token") => (jar.cookies = [{ name, value: token }]);
const tamper = (token: string) => {
  const parts = token.split(".");
  parts[3] = (parts[3]![0] === "A" ? "B" : "A") + parts[3]!.slice(1);
  return parts.join(".");
};
const apiRequest = (headers: Record<string, string> = {}) =>
  new Request("http://console.test/api/v1/health/regions", { headers });

describe("reading the session", () => {
  it("finds the signed-in user from either cookie name, and keeps the decoded token", async () => {
    forgetSessionClaims();
    const token = await signedIn(engineer);
    withCookie(token);
    expect(await session.currentSession()).toMatchObject({ user: { id: engineer.id, role: "engineer" }, epoch: 0 });
    expect(await session.currentUser()).toMatchObject({ email: engineer.email });
    expect(await requireCaller(apiRequest())).toMatchObject({ kind: "user", user: { id: engineer.id } });
    expect(keptSessionClaims()).toBe(1);
    withCookie(token, "__Secure-next-auth.session-token");
    expect(await session.currentUser()).toMatchObject({ id: engineer.id });
    jar.cookies = [];
    expect(await session.currentSession()).toBeNull();
    await expect(requireCaller(apiRequest())).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("refuses a tampered, foreign or expired token even after the same user's valid token was kept", async () => {
    const token = await signedIn(admin);
    withCookie(token);
    expect(await session.currentUser()).toMatchObject({ id: admin.id });
    const refused = [
      tamper(token),
      `${token}A`,
      await signedIn(admin, { secret: "a-different-console-secret-000000" }),
      await signedIn(admin, { maxAge: -30 }),
      "role-matrix-forged-session",
    ];
    for (const bad of refused) {
      withCookie(bad);
      expect(await session.currentSession()).toBeNull();
      await expect(session.requireUser()).rejects.toMatchObject({ code: "unauthenticated" });
      await expect(requireCaller(apiRequest())).rejects.toMatchObject({ code: "unauthenticated" });
    }
    // The valid one still works: nothing about the refusals was kept in its place.
    withCookie(token);
    expect(await session.currentUser()).toMatchObject({ id: admin.id });
  });

  it("refuses a kept session on the next request once an admin ends its sessions, or it signs out everywhere", async () => {
    const token = await signedIn(viewer);
    withCookie(token);
    expect(await session.currentUser()).toMatchObject({ id: viewer.id });
    await session.endUserSessions(admin, { userId: viewer.id });
    expect(await session.currentSession()).toBeNull();
    await expect(requireCaller(apiRequest())).rejects.toMatchObject({ code: "unauthenticated" });
    expect((await session.currentUserOrStoreError()).user).toBeNull();

    // Signed in again (the new epoch): works until it signs out everywhere.
    const again = await signedIn(viewer);
    withCookie(again);
    const current = (await session.currentSession())!;
    expect(current.epoch).toBe(1);
    await session.signOutEverywhere(current.user);
    expect(await session.currentSession()).toBeNull();
  });

  it("leaves API token callers as they were, whatever session cookie comes along", async () => {
    const { token } = await tokens.createApiToken(admin, { name: "dashboard" });
    withCookie("garbage");
    expect(await requireCaller(apiRequest({ authorization: `Bearer ${token}` }))).toMatchObject({
      kind: "token",
      name: "dashboard",
    });
    withCookie(await signedIn(engineer));
    await expect(
      requireCaller(apiRequest({ authorization: "Bearer sy_not-a-real-token-at-all-000" })),
    ).rejects.toMatchObject({ code: "unauthenticated" });
  });
});

describe("pages while the store goes away", () => {
  it("say the store is unreachable (with the user this console last knew) and come back once it answers", async () => {
    const token = await signedIn(engineer);
    const foreign = await signedIn(admin, { secret: "a-different-console-secret-000000" });
    withCookie(token);
    expect(await session.currentUserOrStoreError()).toMatchObject({
      user: { id: engineer.id },
      storeUnreachable: false,
    });

    await server.halt("fast");
    try {
      // Each idle connection hears its server going away, and at the latest the next query fails: from then on every
      // page asks the store, and is told it is away.
      await (await getDb()).query("select 1").catch(() => undefined);
      for (let i = 0; i < 2; i++) {
        expect(await session.currentUserOrStoreError()).toMatchObject({
          user: null,
          storeUnreachable: true,
          lastKnownUser: { id: engineer.id },
        });
      }
      // A session it never found valid sees nothing of what the console knew.
      withCookie(foreign);
      expect(await session.currentUserOrStoreError()).toMatchObject({ storeUnreachable: true, lastKnownUser: null });
      withCookie(token);
    } finally {
      await server.resume();
    }
    await expect
      .poll(async () => (await session.currentUserOrStoreError()).storeUnreachable, { timeout: 20_000 })
      .toBe(false);
    expect((await session.currentUserOrStoreError()).user).toMatchObject({ id: engineer.id });
  });

  it("notices a store gone away without any query failing, once nothing has answered for a second", async () => {
    withCookie(await signedIn(engineer));
    expect((await session.currentUserOrStoreError()).storeUnreachable).toBe(false);
    await server.halt("immediate");
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await session.currentUserOrStoreError()).storeUnreachable).toBe(true);
    } finally {
      await server.resume();
    }
    await expect
      .poll(async () => (await session.currentUserOrStoreError()).storeUnreachable, { timeout: 20_000 })
      .toBe(false);
  });
});
