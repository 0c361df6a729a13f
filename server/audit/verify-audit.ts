import "server-only";
import type { Queryable } from "@/server/db";
import { auditHash, GENESIS_HASH } from "./append-audit";

export type AuditVerdict = { ok: true; rows: number } | { ok: false; rows: number; brokenAt: number; reason: string };

/** Walks the audit log in order and recomputes each row's hash from the one before it. */
export async function verifyAuditChain(db: Queryable): Promise<AuditVerdict> {
  const r = await db.query<{ id: number; at: Date; actor_email: string | null; action: string; target: string | null; detail: unknown; prev_hash: string; hash: string }>(
    "select id, at, actor_email, action, target, detail, prev_hash, hash from audit_log order by id",
  );
  let prev = GENESIS_HASH;
  for (const row of r.rows) {
    if (row.prev_hash !== prev) return { ok: false, rows: r.rowCount, brokenAt: row.id, reason: "does not follow the row before it" };
    const expected = auditHash(prev, { at: row.at.toISOString(), actorEmail: row.actor_email, action: row.action, target: row.target, detail: row.detail });
    if (expected !== row.hash) return { ok: false, rows: r.rowCount, brokenAt: row.id, reason: "its content does not match its hash" };
    prev = row.hash;
  }
  return { ok: true, rows: r.rowCount };
}
