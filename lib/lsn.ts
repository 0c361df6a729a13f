/** PostgreSQL log sequence numbers ("16/B374D848") as byte positions; exact below 2^53 bytes of WAL (8 PiB). */
export function lsnToBytes(lsn: string | null | undefined): number | null {
  if (!lsn) return null;
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!m) return null;
  return parseInt(m[1]!, 16) * 2 ** 32 + parseInt(m[2]!, 16);
}

/** Bytes from `behind` to `ahead`, never negative; null when either is unknown. */
export function lsnDistance(ahead: string | null | undefined, behind: string | null | undefined): number | null {
  const a = lsnToBytes(ahead);
  const b = lsnToBytes(behind);
  return a === null || b === null ? null : Math.max(0, a - b);
}
