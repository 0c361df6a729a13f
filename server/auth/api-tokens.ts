import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { appendAudit } from "@/server/audit/append-audit";
import { getDb } from "@/server/db";
import { forbidden, notFound } from "@/server/errors";
import type { User } from "./users";

/** Bearer tokens for other tools (dashboards, scripts, Alertmanager): read the JSON API and post alerts. */

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type Row = { id: string; name: string; prefix: string; created_by_email: string | null; created_at: Date; last_used_at: Date | null; revoked_at: Date | null };
const toToken = (r: Row): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdBy: r.created_by_email,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

export const createTokenInput = z.object({ name: z.string().trim().min(1, "Name the token after what will use it.").max(80) });

/** Creates a token; its secret is returned this once and only its hash is kept. */
export async function createApiToken(actor: User, input: z.infer<typeof createTokenInput>): Promise<{ token: string; record: ApiToken }> {
  if (actor.role !== "admin") throw forbidden("Only admins can create API tokens.");
  const token = `sy_${randomBytes(24).toString("base64url")}`;
  const db = await getDb();
  const record = await db.transaction(async (tx) => {
    const r = await tx.query<Row>(
      `insert into api_tokens (name, token_hash, prefix, created_by) values ($1, $2, $3, $4)
       returning *, (select email from users where id = $4) as created_by_email`,
      [input.name, hash(token), token.slice(0, 7), actor.id],
    );
    await appendAudit(tx, { actor, action: "api-token.create", target: input.name, detail: { prefix: token.slice(0, 7) } });
    return toToken(r.rows[0]!);
  });
  return { token, record };
}

export async function revokeApiToken(actor: User, id: string): Promise<void> {
  if (actor.role !== "admin") throw forbidden("Only admins can revoke API tokens.");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const r = await tx.query<{ name: string }>("update api_tokens set revoked_at = now() where id = $1 and revoked_at is null returning name", [id]);
    if (!r.rows[0]) throw notFound("No such active token.");
    await appendAudit(tx, { actor, action: "api-token.revoke", target: r.rows[0].name });
  });
}

export async function listApiTokens(actor: User): Promise<ApiToken[]> {
  if (actor.role !== "admin") throw forbidden("Only admins can list API tokens.");
  const db = await getDb();
  const r = await db.query<Row>(
    "select t.*, u.email as created_by_email from api_tokens t left join users u on u.id = t.created_by order by t.revoked_at nulls first, t.created_at desc",
  );
  return r.rows.map(toToken);
}

/** The active token with this secret, or null; marks it used. */
export async function findActiveToken(token: string): Promise<{ id: string; name: string } | null> {
  if (!/^sy_[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const db = await getDb();
  const r = await db.query<{ id: string; name: string }>(
    "update api_tokens set last_used_at = now() where token_hash = $1 and revoked_at is null returning id, name",
    [hash(token)],
  );
  return r.rows[0] ?? null;
}
