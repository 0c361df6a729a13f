import { describe, expect, it } from "vitest";
import {
  formatInZone,
  instantToLocalDateTime,
  isValidTimeZone,
  localDateTimeToInstant,
  onCallAt,
  onCallNowAndNext,
  rotationShiftAt,
  schedule,
  zonedTimeToInstant,
  type Override,
  type Rotation,
} from "./oncall-rotation";

const at = (iso: string) => new Date(iso);
const hours = (a: Date, b: Date | null) => (b!.getTime() - a.getTime()) / 3_600_000;

const daily = (over: Partial<Rotation> = {}): Rotation => ({
  members: ["ana", "bo", "cy"],
  kind: "daily",
  handoffTime: "09:00",
  handoffDay: 1,
  timeZone: "America/New_York",
  startDate: "2026-03-01",
  ...over,
});

describe("wall-clock time to instant", () => {
  it("maps an ordinary time with the zone's offset", () => {
    expect(zonedTimeToInstant({ year: 2026, month: 1, day: 15, hour: 9, minute: 0 }, "America/New_York")).toBe(
      Date.parse("2026-01-15T14:00:00Z"),
    );
    expect(zonedTimeToInstant({ year: 2026, month: 7, day: 15, hour: 9, minute: 0 }, "Europe/Berlin")).toBe(
      Date.parse("2026-07-15T07:00:00Z"),
    );
  });

  it("moves a time that does not exist on the spring-forward day to the moment the clocks jump", () => {
    // New York 2026-03-08: 02:00 EST becomes 03:00 EDT (07:00Z).
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, "America/New_York")).toBe(
      Date.parse("2026-03-08T07:00:00Z"),
    );
    // Berlin 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z).
    expect(zonedTimeToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, "Europe/Berlin")).toBe(
      Date.parse("2026-03-29T01:00:00Z"),
    );
  });

  it("takes the first of a time that happens twice on the fall-back day", () => {
    // New York 2026-11-01: 01:30 EDT (05:30Z) then 01:30 EST (06:30Z).
    expect(zonedTimeToInstant({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "America/New_York")).toBe(
      Date.parse("2026-11-01T05:30:00Z"),
    );
    // Berlin 2026-10-25: 02:30 CEST (00:30Z) then 02:30 CET (01:30Z).
    expect(zonedTimeToInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, "Europe/Berlin")).toBe(
      Date.parse("2026-10-25T00:30:00Z"),
    );
  });

  it("reads and writes datetime-local values in a zone", () => {
    expect(localDateTimeToInstant("2026-03-13T18:00", "Europe/Berlin")?.toISOString()).toBe("2026-03-13T17:00:00.000Z");
    expect(localDateTimeToInstant("2026-02-30T18:00", "Europe/Berlin")).toBeNull();
    expect(localDateTimeToInstant("nonsense", "Europe/Berlin")).toBeNull();
    expect(instantToLocalDateTime(at("2026-03-13T17:00:00Z"), "Europe/Berlin")).toBe("2026-03-13T18:00");
  });

  it("names the zone in what a person reads", () => {
    expect(formatInZone(at("2026-03-29T01:00:00Z"), "Europe/Berlin")).toBe("Sun 29 Mar 2026, 03:00 CEST");
    expect(formatInZone(at("2026-01-15T12:00:00Z"), "Asia/Kolkata")).toBe("Thu 15 Jan 2026, 17:30 GMT+5:30");
  });

  it("knows zone names", () => {
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
});

