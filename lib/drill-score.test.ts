import { describe, expect, it } from "vitest";
import { drillTargets, drillTrend, scoreDrill, type DrillScore } from "./drill-score";

const MIN = 60_000;
const t0 = Date.parse("2026-03-02T10:00:00Z");
const at = (minutes: number) => new Date(t0 + minutes * MIN).toISOString();

describe("drillTargets", () => {
  it("reads the phase clocks: end of Alert, Communicate, Mitigate, and Mitigate plus the 15-minute hold", () => {
    expect(drillTargets("P0")).toEqual({
      declare: 2 * MIN,
      firstMessage: 10 * MIN,
      mitigated: 30 * MIN,
      resolved: 45 * MIN,
    });
    expect(drillTargets("P1")).toEqual({
      declare: 5 * MIN,
      firstMessage: 15 * MIN,
      mitigated: 60 * MIN,
      resolved: 75 * MIN,
    });
    expect(drillTargets("P2").declare).toBe(15 * MIN);
    expect(drillTargets("P3").resolved).toBe((2880 + 15) * MIN);
  });
});

describe("scoreDrill", () => {
  it("measures declare from the fault and the rest from the declaration, each against its target", () => {
    const s = scoreDrill({
      severity: "P1",
      clockStart: at(0),
      incident: { declaredAt: at(4), firstCommAt: at(4 + 20), mitigatedAt: at(4 + 30), resolvedAt: at(4 + 75) },
      at: at(90),
      final: true,
    });
    expect(s.measures).toEqual([
      { measure: "declare", measuredMs: 4 * MIN, targetMs: 5 * MIN, state: "met" },
      { measure: "firstMessage", measuredMs: 20 * MIN, targetMs: 15 * MIN, state: "missed" },
      { measure: "mitigated", measuredMs: 30 * MIN, targetMs: 60 * MIN, state: "met" },
      // exactly on target counts as met
      { measure: "resolved", measuredMs: 75 * MIN, targetMs: 75 * MIN, state: "met" },
    ]);
    expect(s).toMatchObject({ severity: "P1", met: 3, total: 4, percent: 75, at: at(90) });
  });

  it("an ended drill that never declared misses everything", () => {
    const s = scoreDrill({ severity: "P2", clockStart: at(0), incident: null, at: at(3), final: true });
    expect(s.measures.map((m) => [m.measure, m.measuredMs, m.state])).toEqual([
      ["declare", null, "missed"],
      ["firstMessage", null, "missed"],
      ["mitigated", null, "missed"],
      ["resolved", null, "missed"],
    ]);
    expect(s.percent).toBe(0);
  });

  it("while it runs, a mark not reached is pending until its time is up", () => {
    const running = (now: number) =>
      scoreDrill({
        severity: "P1",
        clockStart: at(0),
        incident: { declaredAt: at(2), firstCommAt: null, mitigatedAt: null, resolvedAt: null },
        at: at(now),
        final: false,
      });
    expect(running(10).measures.map((m) => m.state)).toEqual(["met", "pending", "pending", "pending"]);
    // 2 + 15 minutes after the declaration the first message is late: it can no longer be met.
    expect(running(18).measures.map((m) => m.state)).toEqual(["met", "missed", "pending", "pending"]);
    expect(running(18)).toMatchObject({ met: 1, percent: 25 });
  });

  it("before any declaration, declare runs against its target and the others wait for it", () => {
    const s = (now: number) =>
      scoreDrill({ severity: "P0", clockStart: at(0), incident: null, at: at(now), final: false }).measures.map(
        (m) => m.state,
      );
    expect(s(1)).toEqual(["pending", "pending", "pending", "pending"]);
    expect(s(3)).toEqual(["missed", "pending", "pending", "pending"]);
  });

  it("a declaration before the fault was in counts as 0, not negative", () => {
    const s = scoreDrill({
      severity: "P1",
      clockStart: at(1),
      incident: { declaredAt: at(0.5), firstCommAt: null, mitigatedAt: null, resolvedAt: null },
      at: at(2),
      final: false,
    });
    expect(s.measures[0]).toMatchObject({ measuredMs: 0, state: "met" });
  });
});

describe("drillTrend", () => {
  const score = (percent: number, declareMs: number | null): DrillScore => ({
    severity: "P1",
    at: at(0),
    met: 0,
    total: 4,
    percent,
    measures: [
      { measure: "declare", measuredMs: declareMs, targetMs: 5 * MIN, state: "met" },
      { measure: "firstMessage", measuredMs: 30 * MIN, targetMs: 15 * MIN, state: "missed" },
      { measure: "mitigated", measuredMs: null, targetMs: 60 * MIN, state: "missed" },
      { measure: "resolved", measuredMs: null, targetMs: 75 * MIN, state: "missed" },
    ],
  });

  it("orders scored drills by start, shows each measure as a share of its target, and skips unscored ones", () => {
    const rows = drillTrend([
      { id: 7, startedAt: at(100), score: score(50, 5 * MIN) },
      { id: 3, startedAt: at(0), score: score(25, 2.5 * MIN) },
      { id: 9, startedAt: at(200), score: null },
    ]);
    expect(rows).toEqual([
      {
        drillId: 3,
        label: "#3",
        startedAt: at(0),
        score: 25,
        declare: 50,
        firstMessage: 200,
        mitigated: null,
        resolved: null,
      },
      {
        drillId: 7,
        label: "#7",
        startedAt: at(100),
        score: 50,
        declare: 100,
        firstMessage: 200,
        mitigated: null,
        resolved: null,
      },
    ]);
  });
});
