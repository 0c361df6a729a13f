import { describe, expect, it } from "vitest";
import { median, nextStepKey, phaseWindow, prefillFromAlert } from "./incident-view";

describe("the next step", () => {
  const steps = [
    { key: "r/a1", phase: "alert" as const, checked: true },
    { key: "r/a2", phase: "alert" as const, checked: false },
    { key: "r/s1", phase: "assess" as const, checked: false },
    { key: "r/c1", phase: "communicate" as const, checked: false },
  ];
  const clocks = (done: string[]) =>
    ["alert", "assess", "communicate", "mitigate", "resolve", "postmortem"].map((phase) => ({
      phase: phase as never,
      state: done.includes(phase) ? ("done" as const) : ("active" as const),
    }));

  it("is the first unchecked step of the earliest unfinished phase", () => {
    expect(nextStepKey(steps, clocks([]))).toBe("r/a2");
  });

  it("skips phases that are done by other means (Communicate once a message went out)", () => {
    expect(nextStepKey(steps.slice(2), clocks(["assess", "communicate"]))).toBeNull();
    expect(nextStepKey(steps, clocks(["alert"]))).toBe("r/s1");
  });
});

describe("prefill from an alert", () => {
  const alert = {
    id: 7,
    name: "Region unhealthy",
    summary: "us-east-1 is unhealthy: Primary database unreachable",
    severity: "critical",
    labels: { region: "us-east-1" },
    runbook: { id: "primary-database-failure", title: "Scenario 2" },
  };
  const scenarios = ["primary-database-failure", "cdn-provider-outage"];
  const regions = ["us-east-1", "eu-west-1"];

  it("takes title, region, P1 for critical and the scenario from the alert's runbook", () => {
    expect(prefillFromAlert(alert, scenarios, regions)).toEqual({
      title: alert.summary,
      severity: "P1",
      scenarioId: "primary-database-failure",
      regions: ["us-east-1"],
      impact: "",
      fromAlertId: 7,
    });
  });

  it("gives P2 for a warning, no scenario for a troubleshooting runbook and no unknown region", () => {
    const p = prefillFromAlert(
      {
        ...alert,
        severity: "warning",
        labels: { provider: "bunny" },
        runbook: { id: "high-cache-miss-rate", title: "x" },
      },
      scenarios,
      regions,
    );
    expect(p).toMatchObject({ severity: "P2", scenarioId: null, regions: [] });
  });
});

describe("formatting", () => {
  it("writes phase windows as the runbook does", () => {
    expect(phaseWindow("P1", "alert")).toBe("0–5 min");
    expect(phaseWindow("P1", "mitigate")).toBe("15 min – 1 h");
    expect(phaseWindow("P0", "resolve")).toBe("after 30 min");
    expect(phaseWindow("P3", "mitigate")).toBe("8 h – 2 d");
    expect(phaseWindow("P2", "postmortem")).toBe("within 120 h of resolution");
  });

  it("takes the median of odd and even counts", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
