import { describe, expect, it } from "vitest";
import { phaseClocksFor } from "./phase-clocks";

const declaredAt = "2026-11-25T12:00:00.000Z";
const at = (min: number) => Date.parse(declaredAt) + min * 60_000;
const base = { declaredAt, firstCommAt: null, mitigatedAt: null, resolvedAt: null };

describe("phase clocks", () => {
  it("follow the runbook's P0 timeline from the declaration", () => {
    const c = phaseClocksFor({ ...base, severity: "P0" }, [], at(3));
    expect(c.map((p) => [p.phase, p.startsAt?.slice(11, 16), p.dueAt?.slice(11, 16) ?? null])).toEqual([
      ["alert", "12:00", "12:02"],
      ["assess", "12:02", "12:05"],
      ["communicate", "12:05", "12:10"],
      ["mitigate", "12:10", "12:30"],
      ["resolve", "12:30", null],
      ["postmortem", undefined, null],
    ]);
    expect(c.map((p) => p.state)).toEqual(["overdue", "active", "upcoming", "upcoming", "upcoming", "upcoming"]);
    expect(c[1]!.remainingMs).toBe(2 * 60_000);
  });

  it("follow the runbook's P1 timeline", () => {
    const c = phaseClocksFor({ ...base, severity: "P1" }, [], at(0));
    expect(c.slice(0, 4).map((p) => p.dueAt!.slice(11, 16))).toEqual(["12:05", "12:10", "12:15", "13:00"]);
  });

  it("mark a phase done when its steps are checked, and Communicate when the first message is sent", () => {
    const steps = [
      { phase: "alert" as const, checked: true, checkedAt: "2026-11-25T12:01:00.000Z" },
      { phase: "alert" as const, checked: true, checkedAt: "2026-11-25T12:01:30.000Z" },
      { phase: "assess" as const, checked: false, checkedAt: null },
    ];
    const c = phaseClocksFor({ ...base, severity: "P1", firstCommAt: "2026-11-25T12:12:00.000Z" }, steps, at(20));
    expect(c[0]).toMatchObject({ state: "done", doneAt: "2026-11-25T12:01:30.000Z", remainingMs: null });
    expect(c[1]).toMatchObject({ state: "overdue", remainingMs: -10 * 60_000 });
    expect(c[2]).toMatchObject({ state: "done", doneAt: "2026-11-25T12:12:00.000Z" });
  });

  it("start the post-mortem clock at resolution, due 48 h later for P0 and P1", () => {
    const c = phaseClocksFor(
      { ...base, severity: "P0", mitigatedAt: "2026-11-25T12:20:00.000Z", resolvedAt: "2026-11-25T12:40:00.000Z" },
      [],
      at(60),
    );
    expect(c[3]).toMatchObject({ state: "done" });
    expect(c[4]).toMatchObject({ state: "done", doneAt: "2026-11-25T12:40:00.000Z" });
    expect(c[5]).toMatchObject({
      state: "active",
      startsAt: "2026-11-25T12:40:00.000Z",
      dueAt: "2026-11-27T12:40:00.000Z",
    });
  });

  it("give P2 and P3 their own, longer clocks", () => {
    expect(phaseClocksFor({ ...base, severity: "P2" }, [], at(0))[3]!.dueAt!.slice(11, 16)).toBe("16:00");
    expect(phaseClocksFor({ ...base, severity: "P3" }, [], at(0))[0]!.dueAt!.slice(11, 16)).toBe("13:00");
  });
});
