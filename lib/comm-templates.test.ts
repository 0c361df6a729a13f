import { describe, expect, it } from "vitest";
import { fillTemplate } from "./comm-templates";
import type { Incident, TimelineEvent } from "./incident";
import { generatePostmortem, incidentTimes } from "./postmortem";

const incident: Incident = {
  id: 7,
  title: "Primary database down in us-east-1",
  scenarioId: "primary-database-failure",
  scenarioTitle: "Scenario 2: Primary database failure",
  severity: "P1",
  impact: "Writes fail for all users",
  regions: ["us-east-1"],
  lead: { id: "u1", name: "Lee Lead", email: "lead@switchyard.local" },
  status: "mitigating",
  fromAlertId: 3,
  declaredBy: "Lee Lead",
  declaredAt: "2026-11-25T12:00:00.000Z",
  acknowledgedAt: "2026-11-25T12:01:00.000Z",
  firstCommAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  eta: "12:45 UTC",
  rootCause: "",
  postmortem: null,
  version: 3,
  drillId: null,
};
const events: TimelineEvent[] = [
  {
    id: 1,
    at: "2026-11-25T12:00:00.000Z",
    actor: "Lee Lead",
    kind: "declared",
    message: "Declared P1",
    data: {},
    snapshot: null,
  },
  {
    id: 2,
    at: "2026-11-25T12:03:00.000Z",
    actor: "Eli Engineer",
    kind: "step",
    message: 'Checked "Verify the primary is down"',
    data: { checked: true },
    snapshot: null,
  },
  {
    id: 3,
    at: "2026-11-25T12:04:00.000Z",
    actor: "Eli Engineer",
    kind: "step",
    message: 'Unchecked "Monitor error rates"',
    data: { checked: false },
    snapshot: null,
  },
];

describe("communication templates", () => {
  it("fill the Initial Alert from the incident", () => {
    expect(fillTemplate("initial", incident, events, Date.parse("2026-11-25T12:05:00Z"))).toBe(
      [
        "🚨 INCIDENT: Primary database down in us-east-1",
        "Severity: P1",
        "Status: Mitigating",
        "Impact: Writes fail for all users",
        "ETA: 12:45 UTC",
        "Incident Lead: @Lee Lead",
      ].join("\n"),
    );
  });

  it("list the actions taken in an Update", () => {
    const text = fillTemplate("update", incident, events, Date.parse("2026-11-25T12:05:00Z"));
    expect(text).toContain("📊 UPDATE: Primary database down in us-east-1");
    expect(text).toContain('Actions Taken: Checked "Verify the primary is down"');
    expect(text).not.toContain("Monitor error rates");
  });

  it("give the duration and root cause in the Resolution", () => {
    const resolved = {
      ...incident,
      status: "resolved" as const,
      resolvedAt: "2026-11-25T13:42:00.000Z",
      rootCause: "Disk full on the primary",
    };
    expect(fillTemplate("resolution", resolved, events, 0, "https://switchyard.example/incidents/7")).toBe(
      [
        "✅ RESOLVED: Primary database down in us-east-1",
        "Duration: 1 h 42 min",
        "Root Cause: Disk full on the primary",
        "Follow-up: https://switchyard.example/incidents/7",
      ].join("\n"),
    );
  });
});

describe("post-mortem", () => {
  it("reports the times to acknowledge, mitigate and resolve and the whole timeline", () => {
    const done = { ...incident, mitigatedAt: "2026-11-25T12:14:00.000Z", resolvedAt: "2026-11-25T12:42:00.000Z" };
    expect(incidentTimes(done)).toEqual({ acknowledge: 60_000, mitigate: 14 * 60_000, resolve: 42 * 60_000 });
    const md = generatePostmortem(done, events);
    expect(md).toContain("# Post-mortem: INC-7 Primary database down in us-east-1");
    expect(md).toContain("| Time to acknowledge | 1 min |");
    expect(md).toContain("| Time to mitigate | 14 min |");
    expect(md).toContain("| Time to resolve | 42 min |");
    expect(md).toContain('| 2026-11-25 12:03:00 UTC | Eli Engineer | Checked "Verify the primary is down" |');
    expect(md).toContain("## Root cause");
    expect(md).toContain("## Action items");
  });
});
