import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "./incident";
import { timelineCsv } from "./timeline-export";

const event = (over: Partial<TimelineEvent>): TimelineEvent => ({
  id: 1,
  at: "2026-05-01T12:00:00.000Z",
  actor: "lead",
  kind: "note",
  message: "Looking at us-east-1",
  data: {},
  snapshot: null,
  ...over,
});

describe("timelineCsv", () => {
  it("has the header and one CRLF-ended line per event, quoting what must be quoted", () => {
    expect(timelineCsv([event({}), event({ actor: "Ann, lead", message: 'said "go"\nnow' })])).toBe(
      'time_utc,actor,kind,message\r\n2026-05-01T12:00:00.000Z,lead,note,Looking at us-east-1\r\n2026-05-01T12:00:00.000Z,"Ann, lead",note,"said ""go""\nnow"\r\n',
    );
  });

  it("neutralises a note or a name that a spreadsheet would run as a formula", () => {
    const csv = timelineCsv([
      event({ actor: "@admin", message: '=HYPERLINK("http://x.test","click")' }),
      event({ message: "-2+3" }),
    ]);
    expect(csv.split("\r\n").slice(1, 3)).toEqual([
      '2026-05-01T12:00:00.000Z,\'@admin,note,"\'=HYPERLINK(""http://x.test"",""click"")"',
      "2026-05-01T12:00:00.000Z,lead,note,'-2+3",
    ]);
  });
});
