import "server-only";
import type { Role } from "@/lib/roles";
import { appendAudit } from "@/server/audit/append-audit";
import { getDb, type Queryable } from "@/server/db";
import { ServiceError } from "@/server/errors";
import { findUserById, insertUser, lockUserByEmail, type User } from "./users";

/** What an identity provider says about the person signing in: the ID token's issuer and subject, the userinfo's email. */
export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string | null;
  /** Only a boolean `true` from the provider counts; a string "true" or a missing claim does not. */
  emailVerified: boolean;
  name: string | null;
}

/** Why a sign-in through the identity provider was refused; the code travels to the sign-in page as `?error=`. */
export type OidcRefusal = "OidcNoEmail" | "OidcEmailUnverified" | "OidcEmailLinked" | "OidcInvalid";

const refusalMessages: Record<OidcRefusal, string> = {
  OidcNoEmail: "The identity provider did not give an email address for this account, so it cannot be signed in.",
  OidcEmailUnverified:
    "The identity provider has not verified this email address. Verify it there, then sign in again.",
  OidcEmailLinked:
    "Another sign-in from this identity provider is already linked to the account with this email. Ask an admin.",
  OidcInvalid: "The identity provider's answer was incomplete, so the sign-in was refused.",
};

/** The sentence the sign-in page shows for `?error=<code>`; null for a code that is not an OIDC refusal. */
export function oidcRefusalMessage(code: string | null | undefined): string | null {
  return code && Object.hasOwn(refusalMessages, code) ? refusalMessages[code as OidcRefusal] : null;
}

export type OidcSignIn =
  { ok: true; user: User; linked: "existing" | "created" | null } | { ok: false; code: OidcRefusal; message: string };

const refuse = (code: OidcRefusal): OidcSignIn => ({ ok: false, code, message: refusalMessages[code] });

/**
 * The profile of a sign-in: userinfo's claims under the ID token's `iss` and `sub`. The ID token was validated by
 * next-auth's client (signature, issuer, audience, nonce) before this runs; a userinfo answer for another subject is
 * refused (OpenID Connect Core 5.3.2).
 */
export async function readOidcProfile(
  tokens: { id_token?: string; access_token?: string },
  userinfo: (accessToken: string) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const [, payload] = tokens.id_token?.split(".") ?? [];
  if (!payload || !tokens.access_token)
    throw new Error("The identity provider returned no ID token or no access token.");
  const idToken = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  const info = await userinfo(tokens.access_token);
  if (info.sub !== idToken.sub)
    throw new Error("The identity provider's userinfo names another subject than its ID token.");
  return { ...info, iss: idToken.iss, sub: idToken.sub };
}

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);

/** Reads the claims from what the provider returned (the ID token's `iss`/`sub` merged with userinfo), or null. */
export function oidcClaims(raw: object | undefined): OidcClaims | null {
  const profile = raw as Record<string, unknown> | undefined;
  const issuer = str(profile?.iss);
  const subject = str(profile?.sub);
  if (!issuer || !subject) return null;
  return {
    issuer,
    subject,
    email: str(profile?.email)?.toLowerCase() ?? null,
    emailVerified: profile?.email_verified === true,
    name: str(profile?.name) ?? str(profile?.preferred_username),
  };
}

/** The account bound to this issuer and subject, if any. */
export async function findOidcAccount(issuer: string, subject: string): Promise<User | null> {
  const db = await getDb();
  const r = await db.query<{ user_id: string }>(
    "select user_id from oidc_identities where issuer = $1 and subject = $2",
    [issuer, subject],
  );
  return r.rows[0] ? findUserById(r.rows[0].user_id) : null;
}

/**
 * Decides who a sign-in through the identity provider is. A known (issuer, subject) is its account, whatever the
 * email says now. An unknown one is linked only with an email the provider marks verified: to the account with
 * that email when it has no identity from this issuer yet, or to a new account with `defaultRole`. The link (and
 * the account, when new) and the `user.oidc-link` audit row are written in one transaction. A sign-in never
 * changes an existing account's role.
 */
export async function signInWithOidc(claims: OidcClaims | null, defaultRole: Role): Promise<OidcSignIn> {
  if (!claims) return refuse("OidcInvalid");
  const known = await findOidcAccount(claims.issuer, claims.subject);
  if (known) {
    const db = await getDb();
    await db.transaction((tx) =>
      appendAudit(tx, {
        actor: { id: known.id, email: known.email },
        action: "auth.sign-in",
        target: known.email,
        detail: { method: "oidc", issuer: claims.issuer },
      }),
    );
    return { ok: true, user: known, linked: null };
  }
  if (!claims.email) return refuse("OidcNoEmail");
  if (!claims.emailVerified) return refuse("OidcEmailUnverified");
  const email = claims.email;

  const db = await getDb();
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await db.transaction((tx) => linkIdentity(tx, claims, email, defaultRole));
      if (!("linkedMeanwhile" in outcome)) return outcome;
      // The same subject was linked by a sign-in racing this one: that account it is.
      const user = await findUserById(outcome.linkedMeanwhile);
      return user ? { ok: true, user, linked: null } : refuse("OidcInvalid");
    } catch (err) {
      // An account created for this email between the look-up and the insert (user:create): look again, once.
      if (err instanceof ServiceError && err.code === "conflict" && attempt < 2) continue;
      throw err;
    }
  }
}

async function linkIdentity(
  tx: Queryable,
  claims: OidcClaims,
  email: string,
  defaultRole: Role,
): Promise<OidcSignIn | { linkedMeanwhile: string }> {
  // First links are rare: one at a time, so two sign-ins racing cannot both link or both create.
  await tx.query("select pg_advisory_xact_lock(7311010)");
  const raced = await tx.query<{ user_id: string }>(
    "select user_id from oidc_identities where issuer = $1 and subject = $2",
    [claims.issuer, claims.subject],
  );
  if (raced.rows[0]) return { linkedMeanwhile: raced.rows[0].user_id };
  const existing = await lockUserByEmail(tx, email);
  if (existing) {
    const other = await tx.query("select 1 from oidc_identities where user_id = $1 and issuer = $2", [
      existing.id,
      claims.issuer,
    ]);
    if (other.rowCount > 0) return refuse("OidcEmailLinked");
  }
  const user =
    existing ?? (await insertUser(tx, { email, name: (claims.name ?? email).slice(0, 120), role: defaultRole }));
  await tx.query("insert into oidc_identities (user_id, issuer, subject) values ($1, $2, $3)", [
    user.id,
    claims.issuer,
    claims.subject,
  ]);
  await appendAudit(tx, {
    actor: { id: user.id, email: user.email },
    action: "user.oidc-link",
    target: user.email,
    detail: {
      issuer: claims.issuer,
      subject: claims.subject,
      account: existing ? "existing" : "created",
      role: user.role,
    },
  });
  return { ok: true, user, linked: existing ? "existing" : "created" };
}
