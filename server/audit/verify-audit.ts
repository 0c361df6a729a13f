import "server-only";
import type { Db, Queryable } from "@/server/db";
import { auditHash, auditHmac, GENESIS_HASH, type AuditAlg } from "./append-audit";
import { auditKey } from "./audit-key";
import { checkpointSigned, readCheckpoint, type Checkpoint } from "./checkpoint";

export type AuditVerdict = { ok: true; rows: number } | { ok: false; rows: number; brokenAt: number; reason: string };

/** A stretch of the chain from its first row that verified: where to carry on from. */
export interface VerifiedPrefix {
  lastId: number;
  lastHash: string;
  rows: number;
  /** Whether an HMAC row has been seen: from then on a plain SHA-256 row is a forgery. */
  hmacSeen: boolean;
}

export interface ChainWalk {
  verdict: AuditVerdict;
  /** The verified prefix (the whole chain when the verdict is ok); null when nothing verified. */
  head: VerifiedPrefix | null;
  /** Audit rows read from the store by this walk. */
  rowsRead: number;
  /** Whether it walked from the first row (no prefix given, or the prefix's last row was no longer as it was). */
  full: boolean;
  /** The chain's newest row as the walk found it, for operators to keep elsewhere. */
  newest: { id: number; hash: string } | null;
}

export class AuditKeyMissing extends Error {
  constructor() {
    super(
      "the audit key is missing (set AUDIT_KEY, or DATA_DIR to the directory holding audit-key): HMAC rows and the checkpoint cannot be checked",
    );
    this.name = "AuditKeyMissing";
  }
}

type Row = {
  id: number;
  at: Date;
  actor_email: string | null;
  action: string;
  target: string | null;
  detail: unknown;
  prev_hash: string;
  hash: string;
  alg: AuditAlg;
};

const columns = "id, at, actor_email, action, target, detail, prev_hash, hash, alg";

function expectedHash(row: Row, prev: string, key: string | null): string {
  const c = {
    at: row.at.toISOString(),
    actorEmail: row.actor_email,
    action: row.action,
    target: row.target,
    detail: row.detail,
  };
  if (row.alg === "sha256") return auditHash(prev, c);
  if (!key) throw new AuditKeyMissing();
  return auditHmac(key, prev, c);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const removed = (n: number, which: string) =>
  n === 1 ? `${which || "1 "}row was removed` : `${which}${n} rows were removed`;

/** The verdict on the chain's end against the signed checkpoint. */
function checkAgainstCheckpoint(cp: Checkpoint | null, key: string | null, head: VerifiedPrefix | null): AuditVerdict {
  const rows = head?.rows ?? 0;
  if (!cp) {
    // A log from before the seal (all SHA-256, never appended to since) has no checkpoint yet.
    if (!head?.hmacSeen) return { ok: true, rows };
    return {
      ok: false,
      rows,
      brokenAt: head.lastId,
      reason: "the signed checkpoint of the newest row is missing (removed from audit_checkpoint)",
    };
  }
  if (!key) throw new AuditKeyMissing();
  if (!checkpointSigned(key, cp))
    return {
      ok: false,
      rows,
      brokenAt: cp.lastId,
      reason: "the checkpoint's signature does not match: it was written without the audit key",
    };
  const lastId = head?.lastId ?? 0;
  if (lastId < cp.lastId) {
    return {
      ok: false,
      rows,
      brokenAt: cp.lastId,
      reason: `${removed(Math.max(cp.rows - rows, 1), "the newest ")}: the chain ends at ${lastId ? `row #${lastId}` : "no row"} but the signed checkpoint names row #${cp.lastId} (${plural(cp.rows, "row")})`,
    };
  }
  if (lastId > cp.lastId)
    return {
      ok: false,
      rows,
      brokenAt: cp.lastId,
      reason: `rows after #${cp.lastId} are not covered by the signed checkpoint: they were added outside Switchyard`,
    };
  if (head!.lastHash !== cp.lastHash)
    return { ok: false, rows, brokenAt: cp.lastId, reason: "its hash differs from the signed checkpoint's" };
  if (rows < cp.rows)
    return {
      ok: false,
      rows,
      brokenAt: cp.lastId,
      reason: `${removed(cp.rows - rows, "")} from the log: the signed checkpoint counts ${cp.rows}`,
    };
  if (rows > cp.rows)
    return {
      ok: false,
      rows,
      brokenAt: cp.lastId,
      reason: `the log holds ${rows} rows but the signed checkpoint counts ${cp.rows}`,
    };
  return { ok: true, rows };
}

/**
 * Walks the audit log in order from `from` (the start when null), recomputing each row's hash from the one before
 * it, then checks the end against the signed checkpoint. The rows and the checkpoint are read in one snapshot, so
 * an append committing meanwhile is either wholly seen or not at all.
 */
export async function walkAuditChain(
  db: Db,
  from: VerifiedPrefix | null,
  key = auditKey({ create: false }),
): Promise<ChainWalk> {
  return db.transaction(async (tx: Queryable) => {
    await tx.query("set transaction isolation level repeatable read");
    if (from) {
      // The prefix's last row must still be there as it was; otherwise walk everything again.
      const still = await tx.query<{ hash: string }>("select hash from audit_log where id = $1", [from.lastId]);
      if (still.rows[0]?.hash !== from.lastHash) from = null;
    }
    const r = await tx.query<Row>(
      `select ${columns} from audit_log ${from ? "where id > $1" : ""} order by id`,
      from ? [from.lastId] : [],
    );
    const cp = await readCheckpoint(tx);
    let head: VerifiedPrefix | null = from ? { ...from } : null;
    const rowsRead = r.rows.length;
    const last = r.rows.at(-1);
    const newest = last ? { id: last.id, hash: last.hash } : from ? { id: from.lastId, hash: from.lastHash } : null;
    const broken = (row: Row, reason: string): ChainWalk => ({
      verdict: { ok: false, rows: (from?.rows ?? 0) + rowsRead, brokenAt: row.id, reason },
      head,
      rowsRead,
      full: !from,
      newest,
    });
    for (const row of r.rows) {
      const prev = head?.lastHash ?? GENESIS_HASH;
      if (row.prev_hash !== prev) return broken(row, "does not follow the row before it");
      if (row.alg === "sha256" && head?.hmacSeen)
        return broken(row, "a plain SHA-256 row after the switch to HMAC rows");
      if (expectedHash(row, prev, key) !== row.hash) return broken(row, "its content does not match its hash");
      head = {
        lastId: row.id,
        lastHash: row.hash,
        rows: (head?.rows ?? 0) + 1,
        hmacSeen: (head?.hmacSeen ?? false) || row.alg === "hmac-sha256",
      };
    }
    return { verdict: checkAgainstCheckpoint(cp, key, head), head, rowsRead, full: !from, newest };
  });
}

/** Verifies the whole audit log (npm run audit:verify, tests); the key is this process's unless given. */
export async function verifyAuditChain(db: Db, key = auditKey({ create: false })): Promise<AuditVerdict> {
  return (await walkAuditChain(db, null, key)).verdict;
}
