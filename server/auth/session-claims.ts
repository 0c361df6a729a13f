import "server-only";
import { decode, type JWT } from "next-auth/jwt";

/**
 * Reading a session without next-auth's getServerSession: that derives the key (HKDF), decrypts the token and
 * encrypts a fresh one on every call, only for the new cookie to be dropped (a page or a route handler of the App
 * Router cannot set it). Here the token is decrypted with next-auth's own `decode` (same secret, same salt) and its
 * claims are kept per token until the token's `exp`, so a signed-in user's next request only looks them up.
 *
 * The key is the whole token string: a hit is what decoding that exact string gave, a token changed by one character
 * is another key and is decoded (and refused) like any other. A token that does not decode, or has expired, is never
 * kept. `exp` is checked against the clock on every use, hit or not.
 */

/** The names next-auth 4 gives the session cookie: with `__Secure-` when the console is served over https. */
export const SESSION_COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

/**
 * The session token a request's cookies carry, or null. A token too long for one cookie is split by next-auth into
 * `<name>.0`, `<name>.1`, … and joined here in that order, as next-auth's SessionStore does. The `__Secure-` name comes
 * first: a browser keeps such a cookie only from a console served over https, which is where next-auth names it so.
 * Whatever is found must still decrypt with this console's secret.
 */
export function sessionTokenOf(cookies: readonly { name: string; value: string }[]): string | null {
  for (const name of SESSION_COOKIE_NAMES) {
    const whole = cookies.find((c) => c.name === name);
    if (whole?.value) return whole.value;
    const chunks = cookies
      .map((c) => ({ index: chunkIndex(c.name, name), value: c.value }))
      .filter((c): c is { index: number; value: string } => c.index !== null)
      .sort((a, b) => a.index - b.index);
    const joined = chunks.map((c) => c.value).join("");
    if (joined) return joined;
  }
  return null;
}

function chunkIndex(cookieName: string, name: string): number | null {
  if (!cookieName.startsWith(`${name}.`)) return null;
  const suffix = cookieName.slice(name.length + 1);
  return /^\d{1,3}$/.test(suffix) ? Number(suffix) : null;
}

/** At most this many tokens are kept; the least recently used goes first (one per signed-in browser, about 1 KB each). */
export const CLAIMS_MAX = 1000;

type Entry = { claims: JWT; expiresAtMs: number; secret: string };
// Shared by every bundle Next.js makes of this module, like the other per-process caches.
const kept = () =>
  ((globalThis as unknown as { __switchyardSessionClaims?: Map<string, Entry> }).__switchyardSessionClaims ??=
    new Map());

/**
 * The claims of a session token: what next-auth's `decode` gives for it with this secret, or null when it does not
 * decrypt, has no expiry (next-auth always sets one) or has expired by `nowMs`. Decoded once per token while it lives.
 */
export async function claimsOfToken(token: string, secret: string, nowMs = Date.now()): Promise<JWT | null> {
  const m = kept();
  const hit = m.get(token);
  if (hit && hit.secret === secret) {
    m.delete(token);
    if (nowMs >= hit.expiresAtMs) return null;
    m.set(token, hit); // now the most recently used
    return hit.claims;
  }
  let claims: JWT | null;
  try {
    claims = await decode({ token, secret });
  } catch {
    return null; // tampered, foreign, malformed or expired (next-auth logs no more than this for it either)
  }
  const exp = claims?.exp;
  if (!claims || typeof exp !== "number" || !Number.isFinite(exp)) return null;
  const expiresAtMs = exp * 1000;
  // jose allows 15 s past `exp`; a session here ends at `exp` exactly, whether it was kept or not.
  if (nowMs >= expiresAtMs) return null;
  Object.freeze(claims);
  m.delete(token);
  m.set(token, { claims, expiresAtMs, secret });
  if (m.size > CLAIMS_MAX) m.delete(m.keys().next().value!);
  return claims;
}

/** For tests: forget every kept token. */
export function forgetSessionClaims(): void {
  kept().clear();
}

/** For tests: how many tokens are kept. */
export const keptSessionClaims = (): number => kept().size;
