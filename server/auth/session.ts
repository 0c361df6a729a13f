import "server-only";
import type { JWT } from "next-auth/jwt";
import { cookies } from "next/headers";
import { cache } from "react";
import { z } from "zod";
import type { Role } from "@/lib/roles";
import { appendAudit } from "@/server/audit/append-audit";
import { getDb, recentStoreProblem } from "@/server/db";
import { isStoreTrouble, notFound, unauthenticated } from "@/server/errors";
import { revokeTokensCreatedBy } from "./api-tokens";
import { authOptions } from "./options";
import { requireRole } from "./require-role";
import { claimsOfToken, sessionTokenOf } from "./session-claims";
import { userById, usersChanged } from "./user-cache";
import type { User } from "./users";

/**
 * Sessions are next-auth JWTs. Each carries the session epoch its user had when it was issued (the
 * `sessionEpoch` claim); "sign out everywhere" and an admin's "end sessions" bump users.session_epoch, and a
 * session whose epoch is not the user's current one is signed out on its next request. The check rides on the
 * user row every request reads anyway (kept by user-cache.ts until an account changes). A session without the claim (issued before
 * epochs existed) counts as epoch 0, the column's default.
 */
const EPOCH_CLAIM = "sessionEpoch";

const epochOf = (claims: Record<string, unknown> | null | undefined): number => {
  const v = claims?.[EPOCH_CLAIM];
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : 0;
};

/**
 * For the jwt callback in options.ts, at sign-in (when `user` is set), after `token.sub` is the account's id:
 * stamps the account's current session epoch into the token.
 */
export async function stampSessionEpoch(token: JWT): Promise<JWT> {
  if (!token.sub || !z.uuid().safeParse(token.sub).success) return token;
  const db = await getDb();
  const r = await db.query<{ session_epoch: number }>("select session_epoch from users where id = $1", [token.sub]);
  token[EPOCH_CLAIM] = r.rows[0]?.session_epoch ?? 0;
  return token;
}

/**
 * The session of the request being served: its user id (the token's `sub`, as next-auth's session callback in
 * options.ts puts it) and epoch, or null without a session cookie that decodes (session-claims.ts keeps decoded
 * tokens until they expire). Read from the request's cookies as getServerSession reads them, but without its
 * re-encrypted cookie, which App Router pages and route handlers could not set anyway.
 *
 * React's cache() makes this once per server render, so the console layout and its page share one read. Outside a
 * render (route handlers, server actions) React keeps nothing and every call reads again: a map look-up once the
 * token is kept.
 */
const requestSessionClaims = cache(async (): Promise<{ userId: string; epoch: number } | null> => {
  const token = sessionTokenOf((await cookies()).getAll());
  if (!token) return null;
  // authOptions is read at call time: options.ts imports this module, so neither may read the other's exports while loading.
  const secret = authOptions.secret;
  if (!secret) throw new Error("authOptions.secret is not set");
  const claims = await claimsOfToken(token, secret);
  return claims?.sub ? { userId: claims.sub, epoch: epochOf(claims) } : null;
});

/**
 * The user a session names, as the store knows them now (a role changed by an admin applies at once), or null
 * when the account is gone or the session's epoch is not the account's current one (its sessions were ended).
 */
export async function userForSession(claims: { userId: string; epoch: number }): Promise<User | null> {
  const user = await userById(claims.userId);
  const valid = user && user.sessionEpoch === claims.epoch ? user : null;
  remember(claims, valid);
  return valid;
}

/**
 * Sessions this console found valid while the store answered, as they were then: while the store cannot be reached,
 * a page shows such a session the fleet as this console last knew it (read-only, marked stale), and nobody else
 * anything. A session found ended is forgotten at once. Bounded; shared by every bundle of this module.
 */
const REMEMBERED_MAX = 1000;
const remembered = () =>
  ((globalThis as unknown as { __switchyardSessions?: Map<string, User> }).__switchyardSessions ??= new Map());
const sessionKey = (c: { userId: string; epoch: number }) => `${c.userId}:${c.epoch}`;
function remember(claims: { userId: string; epoch: number }, user: User | null) {
  const m = remembered();
  m.delete(sessionKey(claims));
  if (!user) return;
  m.set(sessionKey(claims), user);
  if (m.size > REMEMBERED_MAX) m.delete(m.keys().next().value!);
}

/** The user of this request's session as this console last found them valid, without asking the store; null if never. */
async function rememberedSessionUser(): Promise<User | null> {
  const claims = await requestSessionClaims().catch(() => null);
  return claims ? (remembered().get(sessionKey(claims)) ?? null) : null;
}

