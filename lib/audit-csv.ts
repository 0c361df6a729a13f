import type { AuditRow } from "./audit";
import { csvField } from "./csv";

export const auditCsvHeader = ["id", "at", "actor", "action", "target", "detail", "prev_hash", "hash"] as const;

/** The audit rows as CSV with CRLF line ends: times in UTC ISO 8601, the detail as its JSON. */
export function auditCsv(rows: AuditRow[]): string {
  const lines = [auditCsvHeader.join(","), ...rows.map((r) => [r.id, r.at, r.actorEmail, r.action, r.target, JSON.stringify(r.detail), r.prevHash, r.hash].map(csvField).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
