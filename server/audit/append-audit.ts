import "server-only";
import { createHash } from "node:crypto";
import type { Queryable } from "@/server/db";

export interface AuditEntry {
  actor: { id: string; email: string } | null;
  action: string;
  target?: string;
  detail?: Record<string, unknown>;
}

export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted, so a row hashes the same after jsonb has reordered its keys. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The hash of one audit row: its content chained to the hash of the row before it. */
export function auditHash(prevHash: string, row: { at: string; actorEmail: string | null; action: string; target: string | null; detail: unknown }): string {
  return createHash("sha256")
    .update(canonical([prevHash, row.at, row.actorEmail, row.action, row.target, row.detail]))
    .digest("hex");
}

/** Appends one row inside the caller's transaction, so a failed audit write rolls the change back. */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  // One writer at a time extends the chain.
  await tx.query("select pg_advisory_xact_lock(7311002)");
  const last = await tx.query<{ hash: string }>("select hash from audit_log order by id desc limit 1");
  const prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
  const row = {
    at: new Date().toISOString(),
    actorEmail: entry.actor?.email ?? null,
    action: entry.action,
    target: entry.target ?? null,
    detail: entry.detail ?? {},
  };
  await tx.query(
    `insert into audit_log (at, actor_id, actor_email, action, target, detail, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [row.at, entry.actor?.id ?? null, row.actorEmail, row.action, row.target, JSON.stringify(row.detail), prevHash, auditHash(prevHash, row)],
  );
}
