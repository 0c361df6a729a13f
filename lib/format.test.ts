import { describe, expect, it } from "vitest";
import { TIMESTAMP_PARTS, formatAgo, formatDay, formatTimestamp, ownZoneName } from "./format";

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
    expect(formatTimestamp("2026-11-25T12:00:00Z", "UTC")).toBe("25 Nov 2026, 12:00:00 UTC");
    expect(formatTimestamp("2026-11-25T12:00:00Z", "Asia/Singapore")).toBe("25 Nov 2026, 20:00:00 GMT+8");
  });

  it("names a day as en-GB does", () => {
    const en = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    for (let m = 1; m <= 12; m++) {
      const day = `2026-${String(m).padStart(2, "0")}-0${(m % 9) + 1}`;
      expect(formatDay(day)).toBe(en.format(new Date(`${day}T00:00:00Z`)));
    }
  });

  it("writes UTC and the runtime's own zone without Intl, as en-GB would with the zone's offset", () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ["UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns", "America/New_York"]) {
        process.env.TZ = zone; // Node.js reads it again when it changes
        const expected = new Intl.DateTimeFormat("en-GB", {
          ...TIMESTAMP_PARTS,
          timeZone: zone,
          timeZoneName: "shortOffset",
        });
        for (let i = 0; i < 200; i++) {
          // across the year, both sides of each daylight-saving change
          const iso = new Date(Date.UTC(2026, 0, 1) + Math.floor(Math.random() * 366 * 86_400_000)).toISOString();
          expect(formatTimestamp(iso), `${iso} in ${zone}`).toBe(
            expected.format(new Date(iso)).replace(/ GMT(\+0)?$/, " UTC"),
          );
          expect(formatTimestamp(iso, "UTC")).toBe(formatTimestamp(iso, "Etc/UTC"));
        }
        // The charts' "Local time (…)" names the zone as the timestamps beside them do.
        expect(formatTimestamp(new Date().toISOString()).endsWith(` ${ownZoneName()}`), zone).toBe(true);
      }
    } finally {
      process.env.TZ = tz;
      if (tz === undefined) delete process.env.TZ;
    }
  });
});
