import type { AuditRow } from "./audit";

export const auditCsvHeader = ["id", "at", "actor", "action", "target", "detail", "prev_hash", "hash"] as const;

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvField(value: string | number | null): string {
  const s = value === null ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The audit rows as CSV with CRLF line ends: times in UTC ISO 8601, the detail as its JSON. */
export function auditCsv(rows: AuditRow[]): string {
  const lines = [auditCsvHeader.join(","), ...rows.map((r) => [r.id, r.at, r.actorEmail, r.action, r.target, JSON.stringify(r.detail), r.prevHash, r.hash].map(csvField).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
