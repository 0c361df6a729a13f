import { describe, expect, it } from "vitest";
import { regionView } from "@/tests/support/fleet-fixtures";
import {
  alertScope,
  announcedWindows,
  componentsWords,
  publicMaintenanceOf,
  regionsWords,
  scopeWords,
  statusComponentsOf,
  windowCovering,
  windowPhase,
  type MaintenanceComponent,
  type MaintenanceWindowView,
} from "./maintenance";
import { publicStatusOf } from "./status-page";

const eu = regionView("eu-west-1");
const regions = [
  regionView("us-east-1", { role: "primary" }),
  { ...eu, cdnProvider: "bunny", sample: { ...eu.sample!, cdn: { ...eu.sample!.cdn!, provider: "bunny" } } },
  regionView("ap-southeast-1"),
];

let nextId = 1;
function window(
  over: Partial<Omit<MaintenanceWindowView, "components">> & { components?: MaintenanceComponent[] } = {},
): MaintenanceWindowView {
  return {
    id: nextId++,
    title: "Failover test",
    reason: "",
    startsAt: "2026-11-25T11:00:00.000Z",
    endsAt: "2026-11-25T13:00:00.000Z",
    regions: [],
    components: [],
    public: true,
    createdBy: "Lee Lead",
    createdAt: "2026-11-24T09:00:00.000Z",
    cancelledAt: null,
    cancelledBy: null,
    ...over,
  };
}

const at = new Date("2026-11-25T12:00:00Z");
const alert = (ruleId: string | null, labels: Record<string, string>) => ({ ruleId, labels });

describe("what an alert is about", () => {
  it("maps each runbook rule to the components of its regions", () => {
    expect(alertScope(alert("region-unhealthy", { region: "eu-west-1" }), regions)).toEqual([
      { region: "eu-west-1", component: "api" },
      { region: "eu-west-1", component: "database" },
    ]);
    for (const rule of ["replication-lag", "replication-stopped", "region-unreachable-from-console"])
      expect(alertScope(alert(rule, { region: "ap-southeast-1" }), regions)).toEqual([
        { region: "ap-southeast-1", component: "database" },
      ]);
    expect(alertScope(alert("mirror-hit-rate", { region: "us-east-1" }), regions)).toEqual([
      { region: "us-east-1", component: "mirrors" },
    ]);
    expect(alertScope(alert("two-primaries", { regions: "eu-west-1,us-east-1" }), regions)).toEqual([
      { region: "eu-west-1", component: "database" },
      { region: "us-east-1", component: "database" },
    ]);
  });

  it("puts a CDN provider's alert on the CDN of the regions that serve through it, by what the sample says", () => {
    expect(alertScope(alert("cdn-cache-hit-rate", { provider: "cloudflare" }), regions)).toEqual([
      { region: "us-east-1", component: "cdn" },
      { region: "ap-southeast-1", component: "cdn" },
    ]);
    expect(alertScope(alert("cdn-cache-hit-rate", { provider: "bunny" }), regions)).toEqual([
      { region: "eu-west-1", component: "cdn" },
    ]);
    expect(alertScope(alert("cdn-cache-hit-rate", { provider: "aws-cloudfront" }), regions)).toEqual([]);
  });

  it("is about nothing a window can name for an Alertmanager alert, an unknown rule, or a missing label", () => {
    expect(alertScope(alert(null, { region: "eu-west-1" }), regions)).toEqual([]);
    expect(alertScope(alert("disk-full", { region: "eu-west-1" }), regions)).toEqual([]);
    expect(alertScope(alert("region-unhealthy", {}), regions)).toEqual([]);
  });
});

