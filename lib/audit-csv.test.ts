import { describe, expect, it } from "vitest";
import type { AuditRow } from "./audit";
import { auditCsv } from "./audit-csv";

/** A strict RFC 4180 reader, so the test checks what a spreadsheet would read back, not the writer's own idea of it. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else if (c === '"' || c === "\n" || c === "\r") {
      throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    } else field += c;
  }
  if (field || row.length) throw new Error("last line has no CRLF");
  return rows;
}

const row = (over: Partial<AuditRow>): AuditRow => ({
  id: 7,
  at: "2026-05-01T12:00:00.000Z",
  actorId: null,
  actorEmail: "lead@x.test",
  action: "action.approve",
  target: "db.promote-replica#12",
  detail: {},
  prevHash: "a".repeat(64),
  hash: "b".repeat(64),
  ...over,
});

describe("auditCsv", () => {
  it("has the header and one line per row", () => {
    const csv = auditCsv([row({ id: 2 }), row({ id: 1, actorEmail: null, target: null })]);
    expect(readCsv(csv)).toEqual([
      ["id", "at", "actor", "action", "target", "detail", "prev_hash", "hash"],
      [
        "2",
        "2026-05-01T12:00:00.000Z",
        "lead@x.test",
        "action.approve",
        "db.promote-replica#12",
        "{}",
        "a".repeat(64),
        "b".repeat(64),
      ],
      ["1", "2026-05-01T12:00:00.000Z", "", "action.approve", "", "{}", "a".repeat(64), "b".repeat(64)],
    ]);
  });

  it("reads back a detail with commas, quotes and newlines exactly", () => {
    const detail = { reason: 'lag, "high"\nsecond line', note: "a\r\nb", n: 3 };
    const [, line] = readCsv(auditCsv([row({ detail, target: 'x,"y"\nz' })]));
    expect(line).toHaveLength(8);
    expect(JSON.parse(line![5]!)).toEqual(detail);
    expect(line![4]).toBe('x,"y"\nz');
  });

  it("reads back a formula someone typed as text, not as a formula", () => {
    const [, line] = readCsv(
      auditCsv([row({ actorEmail: '=HYPERLINK("http://x.test","open")', target: "+1,2", action: "@SUM(A1)" })]),
    );
    expect(line!.slice(2, 5)).toEqual(['\'=HYPERLINK("http://x.test","open")', "'@SUM(A1)", "'+1,2"]);
  });

  it("is only the header when there are no rows", () => {
    expect(auditCsv([])).toBe("id,at,actor,action,target,detail,prev_hash,hash\r\n");
  });
});
