import { describe, expect, it } from "vitest";
import { endDrillFromForm, endDrillInput, startDrillFromForm, startDrillInput } from "./drill-schema";
import { drillWindowScope, prefillFromDrill } from "./drills";

const a = "0b7c1a52-9a43-4f0e-8f44-3c1c6f0d2a11";
const b = "5d7e9a10-2b3c-4d5e-8f60-718293a4b5c6";

const valid = {
  scenarioId: "primary-database-failure",
  severity: "P1",
  region: "us-east-1",
  fault: "db-down",
  participants: [a, b, a],
};

const problem = (raw: unknown) => {
  const r = startDrillInput.safeParse(raw);
  return r.success ? null : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("startDrillInput", () => {
  it("takes a scenario, a severity, a region, a fault and participants (each once)", () => {
    expect(startDrillInput.parse(valid)).toEqual({ ...valid, participants: [a, b] });
  });

  it("a fault left out is none: people cause it by hand", () => {
    const { fault: _, ...rest } = valid;
    expect(startDrillInput.parse(rest).fault).toBeNull();
  });

  it("the monthly failover test is a drill too, without a fault", () => {
    expect(startDrillInput.parse({ ...valid, scenarioId: "failover-test", fault: null }).scenarioId).toBe(
      "failover-test",
    );
    expect(problem({ ...valid, scenarioId: "failover-test" })).toEqual([
      "fault: must be none for the failover test: the switchover is the exercise",
    ]);
  });

  it("refuses what no drill can be, naming the field", () => {
    expect(problem({ ...valid, scenarioId: "incident-response" })?.[0]).toMatch(/^scenarioId: must be a scenario/);
    expect(problem({ ...valid, severity: "P9" })?.[0]).toMatch(/^severity: must be one of P0, P1, P2, P3/);
    expect(problem({ ...valid, region: "us east; rm -rf /" })?.[0]).toMatch(/^region: must be a region id/);
    // Only the faults a drill can undo; never a lab command of another kind, nor anything with a shell in it.
    expect(problem({ ...valid, fault: "recover" })?.[0]).toMatch(/^fault: must be none or one of db-down/);
    expect(problem({ ...valid, fault: "db-down; reboot" })?.[0]).toMatch(/^fault:/);
    expect(problem({ ...valid, participants: [] })?.[0]).toMatch(/^participants: pick at least one participant/);
    expect(problem({ ...valid, participants: ["not-a-uuid"] })?.[0]).toMatch(/^participants\.0: must be people/);
  });
});

describe("the forms", () => {
  it("reads a start form: an empty fault is none, every ticked participant", () => {
    const f = new FormData();
    f.set("scenarioId", "cdn-provider-outage");
    f.set("severity", "P2");
    f.set("region", "eu-west-1");
    f.set("fault", "");
    f.append("participants", a);
    f.append("participants", b);
    expect(startDrillInput.parse(startDrillFromForm(f))).toEqual({
      scenarioId: "cdn-provider-outage",
      severity: "P2",
      region: "eu-west-1",
      fault: null,
      participants: [a, b],
    });
  });

  it("reads an end form: the id, and whether to clear the fault", () => {
    const f = new FormData();
    f.set("id", "12");
    expect(endDrillInput.parse(endDrillFromForm(f))).toEqual({ id: 12, clearFault: false });
    f.set("clearFault", "on");
    expect(endDrillInput.parse(endDrillFromForm(f))).toEqual({ id: 12, clearFault: true });
    expect(endDrillInput.safeParse({ id: 0 }).success).toBe(false);
  });
});

describe("drillWindowScope", () => {
  it("a stopped primary makes alerts about the database everywhere", () => {
    expect(drillWindowScope("primary-database-failure", "us-east-1", "db-down")).toEqual({
      regions: [],
      components: ["api", "database"],
    });
  });
  it("a mirror failure stays in its region", () => {
    expect(drillWindowScope("mirror-storage-failure", "eu-west-1", "mirror-down")).toEqual({
      regions: ["eu-west-1"],
      components: ["mirrors"],
    });
  });
  it("another fault than the scenario's adds what that fault is about", () => {
    expect(drillWindowScope("mirror-storage-failure", "eu-west-1", "lag")).toEqual({
      regions: ["eu-west-1"],
      components: ["database", "mirrors"],
    });
  });
  it("the failover test covers the database and APIs of every region", () => {
    expect(drillWindowScope("failover-test", "eu-west-1", null)).toEqual({
      regions: [],
      components: ["api", "database"],
    });
  });
});

describe("prefillFromDrill", () => {
  const scenarios = ["primary-database-failure", "cdn-provider-outage"];
  it("declares the drill's scenario, severity and region", () => {
    expect(
      prefillFromDrill(
        {
          scenarioId: "primary-database-failure",
          scenarioTitle: "Scenario 2: Primary database failure",
          severity: "P1",
          region: "us-east-1",
        },
        scenarios,
      ),
    ).toEqual({
      title: "Drill: Scenario 2: Primary database failure",
      severity: "P1",
      scenarioId: "primary-database-failure",
      regions: ["us-east-1"],
      impact: "",
      fromAlertId: null,
    });
  });
  it("the failover test is no scenario: the response checklist only", () => {
    expect(
      prefillFromDrill(
        { scenarioId: "failover-test", scenarioTitle: "Monthly failover test", severity: "P3", region: "eu-west-1" },
        scenarios,
      ).scenarioId,
    ).toBeNull();
  });
});