describe("which window covers an alert", () => {
  const unhealthyEu = alert("region-unhealthy", { region: "eu-west-1" });

  it("a window in progress over the region's API and database covers region-unhealthy there, and nowhere else", () => {
    const w = window({ regions: ["eu-west-1"], components: ["api", "database"] });
    expect(windowCovering([w], unhealthyEu, regions, at)).toBe(w);
    expect(windowCovering([w], alert("region-unhealthy", { region: "us-east-1" }), regions, at)).toBeNull();
    expect(windowCovering([w], alert("mirror-hit-rate", { region: "eu-west-1" }), regions, at)).toBeNull();
  });

  it("needs every pair covered by one window: the API alone does not cover region-unhealthy", () => {
    const apiOnly = window({ regions: ["eu-west-1"], components: ["api"] });
    const dbOnly = window({ regions: ["eu-west-1"], components: ["database"] });
    expect(windowCovering([apiOnly], unhealthyEu, regions, at)).toBeNull();
    expect(windowCovering([apiOnly, dbOnly], unhealthyEu, regions, at)).toBeNull();
    expect(windowCovering([dbOnly], alert("replication-lag", { region: "eu-west-1" }), regions, at)).toBe(dbOnly);
  });

  it("empty regions and components mean all of them", () => {
    const everything = window();
    expect(windowCovering([everything], unhealthyEu, regions, at)).toBe(everything);
    const allDatabases = window({ components: ["database"] });
    expect(
      windowCovering([allDatabases], alert("two-primaries", { regions: "eu-west-1,us-east-1" }), regions, at),
    ).toBe(allDatabases);
    const cdnInUs = window({ regions: ["us-east-1"], components: ["cdn"] });
    // Cloudflare serves us-east-1 and ap-southeast-1: a window over us-east-1's CDN alone does not cover it.
    expect(windowCovering([cdnInUs], alert("cdn-cache-hit-rate", { provider: "cloudflare" }), regions, at)).toBeNull();
    expect(windowCovering([cdnInUs], alert("cdn-cache-hit-rate", { provider: "bunny" }), regions, at)).toBeNull();
    const cdnInEu = window({ regions: ["eu-west-1"], components: ["cdn"] });
    expect(windowCovering([cdnInEu], alert("cdn-cache-hit-rate", { provider: "bunny" }), regions, at)).toBe(cdnInEu);
  });

  it("only in progress: from its start (inclusive) to its end (exclusive), never once cancelled", () => {
    const w = window({ startsAt: "2026-11-25T12:00:00.000Z", endsAt: "2026-11-25T12:30:00.000Z" });
    expect(windowCovering([w], unhealthyEu, regions, new Date("2026-11-25T11:59:59.999Z"))).toBeNull();
    expect(windowCovering([w], unhealthyEu, regions, new Date("2026-11-25T12:00:00.000Z"))).toBe(w);
    expect(windowCovering([w], unhealthyEu, regions, new Date("2026-11-25T12:30:00.000Z"))).toBeNull();
    const cancelled = window({ cancelledAt: "2026-11-25T11:30:00.000Z" });
    expect(windowCovering([cancelled], unhealthyEu, regions, at)).toBeNull();
  });

  it("never covers an alert about nothing a window can name, even a window over everything", () => {
    expect(windowCovering([window()], alert(null, { region: "eu-west-1" }), regions, at)).toBeNull();
  });

  it("of several, the one that ends last", () => {
    const short = window({ endsAt: "2026-11-25T12:15:00.000Z" });
    const long = window({ endsAt: "2026-11-25T15:00:00.000Z" });
    const mid = window({ endsAt: "2026-11-25T13:00:00.000Z" });
    expect(windowCovering([short, long, mid], unhealthyEu, regions, at)).toBe(long);
  });
});

describe("a window's phase and the incident list's announcements", () => {
  it("is upcoming, active, ended or cancelled", () => {
    const w = window();
    expect(windowPhase(w, new Date("2026-11-25T10:00:00Z"))).toBe("upcoming");
    expect(windowPhase(w, at)).toBe("active");
    expect(windowPhase(w, new Date("2026-11-25T13:00:00Z"))).toBe("ended");
    expect(windowPhase({ ...w, cancelledAt: "2026-11-25T10:00:00Z" }, at)).toBe("cancelled");
  });

  it("announces windows in progress and those starting within a day, soonest first", () => {
    const active = window({ startsAt: "2026-11-25T11:30:00.000Z" });
    const soon = window({ startsAt: "2026-11-26T11:00:00.000Z", endsAt: "2026-11-26T12:00:00.000Z" });
    const early = window({ startsAt: "2026-11-25T10:00:00.000Z" });
    const later = window({ startsAt: "2026-11-26T12:00:01.000Z", endsAt: "2026-11-26T13:00:00.000Z" });
    const ended = window({ startsAt: "2026-11-25T09:00:00.000Z", endsAt: "2026-11-25T10:00:00.000Z" });
    const cancelled = window({ cancelledAt: "2026-11-25T10:00:00.000Z" });
    expect(announcedWindows([soon, later, active, ended, cancelled, early], at)).toEqual([early, active, soon]);
  });
});

