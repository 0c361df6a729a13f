import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { freshnessSummary, snapshotAt, staleAfterMs } from "./freshness";

// The fixtures' samples are taken at 12:00:00.000; the fixtures' snapshot goes stale after 3 s.
const at = (s: string) => Date.parse(`2026-11-25T12:00:${s}Z`);
const fleet = () =>
  snapshotOf([regionView("us-east-1", { role: "primary" }), regionView("eu-west-1", { status: "degraded" })]);

describe("snapshotAt", () => {
  it("keeps the sampled status while the newest sample is at most three poll intervals old, and gives its age", () => {
    const s = snapshotAt(fleet(), at("03.000"));
    expect(s.regions.map((r) => [r.id, r.status, r.ageSeconds])).toEqual([
      ["us-east-1", "healthy", 3],
      ["eu-west-1", "degraded", 3],
    ]);
    expect(s.generatedAt).toBe("2026-11-25T12:00:03.000Z");
  });

  it("shows stale instead of a status once the sample is older, since the sample's time, keeping what it was", () => {
    const s = snapshotAt(fleet(), at("03.200"));
    expect(s.regions.map((r) => [r.status, r.lastStatus, r.checkedAt])).toEqual([
      ["stale", "healthy", "2026-11-25T12:00:00.000Z"],
      ["stale", "degraded", "2026-11-25T12:00:00.000Z"],
    ]);
    expect(freshnessSummary(s)).toEqual({ staleRegions: ["us-east-1", "eu-west-1"], sampleAgeSeconds: 3.2 });
  });

  it("is idempotent and turns fresh again when a newer sample arrives", () => {
    const stale = snapshotAt(snapshotAt(fleet(), at("09.000")), at("09.000"));
    expect(stale.regions[0]!.status).toBe("stale");
    const renewed = { ...stale, regions: stale.regions.map((r) => ({ ...r, checkedAt: "2026-11-25T12:00:08.500Z" })) };
    expect(snapshotAt(renewed, at("09.000")).regions.map((r) => r.status)).toEqual(["healthy", "degraded"]);
  });

  it("marks the alerts of a stale region as not evaluated, and only those", () => {
    const alert = (id: number, region: string) => ({
      id,
      ruleId: "x",
      source: "rule" as const,
      name: "x",
      severity: "warning",
      labels: { region },
      summary: "",
      value: null,
      runbook: null,
      state: "firing" as const,
      startedAt: "2026-11-25T11:59:00.000Z",
      resolvedAt: null,
    });
    const s = fleet();
    s.regions[1] = { ...s.regions[1]!, checkedAt: "2026-11-25T12:00:08.000Z" };
    s.alerts = [alert(1, "us-east-1"), alert(2, "eu-west-1")];
    expect(snapshotAt(s, at("09.000")).alerts.map((a) => [a.labels.region, a.unevaluated])).toEqual([
      ["us-east-1", true],
      ["eu-west-1", false],
    ]);
  });

  it("marks an alert about several regions (two primaries) as not evaluated when any of them is stale", () => {
    const s = fleet();
    s.regions[1] = { ...s.regions[1]!, checkedAt: "2026-11-25T12:00:08.000Z" };
    const twoPrimaries = (regions: string) => ({
      id: 3,
      ruleId: "two-primaries",
      source: "rule" as const,
      name: "Two primaries",
      severity: "critical",
      labels: { regions },
      summary: "",
      value: 2,
      runbook: null,
      state: "firing" as const,
      startedAt: "2026-11-25T11:59:00.000Z",
      resolvedAt: null,
    });
    s.alerts = [twoPrimaries("eu-west-1,us-east-1")];
    expect(snapshotAt(s, at("09.000")).alerts[0]!.unevaluated).toBe(true);
    s.regions[0] = { ...s.regions[0]!, checkedAt: "2026-11-25T12:00:08.000Z" };
    expect(snapshotAt(s, at("09.000")).alerts[0]!.unevaluated).toBe(false);
  });

  it("leaves a region never checked as not yet checked, not stale", () => {
    const s = fleet();
    s.regions[0] = { ...s.regions[0]!, checkedAt: null, status: null, lastStatus: null };
    expect(snapshotAt(s, at("59.000")).regions[0]).toMatchObject({ status: null, ageSeconds: null });
    expect(freshnessSummary(snapshotAt(s, at("01.000"))).staleRegions).toEqual([]);
  });
});

it("calls a region stale after three poll intervals, never sooner than 2 s", () => {
  expect(staleAfterMs(1000)).toBe(3000);
  expect(staleAfterMs(5000)).toBe(15_000);
  expect(staleAfterMs(500)).toBe(2000);
});
