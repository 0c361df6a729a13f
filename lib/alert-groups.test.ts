import { describe, expect, it } from "vitest";
import { regionView } from "@/tests/support/fleet-fixtures";
import { alertRouteInput, causeOf, groupWaitMs, proposedSeverity, routeFor, type AlertRoute } from "./alert-groups";

const fleet = (primaryDbUp: boolean) => [
  regionView("us-east-1", {
    role: "primary",
    status: primaryDbUp ? "healthy" : "unhealthy",
    sample: primaryDbUp ? {} : { db: { up: false as const, error: "connection refused" } },
  }),
  regionView("eu-west-1"),
  regionView("ap-southeast-1"),
];
const alert = (ruleId: string, labels: Record<string, string>) => ({
  ruleId,
  fingerprint: `${ruleId}/${Object.values(labels).join(",")}`,
  name: ruleId,
  labels,
});

describe("causeOf", () => {
  it("puts what a stopped primary explains under one cause: its region, replication on each replica, lag", () => {
    const regions = fleet(false);
    const causes = [
      alert("region-unhealthy", { region: "us-east-1" }),
      alert("region-unhealthy", { region: "eu-west-1" }),
      alert("replication-stopped", { region: "eu-west-1" }),
      alert("replication-stopped", { region: "ap-southeast-1" }),
      alert("replication-lag", { region: "ap-southeast-1" }),
    ].map((a) => causeOf(a, regions));
    expect(new Set(causes.map((c) => c.key))).toEqual(new Set(["primary-database-down/us-east-1"]));
    expect(causes[0]).toMatchObject({
      title: "us-east-1 primary database down",
      scenarioId: "primary-database-failure",
      regions: ["us-east-1"],
    });
  });

  it("keeps causes apart while the primary is up, and groups a CDN provider's and a mirror's alerts by their own key", () => {
    const regions = fleet(true);
    expect(causeOf(alert("replication-stopped", { region: "eu-west-1" }), regions).key).toBe(
      "replication-stopped/eu-west-1",
    );
    expect(causeOf(alert("region-unhealthy", { region: "eu-west-1" }), regions)).toMatchObject({
      title: "region-unhealthy in eu-west-1",
      scenarioId: "primary-region-degraded",
    });
    expect(causeOf(alert("cdn-cache-hit-rate", { provider: "cloudflare" }), regions)).toMatchObject({
      key: "cdn/cloudflare",
      scenarioId: "cdn-provider-outage",
      regions: ["us-east-1", "eu-west-1", "ap-southeast-1"],
    });
    expect(causeOf(alert("mirror-hit-rate", { region: "ap-southeast-1" }), regions).key).toBe("mirror/ap-southeast-1");
    // A stopped primary does not swallow what it does not explain.
    expect(causeOf(alert("mirror-hit-rate", { region: "eu-west-1" }), fleet(false)).key).toBe("mirror/eu-west-1");
  });

  it("lets a possible consequence wait before it pages, and the primary's own group page at once", () => {
    const up = fleet(true);
    const stopped = alert("replication-stopped", { region: "eu-west-1" });
    expect(groupWaitMs(causeOf(stopped, up), stopped.ruleId)).toBeGreaterThan(0);
    expect(groupWaitMs(causeOf(stopped, fleet(false)), stopped.ruleId)).toBe(0);
    const cdn = alert("cdn-cache-hit-rate", { provider: "bunny" });
    expect(groupWaitMs(causeOf(cdn, up), cdn.ruleId)).toBe(0);
  });
});

describe("routing", () => {
  const routes: AlertRoute[] = [
    { ruleId: "*", severity: "critical", pageLevel: 0, openTriage: true },
    { ruleId: "*", severity: "warning", pageLevel: null, openTriage: false },
    { ruleId: "mirror-hit-rate", severity: "warning", pageLevel: 1, openTriage: false },
  ];
  it("takes the rule's own route before the catch-all for its severity", () => {
    expect(routeFor(routes, "mirror-hit-rate", "warning")?.pageLevel).toBe(1);
    expect(routeFor(routes, "cdn-cache-hit-rate", "warning")?.pageLevel).toBeNull();
    expect(routeFor(routes, "region-unhealthy", "critical")).toMatchObject({ pageLevel: 0, openTriage: true });
    expect(routeFor([], "region-unhealthy", "critical")).toBeNull();
  });

  it("refuses a route for an unknown rule or severity", () => {
    expect(
      alertRouteInput.safeParse({ ruleId: "nope", severity: "critical", pageLevel: 0, openTriage: true }).success,
    ).toBe(false);
    expect(alertRouteInput.safeParse({ ruleId: "*", severity: "info", pageLevel: 0, openTriage: true }).success).toBe(
      false,
    );
    expect(
      alertRouteInput.parse({ ruleId: "*", severity: "warning", pageLevel: null, openTriage: false }),
    ).toBeTruthy();
  });

  it("proposes P0 for a stopped primary, P1 for another critical group and P2 for a warning", () => {
    expect(proposedSeverity("primary-database-down/us-east-1", "critical")).toBe("P0");
    expect(proposedSeverity("region-unhealthy/eu-west-1", "critical")).toBe("P1");
    expect(proposedSeverity("mirror/eu-west-1", "warning")).toBe("P2");
  });
});