describe("the status page's view of a window", () => {
  const ids = regions.map((r) => ({ id: r.id }));

  it("names the API and mirrors of its regions, the CDN when it names it anywhere; a database shows on the API", () => {
    expect(statusComponentsOf({ regions: ["eu-west-1"], components: ["api"] }, ids)).toEqual(["api-eu-west-1"]);
    expect(statusComponentsOf({ regions: ["eu-west-1"], components: ["database"] }, ids)).toEqual(["api-eu-west-1"]);
    expect(statusComponentsOf({ regions: ["eu-west-1"], components: ["mirrors", "cdn"] }, ids)).toEqual([
      "mirrors-eu-west-1",
      "cdn",
    ]);
    expect(statusComponentsOf({ regions: [], components: [] }, ids)).toEqual([
      "api-us-east-1",
      "api-eu-west-1",
      "api-ap-southeast-1",
      "mirrors-us-east-1",
      "mirrors-eu-west-1",
      "mirrors-ap-southeast-1",
      "cdn",
    ]);
  });

  it("announces only public windows not cancelled, with their public title, components and times only", () => {
    const shown = window({ id: 41, regions: ["eu-west-1"], components: ["api"], reason: "Patch 10.9.8.7:5432" });
    const hidden = window({ id: 42, public: false });
    const cancelled = window({ id: 43, cancelledAt: "2026-11-25T10:00:00.000Z" });
    const announced = publicMaintenanceOf([shown, hidden, cancelled], ids);
    expect(announced).toEqual([
      {
        id: "mnt-41",
        title: "Failover test",
        components: ["api-eu-west-1"],
        startsAt: "2026-11-25T11:00:00.000Z",
        endsAt: "2026-11-25T13:00:00.000Z",
        announcedAt: "2026-11-24T09:00:00.000Z",
      },
    ]);
    expect(JSON.stringify(announced)).not.toContain("Lee Lead");
    expect(JSON.stringify(announced)).not.toContain("10.9.8.7");
  });

  it("puts the components of a window in progress under maintenance; an upcoming one is only announced", () => {
    const inProgress = window({ id: 51, regions: ["eu-west-1"], components: ["api"] });
    const upcoming = window({
      id: 52,
      regions: ["us-east-1"],
      components: ["mirrors"],
      startsAt: "2026-11-26T11:00:00.000Z",
      endsAt: "2026-11-26T12:00:00.000Z",
    });
    const ended = window({ id: 53, startsAt: "2026-11-25T09:00:00.000Z", endsAt: "2026-11-25T10:00:00.000Z" });
    const view = publicStatusOf(
      { regions, generatedAt: at.toISOString() },
      [],
      [],
      at.getTime(),
      publicMaintenanceOf([upcoming, inProgress, ended], ids),
    );
    expect(view.components.find((c) => c.id === "api-eu-west-1")?.state).toBe("under_maintenance");
    expect(view.components.find((c) => c.id === "mirrors-us-east-1")?.state).toBe("operational");
    expect(view.indicator).toBe("maintenance");
    expect(view.description).toBe("Maintenance in progress");
    expect(view.maintenances.map((m) => [m.id, m.status])).toEqual([
      ["mnt-51", "in_progress"],
      ["mnt-52", "scheduled"],
    ]);
  });
});

describe("a window's scope in words", () => {
  it("says all when it names none, in the form's order otherwise", () => {
    expect(regionsWords([])).toBe("every region");
    expect(componentsWords([])).toBe("all components");
    expect(componentsWords(["database", "api"])).toBe("API, Database");
    expect(scopeWords({ regions: ["eu-west-1"], components: ["api"] })).toBe("API in eu-west-1");
  });
});
