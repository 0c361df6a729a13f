import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db, Queryable } from "@/server/db";
import { auditKey } from "./audit-key";

/** One writer at a time extends the audit chain and moves its checkpoint (append-audit.ts takes it too). */
export const AUDIT_CHAIN_LOCK = 7311002;

/**
 * The audit log's newest head — the last row's id and hash, and how many rows the log holds — kept OUTSIDE the
 * audit table, in `audit_checkpoint`, HMAC-signed with the audit key and rewritten in the same transaction as
 * every append (a file beside the embedded store could not be: written before the commit it could run ahead of
 * the log, written after it could lag behind it, and either would raise a false alarm after a crash).
 *
 * What it catches: rows cut off the end of the log (the chain ends before the checkpoint's row), rows removed
 * anywhere (fewer rows than it counts, even after later appends), a rewritten head, and any checkpoint written
 * without the key (its signature does not match).
 *
 * What it cannot catch: someone with write access to the database (and the trigger bypassed) who kept an OLDER
 * checkpoint, signed by Switchyard itself, can put it back together with cutting the log back to that same row.
 * The rows appended after that checkpoint then vanish without a trace in the store. It cannot hide a change to
 * any row up to that checkpoint, nor make a checkpoint for rows of its own. Against that rollback keep the head
 * somewhere else too: `npm run audit:verify` prints it (id, hash, rows) — ship that line to a log host.
 */

export interface Checkpoint {
  lastId: number;
  lastHash: string;
  rows: number;
  at: string;
  mac: string;
}

export function checkpointMac(key: string, cp: Omit<Checkpoint, "mac">): string {
  return createHmac("sha256", key)
    .update(JSON.stringify(["switchyard-audit-checkpoint", cp.lastId, cp.lastHash, cp.rows, cp.at]))
    .digest("hex");
}

export function checkpointSigned(key: string, cp: Checkpoint): boolean {
  const expected = Buffer.from(checkpointMac(key, cp), "hex");
  const actual = Buffer.from(cp.mac, "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

type CheckpointRow = { last_id: number; last_hash: string; rows: number; at: Date; mac: string };

export async function readCheckpoint(db: Queryable): Promise<Checkpoint | null> {
  const r = await db.query<CheckpointRow>(
    "select last_id, last_hash, rows, at, mac from audit_checkpoint where id = 1",
  );
  const row = r.rows[0];
  return row
    ? {
        lastId: Number(row.last_id),
        lastHash: row.last_hash,
        rows: Number(row.rows),
        at: row.at.toISOString(),
        mac: row.mac,
      }
    : null;
}

/**
 * Moves the checkpoint to a newly appended row, inside the append's transaction (which holds the chain's lock).
 * The count carries on from the previous checkpoint, so rows removed before an append stay missing from the count.
 */
export async function writeCheckpoint(
  tx: Queryable,
  key: string,
  head: { lastId: number; lastHash: string },
): Promise<void> {
  const previous = await readCheckpoint(tx);
  const rows = previous
    ? previous.rows + 1
    : (await tx.query<{ n: number }>("select count(*)::int as n from audit_log")).rows[0]!.n;
  const cp = { ...head, rows, at: new Date().toISOString() };
  await tx.query(
    `insert into audit_checkpoint (id, last_id, last_hash, rows, at, mac) values (1, $1, $2, $3, $4, $5)
     on conflict (id) do update set last_id = excluded.last_id, last_hash = excluded.last_hash, rows = excluded.rows, at = excluded.at, mac = excluded.mac`,
    [cp.lastId, cp.lastHash, cp.rows, cp.at, checkpointMac(key, cp)],
  );
}

/**
 * Seals a log from before the checkpoint existed (all SHA-256 rows, never appended to since): writes the first
 * checkpoint at its newest row, so from now on cutting rows off its end is caught without waiting for the next
 * audited change. Does nothing when a checkpoint exists or the log is empty. Meant for start-up, after migrations.
 */
export async function sealAuditHead(db: Db): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [AUDIT_CHAIN_LOCK]);
    if (await readCheckpoint(tx)) return false;
    const last = await tx.query<{ id: number; hash: string }>(
      "select id, hash from audit_log order by id desc limit 1",
    );
    if (!last.rows[0]) return false;
    await writeCheckpoint(tx, auditKey({ create: true }), {
      lastId: Number(last.rows[0].id),
      lastHash: last.rows[0].hash,
    });
    return true;
  });
}
