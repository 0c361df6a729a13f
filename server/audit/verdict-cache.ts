import "server-only";
import type { Db } from "@/server/db";
import { AuditKeyMissing, walkAuditChain, type AuditVerdict, type VerifiedPrefix } from "./verify-audit";

/**
 * The chain's verdict for pages and the API, without walking the whole log on every request: the verified prefix
 * (last id, hash, count) is kept in memory per store, and each request verifies only the rows after it, plus the
 * prefix's last row still being there unchanged and the signed checkpoint. A failure forgets the prefix, and the
 * whole log is walked again at least every FULL_WALK_MS, so a row changed inside the prefix by someone who got
 * past the append-only trigger is found within that time (npm run audit:verify always walks everything).
 */
export const FULL_WALK_MS = 10 * 60_000;

type Entry = { prefix: VerifiedPrefix; walkedAt: number };

const holder = globalThis as unknown as { __switchyardAuditPrefix?: WeakMap<Db, Entry> };
const prefixes = (holder.__switchyardAuditPrefix ??= new WeakMap());

/** How many audit rows the last cached verification read (for tests and the curious). */
export const auditCacheStats = { rowsRead: 0, fullWalks: 0 };

export async function cachedAuditVerdict(db: Db, now = Date.now()): Promise<AuditVerdict> {
  const entry = prefixes.get(db);
  const from = entry && now - entry.walkedAt < FULL_WALK_MS ? entry.prefix : null;
  try {
    const walk = await walkAuditChain(db, from);
    auditCacheStats.rowsRead = walk.rowsRead;
    if (walk.full) auditCacheStats.fullWalks++;
    if (walk.verdict.ok && walk.head)
      prefixes.set(db, { prefix: walk.head, walkedAt: walk.full ? now : entry!.walkedAt });
    else prefixes.delete(db);
    return walk.verdict;
  } catch (err) {
    prefixes.delete(db);
    if (err instanceof AuditKeyMissing) return { ok: false, rows: 0, brokenAt: 0, reason: err.message };
    throw err;
  }
}

/** Forgets every cached prefix (tests). */
export function forgetAuditVerdicts(db: Db): void {
  prefixes.delete(db);
}
