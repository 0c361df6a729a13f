import type { AuditRow } from "./audit";
import { csvTable } from "./csv";

export const auditCsvHeader = ["id", "at", "actor", "action", "target", "detail", "prev_hash", "hash"] as const;

/** The audit rows as CSV: times in UTC ISO 8601, the detail as its JSON. */
export function auditCsv(rows: AuditRow[]): string {
  return csvTable(
    auditCsvHeader,
    rows.map((r) => [r.id, r.at, r.actorEmail, r.action, r.target, JSON.stringify(r.detail), r.prevHash, r.hash]),
  );
}
