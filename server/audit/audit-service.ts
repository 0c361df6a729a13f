import "server-only";
import { auditFilters, type AuditChain, type AuditRow } from "@/lib/audit";
import type { Caller } from "@/server/auth/caller";
import { getDb } from "@/server/db";
import { parseInput } from "@/server/errors";
import { cachedAuditVerdict } from "./verdict-cache";

/**
 * Reading the audit log. Every role and every API token may read it (managers watch everything); holding a
 * Caller means requireUser or requireCaller has already checked the session or the token.
 */

type DbRow = {
  id: number;
  at: Date;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
};

/** The rows matching the filters, newest first. */
export async function listAudit(_caller: Caller, rawFilters: unknown): Promise<AuditRow[]> {
  const f = parseInput(auditFilters, rawFilters);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  // starts_with and strpos rather than LIKE, so "%" and "_" in a filter are plain characters.
  if (f.action) add((p) => `starts_with(action, ${p})`, f.action);
  if (f.actor) add((p) => `strpos(lower(actor_email), lower(${p})) > 0`, f.actor);
  if (f.target) add((p) => `strpos(lower(target), lower(${p})) > 0`, f.target);
  if (f.from) add((p) => `at >= ${p}::timestamptz`, f.from);
  if (f.to) add((p) => `at <= ${p}::timestamptz`, f.to);
  params.push(f.limit);
  const r = await (
    await getDb()
  ).query<DbRow>(
    `select id, at, actor_id, actor_email, action, target, detail, prev_hash, hash from audit_log
     ${where.length ? `where ${where.join(" and ")}` : ""}
     order by id desc limit $${params.length}`,
    params,
  );
  return r.rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    action: row.action,
    target: row.target,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}

/** Whether every row still follows the one before it and the log ends at its signed checkpoint (cached: see verdict-cache.ts). */
export async function auditChainStatus(_caller: Caller): Promise<AuditChain> {
  return cachedAuditVerdict(await getDb());
}