describe("a daily rotation", () => {
  it("hands off at the local time and wraps around the members in order", () => {
    const r = daily();
    // 2026-03-01 09:00 EST = 14:00Z: ana; then bo, cy, and ana again.
    expect(rotationShiftAt(r, at("2026-03-01T14:00:00Z")).memberId).toBe("ana");
    expect(rotationShiftAt(r, at("2026-03-02T13:59:59Z")).memberId).toBe("ana");
    expect(rotationShiftAt(r, at("2026-03-02T14:00:00Z")).memberId).toBe("bo");
    expect(rotationShiftAt(r, at("2026-03-03T15:00:00Z")).memberId).toBe("cy");
    expect(rotationShiftAt(r, at("2026-03-04T15:00:00Z")).memberId).toBe("ana");
    expect(rotationShiftAt(r, at("2026-03-31T15:00:00Z")).memberId).toBe(["ana", "bo", "cy"][30 % 3]);
  });

  it("has nobody on call before its first hand-off or without members", () => {
    expect(rotationShiftAt(daily(), at("2026-03-01T13:59:00Z")).memberId).toBeNull();
    expect(rotationShiftAt(daily({ members: [] }), at("2026-03-05T12:00:00Z")).memberId).toBeNull();
  });

  it("New York spring forward: the shift across it is 23 hours, hand-offs stay at 09:00 local", () => {
    const s = rotationShiftAt(daily(), at("2026-03-08T06:00:00Z")); // 01:00 EST on the change day
    expect(s.start.toISOString()).toBe("2026-03-07T14:00:00.000Z"); // 09:00 EST
    expect(s.end!.toISOString()).toBe("2026-03-08T13:00:00.000Z"); // 09:00 EDT
    expect(hours(s.start, s.end)).toBe(23);
    expect(formatInZone(s.end!, "America/New_York")).toBe("Sun 8 Mar 2026, 09:00 EDT");
  });

  it("New York fall back: the shift across it is 25 hours", () => {
    const s = rotationShiftAt(daily(), at("2026-11-01T08:00:00Z"));
    expect(s.start.toISOString()).toBe("2026-10-31T13:00:00.000Z"); // 09:00 EDT
    expect(s.end!.toISOString()).toBe("2026-11-01T14:00:00.000Z"); // 09:00 EST
    expect(hours(s.start, s.end)).toBe(25);
  });

  it("Berlin: a 02:30 hand-off on the spring-forward day happens at 03:00 CEST; shifts around it are 23.5 and 23.5 h", () => {
    const r = daily({ timeZone: "Europe/Berlin", handoffTime: "02:30", startDate: "2026-03-20" });
    const s = rotationShiftAt(r, at("2026-03-29T01:00:00Z"));
    expect(s.start.toISOString()).toBe("2026-03-29T01:00:00.000Z"); // 03:00 CEST, the first valid instant
    expect(s.end!.toISOString()).toBe("2026-03-30T00:30:00.000Z"); // 02:30 CEST
    const before = rotationShiftAt(r, at("2026-03-29T00:59:59Z"));
    expect(before.start.toISOString()).toBe("2026-03-28T01:30:00.000Z"); // 02:30 CET
    expect(hours(before.start, before.end)).toBe(23.5);
    expect(hours(s.start, s.end)).toBe(23.5);
  });

  it("Berlin fall back: a 02:30 hand-off on the day it happens twice is the first, and that shift is 25 h", () => {
    const r = daily({ timeZone: "Europe/Berlin", handoffTime: "02:30", startDate: "2026-10-20" });
    const s = rotationShiftAt(r, at("2026-10-25T01:00:00Z"));
    expect(s.start.toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(s.end!.toISOString()).toBe("2026-10-26T01:30:00.000Z");
    expect(hours(s.start, s.end)).toBe(25);
  });

  it("New York: a 02:30 hand-off on the spring-forward day is at 03:00 EDT", () => {
    const r = daily({ handoffTime: "02:30" });
    const s = rotationShiftAt(r, at("2026-03-08T08:00:00Z"));
    expect(s.start.toISOString()).toBe("2026-03-08T07:00:00.000Z");
  });
});

describe("a weekly rotation", () => {
  const weekly = (over: Partial<Rotation> = {}): Rotation =>
    daily({ kind: "weekly", handoffDay: 1, handoffTime: "10:00", timeZone: "Europe/Berlin", ...over });

  it("starts at the first hand-off day on or after the start date", () => {
    // 2026-03-18 is a Wednesday: the first hand-off is Monday 2026-03-23 10:00 CET.
    const r = weekly({ startDate: "2026-03-18" });
    expect(rotationShiftAt(r, at("2026-03-23T08:59:00Z")).memberId).toBeNull();
    expect(rotationShiftAt(r, at("2026-03-23T09:00:00Z")).memberId).toBe("ana");
  });

  it("Berlin spring forward: the week across it is 167 h; fall back: 169 h; members wrap", () => {
    const r = weekly({ startDate: "2026-03-23" });
    const spring = rotationShiftAt(r, at("2026-03-29T12:00:00Z"));
    expect(spring.start.toISOString()).toBe("2026-03-23T09:00:00.000Z");
    expect(spring.end!.toISOString()).toBe("2026-03-30T08:00:00.000Z");
    expect(hours(spring.start, spring.end)).toBe(167);
    expect(spring.memberId).toBe("ana");
    expect(rotationShiftAt(r, at("2026-03-30T08:00:00Z")).memberId).toBe("bo");
    expect(rotationShiftAt(r, at("2026-04-06T08:00:00Z")).memberId).toBe("cy");
    expect(rotationShiftAt(r, at("2026-04-13T08:00:00Z")).memberId).toBe("ana");
    const fall = rotationShiftAt(r, at("2026-10-25T12:00:00Z"));
    expect(fall.start.toISOString()).toBe("2026-10-19T08:00:00.000Z"); // 10:00 CEST
    expect(fall.end!.toISOString()).toBe("2026-10-26T09:00:00.000Z"); // 10:00 CET
    expect(hours(fall.start, fall.end)).toBe(169);
  });

  it("New York: weekly on Friday 17:00 across both changes", () => {
    const r = weekly({ timeZone: "America/New_York", handoffDay: 5, handoffTime: "17:00", startDate: "2026-01-01" });
    const spring = rotationShiftAt(r, at("2026-03-10T12:00:00Z"));
    expect(spring.start.toISOString()).toBe("2026-03-06T22:00:00.000Z"); // Fri 17:00 EST
    expect(spring.end!.toISOString()).toBe("2026-03-13T21:00:00.000Z"); // Fri 17:00 EDT
    const fall = rotationShiftAt(r, at("2026-11-03T12:00:00Z"));
    expect(hours(fall.start, fall.end)).toBe(169);
    expect(formatInZone(fall.end!, "America/New_York")).toBe("Fri 6 Nov 2026, 17:00 EST");
  });
});

describe("overrides", () => {
  const r = daily({ timeZone: "Europe/Berlin", startDate: "2026-03-01" });
  const ov = (id: number, memberId: string, start: string, end: string, created: string): Override => ({
    id,
    memberId,
    start: at(start),
    end: at(end),
    createdAt: at(created),
  });

  it("win over the rotation, and the latest created wins where they overlap", () => {
    const friday = ov(1, "dee", "2026-03-13T17:00:00Z", "2026-03-14T07:00:00Z", "2026-03-01T00:00:00Z");
    const later = ov(2, "eli", "2026-03-13T22:00:00Z", "2026-03-14T02:00:00Z", "2026-03-02T00:00:00Z");
    const older = ov(3, "fay", "2026-03-13T20:00:00Z", "2026-03-14T01:00:00Z", "2026-02-01T00:00:00Z");
    const all = [friday, later, older];
    expect(onCallAt(r, all, at("2026-03-13T16:59:00Z")).memberId).toBe(
      rotationShiftAt(r, at("2026-03-13T16:59:00Z")).memberId,
    );
    expect(onCallAt(r, all, at("2026-03-13T17:00:00Z"))).toMatchObject({ memberId: "dee", overrideId: 1 });
    expect(onCallAt(r, all, at("2026-03-13T21:00:00Z")).memberId).toBe("dee"); // fay's is older than dee's
    expect(onCallAt(r, all, at("2026-03-13T23:00:00Z")).memberId).toBe("eli");
    expect(onCallAt(r, all, at("2026-03-14T03:00:00Z")).memberId).toBe("dee");
    expect(onCallAt(r, all, at("2026-03-14T07:00:00Z")).overrideId).toBeNull();
  });

  it("lay out the schedule in stretches, with the rotation resuming after them", () => {
    const o = ov(1, "dee", "2026-03-13T17:00:00Z", "2026-03-14T07:00:00Z", "2026-03-01T00:00:00Z");
    const s = schedule(r, [o], at("2026-03-13T00:00:00Z"), at("2026-03-15T00:00:00Z"));
    expect(s.map((x) => [x.start.toISOString(), x.memberId])).toEqual([
      ["2026-03-13T00:00:00.000Z", "cy"], // 2026-03-12 09:00 CET starts shift 11: 11 % 3 = 2
      ["2026-03-13T08:00:00.000Z", "ana"], // shift 12
      ["2026-03-13T17:00:00.000Z", "dee"],
      ["2026-03-14T07:00:00.000Z", "ana"],
      ["2026-03-14T08:00:00.000Z", "bo"],
    ]);
  });

  it("now and next: who is on call since when, and the next hand-offs", () => {
    const o = ov(1, "dee", "2026-03-13T17:00:00Z", "2026-03-14T07:00:00Z", "2026-03-01T00:00:00Z");
    const { now, next } = onCallNowAndNext(r, [o], at("2026-03-13T12:00:00Z"), 3);
    expect(now).toMatchObject({ memberId: "ana", overrideId: null });
    expect(now.start.toISOString()).toBe("2026-03-13T08:00:00.000Z");
    expect(now.end!.toISOString()).toBe("2026-03-13T17:00:00.000Z");
    expect(next.map((x) => [x.start.toISOString(), x.memberId, x.overrideId])).toEqual([
      ["2026-03-13T17:00:00.000Z", "dee", 1],
      ["2026-03-14T07:00:00.000Z", "ana", null],
      ["2026-03-14T08:00:00.000Z", "bo", null],
    ]);
    // After the override, ana is back "since" its end, not since the shift's start.
    const after = onCallNowAndNext(r, [o], at("2026-03-14T07:30:00Z"), 1);
    expect(after.now.start.toISOString()).toBe("2026-03-14T07:00:00.000Z");
    expect(after.next).toHaveLength(1);
  });

  it("put someone on call without any rotation", () => {
    const o = ov(1, "dee", "2026-03-13T17:00:00Z", "2026-03-14T07:00:00Z", "2026-03-01T00:00:00Z");
    const { now, next } = onCallNowAndNext(null, [o], at("2026-03-13T12:00:00Z"));
    expect(now.memberId).toBeNull();
    expect(next.map((x) => [x.memberId, x.end?.toISOString() ?? null])).toEqual([
      ["dee", "2026-03-14T07:00:00.000Z"],
      [null, null],
    ]);
  });
});
