import { describe, expect, it } from "vitest";
import { overrideInput, rotationInput } from "./oncall-schema";

const uuid = "00000000-0000-4000-8000-000000000001";

describe("an override's input", () => {
  it("reads local times in the rotation's zone, a skipped time as the moment the clocks jump", () => {
    const v = overrideInput.parse({
      level: 0,
      userId: uuid,
      timeZone: "America/New_York",
      start: "2026-03-08T02:30",
      end: "2026-03-08T09:00",
    });
    expect(v.start.toISOString()).toBe("2026-03-08T07:00:00.000Z");
    expect(v.end.toISOString()).toBe("2026-03-08T13:00:00.000Z");
    expect(v.note).toBe("");
  });

  it("refuses an end that is not after the start, and a malformed time", () => {
    const base = { level: 0, userId: uuid, timeZone: "Europe/Berlin" };
    const r1 = overrideInput.safeParse({ ...base, start: "2026-03-13T18:00", end: "2026-03-13T18:00" });
    expect(r1.error?.issues[0]).toMatchObject({ path: ["end"], message: "must be after the start" });
    const r2 = overrideInput.safeParse({ ...base, start: "Friday night", end: "2026-03-13T18:00" });
    expect(r2.error?.issues[0]).toMatchObject({ path: ["start"] });
  });
});

describe("a rotation's input", () => {
  const ok = {
    level: 0,
    kind: "weekly",
    handoffTime: "09:00",
    handoffDay: 1,
    timeZone: "Europe/Berlin",
    startDate: "2026-03-02",
    members: [uuid],
  };
  it("takes a valid rotation and refuses a bad zone, time, date or no members", () => {
    expect(rotationInput.safeParse(ok).success).toBe(true);
    for (const bad of [
      { timeZone: "Europe/Atlantis" },
      { handoffTime: "9am" },
      { startDate: "2026-13-01" },
      { handoffDay: 7 },
      { members: [] },
      { members: ["ana"] },
    ])
      expect(rotationInput.safeParse({ ...ok, ...bad }).success).toBe(false);
  });
});