/** Whether a session found earlier (user id and epoch) is still live: open event streams ask this. */
export async function sessionStillValid(userId: string, epoch: number | null): Promise<boolean> {
  const user = await userById(userId);
  return !!user && (epoch === null || user.sessionEpoch === epoch);
}

/** The signed-in user and their session's epoch, or null (no session, the account gone, or its sessions ended). */
export async function currentSession(): Promise<{ user: User; epoch: number } | null> {
  const claims = await requestSessionClaims();
  if (!claims) return null;
  const user = await userForSession(claims);
  return user ? { user, epoch: claims.epoch } : null;
}

/** The signed-in user as the store knows them now: a role changed by an admin applies at once. */
export async function currentUser(): Promise<User | null> {
  return (await currentSession())?.user ?? null;
}

/**
 * For pages: the signed-in user; or, when the store cannot be reached, `storeUnreachable` and the session's user as
 * this console last found them valid (`lastKnownUser`, null when it never did), for a read-only view of what it
 * last knew. The store's own error is logged (server/db), never returned for a page to show.
 */
export async function currentUserOrStoreError(): Promise<{
  user: User | null;
  storeUnreachable: boolean;
  lastKnownUser: User | null;
}> {
  const unreachable = async () => ({
    user: null,
    storeUnreachable: true,
    lastKnownUser: await rememberedSessionUser(),
  });
  // recentStoreProblem, not a `select 1` per page: the store answered a moment ago with no failure since, or it is
  // asked now. Should it go away in between, this page's own reads fail with "unavailable": caught below for the
  // user's row, and by the console's error boundary (the same notice) for the page's.
  if (await recentStoreProblem()) return unreachable();
  try {
    return { user: await currentUser(), storeUnreachable: false, lastKnownUser: null };
  } catch (err) {
    if (isStoreTrouble(err) && err.code === "unavailable") return unreachable();
    throw err;
  }
}

/** The caller's session, which must be live and have at least the given role. */
export async function requireSession(atLeast: Role = "viewer"): Promise<{ user: User; epoch: number }> {
  const session = await currentSession();
  if (!session) throw unauthenticated();
  requireRole(session.user, atLeast, "This");
  return session;
}

/** The caller, who must be signed in with at least the given role; every action and route calls this itself. */
export async function requireUser(atLeast: Role = "viewer"): Promise<User> {
  return (await requireSession(atLeast)).user;
}

/** Ends every session of the actor's own account, this one included; audited in the same transaction. */
export async function signOutEverywhere(actor: User): Promise<{ sessionEpoch: number }> {
  const db = await getDb();
  const out = await db.transaction(async (tx) => {
    const r = await tx.query<{ session_epoch: number }>(
      "update users set session_epoch = session_epoch + 1, updated_at = now() where id = $1 returning session_epoch",
      [actor.id],
    );
    if (!r.rows[0]) throw unauthenticated();
    const sessionEpoch = r.rows[0].session_epoch;
    await appendAudit(tx, {
      actor,
      action: "session.sign-out-everywhere",
      target: actor.email,
      detail: { sessionEpoch },
    });
    return { sessionEpoch };
  });
  usersChanged();
  return out;
}

export const endSessionsInput = z.object({ userId: z.uuid("Pick a user.") });

/**
 * An admin ends a user's sessions and revokes the API tokens that user created, at once: their open pages and
 * event streams are refused on the next request or re-check. Audited in the same transaction.
 */
export async function endUserSessions(
  actor: User,
  input: z.infer<typeof endSessionsInput>,
): Promise<{ email: string; tokensRevoked: string[] }> {
  requireRole(actor, "admin", { refusal: "Only admins can end other people's sessions." });
  const db = await getDb();
  const out = await db.transaction(async (tx) => {
    const r = await tx.query<{ email: string; session_epoch: number }>(
      "update users set session_epoch = session_epoch + 1, updated_at = now() where id = $1 returning email, session_epoch",
      [input.userId],
    );
    const target = r.rows[0];
    if (!target) throw notFound("That user no longer exists.");
    const tokensRevoked = await revokeTokensCreatedBy(tx, input.userId);
    await appendAudit(tx, {
      actor,
      action: "user.end-sessions",
      target: target.email,
      detail: { sessionEpoch: target.session_epoch, tokensRevoked },
    });
    return { email: target.email, tokensRevoked };
  });
  usersChanged();
  return out;
}
