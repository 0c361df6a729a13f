import "server-only";
import type { Role } from "@/lib/roles";
import { forbidden, unauthenticated } from "@/server/errors";
import { checkToken, tokenStillActive, type ActiveToken, type TokenScope } from "./api-tokens";
import { requireSession, sessionStillValid } from "./session";
import type { User } from "./users";

/**
 * Who is asking a route handler: a signed-in user (with the session epoch their session carries), or a tool
 * with an API token (which reads like a viewer when it has the `read` scope).
 */
export type Caller =
  { kind: "user"; user: User; sessionEpoch?: number } | { kind: "token"; tokenId: string; name: string };

/** How often an open event stream asks whether its caller may still listen (token revoked or expired, sessions ended). */
export const CALLER_RECHECK_MS = 5_000;

const bearer = (request: Request): string | null => {
  const auth = request.headers.get("authorization");
  return auth?.startsWith("Bearer ") ? auth.slice(7).trim() : null;
};

/** The active token behind a bearer secret with the given scope; 401 when unknown, revoked or expired, 403 without the scope. */
async function requireToken(secret: string, scope: TokenScope): Promise<ActiveToken> {
  const check = await checkToken(secret);
  if (!check.ok) {
    if (check.reason === "expired")
      throw unauthenticated(`This API token expired at ${check.expiredAt}; an admin can create a new one.`);
    throw unauthenticated("Unknown or revoked API token.");
  }
  if (!check.token.scopes.includes(scope))
    throw forbidden(`This API token does not have the ${scope} scope (it has ${check.token.scopes.join(", ")}).`);
  return check.token;
}

/** A signed-in user with at least the role, or a bearer token with the `read` scope (only where a viewer suffices). */
export async function requireCaller(request: Request, atLeast: Role = "viewer"): Promise<Caller> {
  const secret = bearer(request);
  if (secret !== null) {
    const token = await requireToken(secret, "read");
    if (atLeast !== "viewer") throw forbidden("API tokens can only read; sign in for this.");
    return { kind: "token", tokenId: token.id, name: token.name };
  }
  const { user, epoch } = await requireSession(atLeast);
  return { kind: "user", user, sessionEpoch: epoch };
}

/** Only a bearer token with this scope (machine endpoints such as the Alertmanager receiver); a session is not enough. */
export async function requireTokenCaller(request: Request, scope: TokenScope): Promise<Caller> {
  const secret = bearer(request);
  if (secret === null)
    throw unauthenticated(`This endpoint takes an API token with the ${scope} scope: Authorization: Bearer sy_…`);
  const token = await requireToken(secret, scope);
  return { kind: "token", tokenId: token.id, name: token.name };
}

/**
 * Whether a caller found earlier may still be served (open event streams ask every CALLER_RECHECK_MS): its
 * token not revoked or expired, its user still there with the session epoch the session carried.
 */
export async function callerStillValid(caller: Caller): Promise<boolean> {
  if (caller.kind === "token") return tokenStillActive(caller.tokenId);
  return sessionStillValid(caller.user.id, caller.sessionEpoch ?? null);
}
