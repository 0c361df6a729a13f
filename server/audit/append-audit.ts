import "server-only";
import { createHash, createHmac } from "node:crypto";
import type { Queryable } from "@/server/db";
import { auditKey } from "./audit-key";
import { AUDIT_CHAIN_LOCK, writeCheckpoint } from "./checkpoint";

export interface AuditEntry {
  actor: { id: string; email: string } | null;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
}

export const GENESIS_HASH = "0".repeat(64);

/**
 * How a row's hash is made: "sha256" for the rows written before the audit seal (migration 0008), which anyone
 * could recompute; "hmac-sha256", keyed with the audit key kept outside the store, for every row since.
 */
export type AuditAlg = "sha256" | "hmac-sha256";

/** JSON with object keys sorted, so a row hashes the same after jsonb has reordered its keys. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export type HashedContent = {
  at: string;
  actorEmail: string | null;
  action: string;
  target: string | null;
  detail: unknown;
};

const content = (prevHash: string, row: HashedContent) =>
  canonical([prevHash, row.at, row.actorEmail, row.action, row.target, row.detail]);

/** The SHA-256 of one row (the rows from before the seal): its content chained to the hash of the row before it. */
export function auditHash(prevHash: string, row: HashedContent): string {
  return createHash("sha256").update(content(prevHash, row)).digest("hex");
}

/** The HMAC-SHA256 of one row with the audit key: the same content, but only the key's holder can make it. */
export function auditHmac(key: string, prevHash: string, row: HashedContent): string {
  return createHmac("sha256", key).update(content(prevHash, row)).digest("hex");
}

/**
 * Appends one row inside the caller's transaction, so a failed audit write rolls the change back, and moves the
 * signed checkpoint to it in the same transaction.
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  const key = auditKey({ create: true });
  await tx.query("select pg_advisory_xact_lock($1)", [AUDIT_CHAIN_LOCK]);
  const last = await tx.query<{ hash: string }>("select hash from audit_log order by id desc limit 1");
  const prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
  const row: HashedContent = {
    at: new Date().toISOString(),
    actorEmail: entry.actor?.email ?? null,
    action: entry.action,
    target: entry.target ?? null,
    detail: entry.detail ?? {},
  };
  const hash = auditHmac(key, prevHash, row);
  const inserted = await tx.query<{ id: number }>(
    `insert into audit_log (at, actor_id, actor_email, action, target, detail, prev_hash, hash, alg)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'hmac-sha256') returning id`,
    [
      row.at,
      entry.actor?.id ?? null,
      row.actorEmail,
      row.action,
      row.target,
      JSON.stringify(row.detail),
      prevHash,
      hash,
    ],
  );
  await writeCheckpoint(tx, key, { lastId: inserted.rows[0]!.id, lastHash: hash });
}
