import { describe, expect, it } from "vitest";
import { formatAgo, formatTimestamp } from "./format";

describe("time formatting", () => {
  it("says how long ago in the largest sensible unit", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(formatAgo("2026-11-25T12:00:00Z", now)).toBe("just now");
    expect(formatAgo("2026-11-25T11:59:48Z", now)).toBe("12 s ago");
    expect(formatAgo("2026-11-25T11:57:00Z", now)).toBe("3 min ago");
    expect(formatAgo("2026-11-25T10:00:00Z", now)).toBe("2 h ago");
    expect(formatAgo("2026-11-21T12:00:00Z", now)).toBe("4 d ago");
  });

  it("always shows the time zone", () => {
    expect(formatTimestamp("2026-11-25T12:00:00Z", "UTC")).toMatch(/12:00:00 UTC$/);
    expect(formatTimestamp("2026-11-25T12:00:00Z", "Asia/Singapore")).toMatch(/20:00:00 GMT\+8$/);
  });
});
