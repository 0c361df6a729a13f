import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { appendAudit } from "@/server/audit/append-audit";
import { getDb, type Queryable } from "@/server/db";
import { notFound, parseInput } from "@/server/errors";
import { requireRole } from "./require-role";
import type { User } from "./users";

/**
 * Bearer tokens for other tools (dashboards, scripts, Alertmanager). Each has scopes — `read` (the JSON API and
 * its event stream, like a viewer) and `alerts:write` (the Alertmanager receiver) — and may expire.
 */

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

export const TOKEN_SCOPES = ["read", "alerts:write"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
/** What each scope lets a token do, in the words the tokens page shows. */
export const TOKEN_SCOPE_LABELS: Record<TokenScope, string> = {
  read: "read the JSON API and its event stream, like a viewer",
  "alerts:write": "post alerts to the Alertmanager receiver",
};
/** The expiries the create form offers, in days; none means the token lasts until revoked. */
export const TOKEN_EXPIRY_DAYS = [1, 7, 30, 90, 365] as const;

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  scopes: TokenScope[];
  expiresAt: string | null;
  /** Past its expiry (by the store's clock), and so refused. */
  expired: boolean;
}

type Row = {
  id: string;
  name: string;
  prefix: string;
  created_by_email: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  scopes: TokenScope[];
  expires_at: Date | null;
  expired: boolean;
};
const toToken = (r: Row): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdBy: r.created_by_email,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
  scopes: r.scopes,
  expiresAt: r.expires_at?.toISOString() ?? null,
  expired: r.expired,
});

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "Name the token after what will use it.").max(80),
  /** Without scopes given, a token reads (what every token could do before scopes existed). */
  scopes: z
    .array(z.enum(TOKEN_SCOPES, "Unknown scope."))
    .min(1, "Pick at least one scope.")
    .transform((s) => TOKEN_SCOPES.filter((scope) => s.includes(scope)))
    .default(["read"]),
  /** Days until the token expires; absent, it lasts until revoked. */
  expiresInDays: z.number("Pick how long the token lasts.").int().min(1).max(3650).optional(),
});

/** Creates a token; its secret is returned this once and only its hash is kept. */
export async function createApiToken(
  actor: User,
  raw: z.input<typeof createTokenInput>,
): Promise<{ token: string; record: ApiToken }> {
  requireRole(actor, "admin", { refusal: "Only admins can create API tokens." });
  const input = parseInput(createTokenInput, raw);
  const token = `sy_${randomBytes(24).toString("base64url")}`;
  const db = await getDb();
  const record = await db.transaction(async (tx) => {
    const r = await tx.query<Row>(
      `insert into api_tokens (name, token_hash, prefix, created_by, scopes, expires_at)
       values ($1, $2, $3, $4, $5, case when $6::int is null then null else now() + make_interval(days => $6::int) end)
       returning *, (select email from users where id = $4) as created_by_email, false as expired`,
      [input.name, hash(token), token.slice(0, 7), actor.id, input.scopes, input.expiresInDays ?? null],
    );
    const record = toToken(r.rows[0]!);
    await appendAudit(tx, {
      actor,
      action: "api-token.create",
      target: input.name,
      detail: { prefix: token.slice(0, 7), scopes: record.scopes, expiresAt: record.expiresAt },
    });
    return record;
  });
  return { token, record };
}

export async function revokeApiToken(actor: User, id: string): Promise<void> {
  requireRole(actor, "admin", { refusal: "Only admins can revoke API tokens." });
  const db = await getDb();
  await db.transaction(async (tx) => {
    const r = await tx.query<{ name: string }>(
      "update api_tokens set revoked_at = now() where id = $1 and revoked_at is null returning name",
      [id],
    );
    if (!r.rows[0]) throw notFound("No such active token.");
    await appendAudit(tx, { actor, action: "api-token.revoke", target: r.rows[0].name });
  });
}

export async function listApiTokens(actor: User): Promise<ApiToken[]> {
  requireRole(actor, "admin", { refusal: "Only admins can list API tokens." });
  const db = await getDb();
  const r = await db.query<Row>(
    `select t.*, u.email as created_by_email, coalesce(t.expires_at <= now(), false) as expired
       from api_tokens t left join users u on u.id = t.created_by order by t.revoked_at nulls first, t.created_at desc`,
  );
  return r.rows.map(toToken);
}

export interface ActiveToken {
  id: string;
  name: string;
  scopes: TokenScope[];
  expiresAt: string | null;
}

/** What a presented secret is: an active token (marked used), one that expired (and when), or nothing usable. */
export type TokenCheck =
  | { ok: true; token: ActiveToken }
  | { ok: false; reason: "unknown" }
  | { ok: false; reason: "expired"; expiredAt: string };

export async function checkToken(secret: string): Promise<TokenCheck> {
  if (!/^sy_[A-Za-z0-9_-]{20,64}$/.test(secret)) return { ok: false, reason: "unknown" };
  const db = await getDb();
  // One indexed statement for the usual case: token_hash is unique.
  const r = await db.query<{
    id: string;
    name: string;
    scopes: TokenScope[];
    expires_at: Date | null;
    usable: boolean;
  }>(
    `with t as (select id, (revoked_at is null and (expires_at is null or expires_at > now())) as usable from api_tokens where token_hash = $1),
          used as (update api_tokens set last_used_at = now() where id = (select id from t where usable) returning id)
     select a.id, a.name, a.scopes, a.expires_at, t.usable from api_tokens a join t on t.id = a.id where a.revoked_at is null`,
    [hash(secret)],
  );
  const row = r.rows[0];
  if (!row) return { ok: false, reason: "unknown" };
  if (!row.usable) return { ok: false, reason: "expired", expiredAt: row.expires_at!.toISOString() };
  return {
    ok: true,
    token: { id: row.id, name: row.name, scopes: row.scopes, expiresAt: row.expires_at?.toISOString() ?? null },
  };
}

/** The active (neither revoked nor expired) token with this secret, or null; marks it used. */
export async function findActiveToken(secret: string): Promise<ActiveToken | null> {
  const check = await checkToken(secret);
  return check.ok ? check.token : null;
}

/** Whether a token found earlier is still neither revoked nor expired (open event streams ask this). */
export async function tokenStillActive(id: string): Promise<boolean> {
  const db = await getDb();
  const r = await db.query(
    "select 1 from api_tokens where id = $1 and revoked_at is null and (expires_at is null or expires_at > now())",
    [id],
  );
  return r.rowCount > 0;
}

/** Revokes every active token a user created, inside the caller's transaction; returns their names. */
export async function revokeTokensCreatedBy(tx: Queryable, userId: string): Promise<string[]> {
  const r = await tx.query<{ name: string }>(
    "update api_tokens set revoked_at = now() where created_by = $1 and revoked_at is null returning name",
    [userId],
  );
  return r.rows.map((t) => t.name);
}
