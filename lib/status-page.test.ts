import { describe, expect, it } from "vitest";
import { regionView } from "@/tests/support/fleet-fixtures";
import type { RegionSample } from "./fleet-sample";
import {
  MinuteWorst,
  apiState,
  cdnState,
  deriveComponentStates,
  fleetComponentStates,
  incidentComponents,
  incidentFloor,
  mirrorsState,
  overallStatus,
  publicStatusOf,
  publicTextProblems,
  publicUpdateDraft,
  statusComponents,
  uptimeDays,
  type ComponentState,
  type DayMinutes,
  type PublicIncidentRecord,
} from "./status-page";

const regions = [regionView("us-east-1", { role: "primary" }), regionView("eu-west-1"), regionView("ap-southeast-1")];
const components = statusComponents(regions);

/** us-east-1 with its PostgreSQL stopped, as the lab's `db-down` leaves it. */
const dbDown = regionView("us-east-1", {
  role: "primary",
  status: "unhealthy",
  sample: {
    db: { up: false, error: "connection refused", errorCode: "ECONNREFUSED" },
    api: {
      up: true,
      latencyMs: 4,
      health: { status: "down", db: { connected: false, writable: false, lastError: "connection refused" } },
    },
  },
});

const sampleOf = (over: Partial<RegionSample>, role: "primary" | "replica" = "replica") =>
  regionView("eu-west-1", { role, sample: over });

describe("the API of a region", () => {
  it("is operational while its API answers and its database serves", () => {
    expect(regions.map(apiState)).toEqual(["operational", "operational", "operational"]);
  });

  it("is a major outage when the primary region's database is down, and not operational for the replicas that cannot write", () => {
    expect(apiState(dbDown)).toBe("major_outage");
    const cannotWrite = sampleOf({
      api: { up: true, latencyMs: 3, health: { status: "degraded", db: { connected: true, writable: false } } },
    });
    expect(apiState(cannotWrite)).toBe("partial_outage");
  });

  it("is a major outage when its API does not answer, degraded when it answers too late", () => {
    expect(apiState(sampleOf({ api: { up: false, latencyMs: 2, timedOut: false, error: "connection refused" } }))).toBe(
      "major_outage",
    );
    expect(apiState(sampleOf({ api: { up: false, latencyMs: 2000, timedOut: true, error: "timed out" } }))).toBe(
      "degraded_performance",
    );
  });

  it("is degraded on a replica whose replication stopped or whose database is down", () => {
    const r = regionView("eu-west-1");
    const db = r.sample!.db as Extract<RegionSample["db"], { inRecovery: true }>;
    expect(apiState(sampleOf({ db: { ...db, receiver: null } }))).toBe("degraded_performance");
    expect(apiState(sampleOf({ db: { ...db, replayPaused: true } }))).toBe("degraded_performance");
    expect(apiState(sampleOf({ db: { up: false, error: "connection refused" } }))).toBe("degraded_performance");
  });

  it("is degraded, not down, when only the console is cut off from the region (a partition)", () => {
    const cut = regionView("us-east-1", {
      role: "primary",
      sample: {
        db: { up: false, error: "timed out" },
        api: { up: false, latencyMs: 2, timedOut: false, error: "unreachable" },
        reachability: { region: "us-east-1", verdict: "partitioned-from-console", reason: "cut off", sightings: [] },
      },
    });
    expect(apiState(cut)).toBe("degraded_performance");
  });

  it("has no state before the first sample", () => {
    expect(apiState({ role: "primary", sample: null })).toBeNull();
  });
});

describe("clip mirrors and CDN delivery", () => {
  const mirrors = (status: string) => sampleOf({ mirrors: { ...regions[1]!.sample!.mirrors!, status } });

  it("mirrors: down is a major outage, a re-sync degraded, unknown behind a dead API the API's state", () => {
    expect(mirrorsState(mirrors("ok"))).toBe("operational");
    expect(mirrorsState(mirrors("syncing"))).toBe("degraded_performance");
    expect(mirrorsState(mirrors("down"))).toBe("major_outage");
    expect(
      mirrorsState(sampleOf({ mirrors: null, api: { up: false, latencyMs: 1, timedOut: false, error: "refused" } })),
    ).toBe("major_outage");
  });

  it("CDN: an outage in some regions is partial, in all of them major; a disabled CDN does not count", () => {
    const cdn = (id: string, status: string, enabled = true) =>
      regionView(id, { sample: { cdn: { ...regions[0]!.sample!.cdn!, status, enabled } } });
    expect(cdnState(regions)).toBe("operational");
    expect(cdnState([cdn("a-b-1", "outage"), cdn("a-b-2", "ok"), cdn("a-b-3", "ok")])).toBe("partial_outage");
    expect(cdnState([cdn("a-b-1", "outage"), cdn("a-b-2", "outage"), cdn("a-b-3", "disabled", false)])).toBe(
      "major_outage",
    );
    expect(cdnState([regionView("a-b-1", { sample: { cdn: null, api: { up: false } as never } })])).toBeNull();
  });

  it("fleetComponentStates maps each component", () => {
    const states = fleetComponentStates(components, [dbDown, regions[1]!, regions[2]!]);
    expect(states.get("api-us-east-1")).toBe("major_outage");
    expect(states.get("api-eu-west-1")).toBe("operational");
    expect(states.get("mirrors-us-east-1")).toBe("operational");
    expect(states.get("cdn")).toBe("operational");
    expect([...states.keys()]).toEqual(components.map((c) => c.id));
  });
});

describe("incidents and maintenance raise the states", () => {
  const fleet = fleetComponentStates(components, regions);
  const derive = (incidents: Parameters<typeof deriveComponentStates>[0]["incidents"], maintenances = [] as never[]) =>
    deriveComponentStates({ components, fleet, incidents, maintenances, nowMs: Date.parse("2026-11-25T12:00:00Z") });

  it("an open incident raises the components it touches to its severity's floor, and only those", () => {
    const s = derive([
      { status: "investigating", severity: "P1", scenarioId: "mirror-storage-failure", regions: ["eu-west-1"] },
    ]);
    expect(s.get("mirrors-eu-west-1")).toBe("partial_outage");
    expect(s.get("api-eu-west-1")).toBe("operational");
    expect(s.get("mirrors-us-east-1")).toBe("operational");
  });

  it("P0 is a major outage, monitoring at most degraded, resolved nothing; a worse fleet state is never lowered", () => {
    expect(incidentFloor({ status: "investigating", severity: "P0" })).toBe("major_outage");
    expect(incidentFloor({ status: "mitigating", severity: "P3" })).toBe("degraded_performance");
    expect(incidentFloor({ status: "monitoring", severity: "P0" })).toBe("degraded_performance");
    expect(incidentFloor({ status: "resolved", severity: "P0" })).toBeNull();
    const s = deriveComponentStates({
      components,
      fleet: fleetComponentStates(components, [dbDown, regions[1]!, regions[2]!]),
      incidents: [{ status: "monitoring", severity: "P2", scenarioId: null, regions: ["us-east-1"] }],
      maintenances: [],
      nowMs: 0,
    });
    expect(s.get("api-us-east-1")).toBe("major_outage");
  });

  it("touches components by the incident's scenario: the CDN whatever the regions, every region when it names none", () => {
    expect(incidentComponents({ scenarioId: "cdn-provider-outage", regions: ["eu-west-1"] }, components)).toEqual([
      "cdn",
    ]);
    expect(incidentComponents({ scenarioId: null, regions: [] }, components)).toEqual([
      "api-us-east-1",
      "api-eu-west-1",
      "api-ap-southeast-1",
    ]);
    expect(incidentComponents({ scenarioId: "primary-region-degraded", regions: ["us-east-1"] }, components)).toEqual([
      "api-us-east-1",
      "mirrors-us-east-1",
    ]);
  });

  it("a maintenance window in progress puts its components under maintenance; an incident still raises them", () => {
    const window = {
      title: "Database upgrade",
      components: ["api-eu-west-1"],
      startsAt: "2026-11-25T11:00:00Z",
      endsAt: "2026-11-25T13:00:00Z",
    };
    expect(derive([], [window] as never[]).get("api-eu-west-1")).toBe("under_maintenance");
    const later = { ...window, startsAt: "2026-11-25T12:30:00Z" };
    expect(derive([], [later] as never[]).get("api-eu-west-1")).toBe("operational");
    expect(
      derive([{ status: "investigating", severity: "P1", scenarioId: null, regions: ["eu-west-1"] }], [
        window,
      ] as never[]).get("api-eu-west-1"),
    ).toBe("partial_outage");
  });

  it("the page's summary is the worst state", () => {
    expect(overallStatus(["operational", "operational"])).toEqual({
      indicator: "none",
      description: "All systems operational",
    });
    expect(overallStatus(["operational", "degraded_performance", "partial_outage"]).indicator).toBe("major");
    expect(overallStatus(["major_outage", "under_maintenance"]).indicator).toBe("critical");
    expect(overallStatus(["under_maintenance"]).indicator).toBe("maintenance");
  });
});

describe("uptime bars", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");
  const day = (d: string, m: Partial<Record<ComponentState, number>>): DayMinutes => ({
    componentId: "api-us-east-1",
    day: d,
    minutes: {
      operational: 0,
      degraded_performance: 0,
      partial_outage: 0,
      major_outage: 0,
      under_maintenance: 0,
      ...m,
    },
  });

  it("shows 90 days up to today, and says 'no data' on the days without history", () => {
    const u = uptimeDays([day("2026-11-24", { operational: 1440 })], now);
    expect(u.days).toHaveLength(90);
    expect(u.days[0]!.day).toBe("2026-08-28");
    expect(u.days.at(-1)).toMatchObject({
      day: "2026-11-25",
      state: null,
      label: "25 Nov 2026 (today so far): no data",
    });
    expect(u.days.at(-2)).toMatchObject({
      state: "operational",
      uptimePercent: 100,
      label: "24 Nov 2026: 100% uptime, no incidents",
    });
    expect(u.days[0]!.label).toBe("28 Aug 2026: no data");
    expect(u.daysWithData).toBe(1);
    expect(u.percent).toBe(100);
  });

  it("counts a major outage minute as down and a partial outage minute as 30 % down; colours a day by its worst state", () => {
    const u = uptimeDays(
      [
        day("2026-11-24", { operational: 1380, partial_outage: 50, major_outage: 10 }),
        day("2026-11-23", { operational: 1440 }),
      ],
      now,
    );
    const d = u.days.at(-2)!;
    expect(d.state).toBe("major_outage");
    expect(d.uptimePercent).toBe(98.26); // (1440 - 10 - 15) / 1440
    expect(d.label).toBe("24 Nov 2026: 98.26% uptime, 50 min partial outage, 10 min major outage");
    expect(u.percent).toBe(99.13); // (2880 - 25) / 2880
    expect(uptimeDays([], now)).toMatchObject({ percent: null, daysWithData: 0 });
  });

  it("never shows 100 % for a day that had any downtime", () => {
    const u = uptimeDays([day("2026-11-25", { operational: 100_000, major_outage: 1 })], now);
    expect(u.days.at(-1)!.uptimePercent).toBeLessThan(100);
  });

  it("records each component's worst state per minute, handing each minute over once", () => {
    const w = new MinuteWorst();
    const t0 = Date.parse("2026-11-25T12:00:05Z");
    expect(w.observe(new Map([["a", "operational"]]), t0)).toBeNull();
    expect(w.observe(new Map([["a", "major_outage"]]), t0 + 10_000)).toBeNull();
    expect(w.observe(new Map([["a", "degraded_performance"]]), t0 + 20_000)).toBeNull();
    const ended = w.observe(new Map([["a", "operational"]]), t0 + 60_000);
    expect(ended?.minute.toISOString()).toBe("2026-11-25T12:00:00.000Z");
    expect(ended?.states.get("a")).toBe("major_outage");
    expect(w.observe(new Map([["a", "operational"]]), t0 + 61_000)).toBeNull();
    expect(w.observe(new Map([["a", null]]), t0 + 120_000)?.states.get("a")).toBe("operational");
  });
});

describe("what the public may read", () => {
  it("refuses internals and people's names in a public text, in words", () => {
    expect(publicTextProblems("Ask ops@example.com")).toEqual(["an email address"]);
    expect(publicTextProblems("db at 10.0.3.7 is down")).toEqual(["an IP address"]);
    expect(publicTextProblems("127.0.0.1:54321 refused")).toEqual(["an IP address", "a host or port"]);
    expect(publicTextProblems("localhost:5432 refused")).toEqual(["a host or port"]);
    expect(publicTextProblems("db-1.internal:5432 refused")).toEqual(["a host or port"]);
    expect(publicTextProblems("PostgreSQL on port 55432 stopped")).toEqual(["a host or port"]);
    expect(publicTextProblems("replayed up to 0/5000A28")).toEqual(["a WAL position (LSN)"]);
    expect(publicTextProblems("the LSN moved")).toEqual(["a WAL position (LSN)"]);
    expect(publicTextProblems("ECONNREFUSED everywhere")).toEqual(["an error code"]);
    expect(publicTextProblems("terminating connection (57P01)")).toEqual(["an error code"]);
    expect(publicTextProblems("Lee Lead is on it", ["Lee Lead", "Al"])).toEqual(["a person's name (Lee Lead)"]);
  });

  it("lets ordinary status words through", () => {
    for (const ok of [
      "Since 14:02 UTC uploads fail in us-east-1; 99.9% of reads work. We answer 24/7.",
      "We are investigating reports of problems with the service. We expect it to be fixed: 30 minutes.",
      "Allan's team is on it", // a name of 2 letters is not matched inside other words
    ])
      expect(publicTextProblems(ok, ["Al", "Lee Lead"]), ok).toEqual([]);
  });

  it("prefills a public update without the lead's name, and with the last public title once there is one", () => {
    const incident = { title: "us-east-1 primary down", status: "mitigating" as const, eta: "30 minutes" };
    const first = publicUpdateDraft(incident, []);
    expect(first.title).toBe("us-east-1 primary down");
    expect(first.body).toBe(
      "We have identified the cause and are working on a fix. We expect it to be fixed: 30 minutes.",
    );
    expect(publicTextProblems(first.body)).toEqual([]);
    const again = publicUpdateDraft(incident, [
      { kind: "comm", data: { kind: "initial", body: "🚨 INCIDENT … Incident Lead: @Lee Lead" } },
      { kind: "comm", data: { kind: "status-page", title: "Uploads failing in North America", body: "…" } },
    ]);
    expect(again.title).toBe("Uploads failing in North America");
  });
});

describe("the public view model", () => {
  it("carries states, public titles, texts and times, and nothing of the samples", () => {
    const records: PublicIncidentRecord[] = [
      {
        id: 7,
        status: "mitigating",
        severity: "P1",
        scenarioId: "primary-database-failure",
        regions: ["us-east-1"],
        resolvedAt: null,
        updates: [
          {
            id: "2",
            title: "Uploads failing",
            status: "mitigating",
            body: "Fix under way.",
            postedAt: "2026-11-25T11:50:00.000Z",
          },
          {
            id: "1",
            title: "Uploads slow",
            status: "investigating",
            body: "Looking.",
            postedAt: "2026-11-25T11:40:00.000Z",
          },
        ],
      },
    ];
    const view = publicStatusOf(
      { regions: [dbDown, regions[1]!, regions[2]!], generatedAt: "2026-11-25T12:00:00.000Z" },
      records,
      [],
      Date.parse("2026-11-25T12:00:00Z"),
    );
    expect(view.components.find((c) => c.id === "api-us-east-1")?.state).toBe("major_outage");
    expect(view.indicator).toBe("critical");
    expect(view.incidents).toEqual([
      expect.objectContaining({
        id: "inc-7",
        title: "Uploads failing",
        status: "identified",
        impact: "partial_outage",
        components: ["api-us-east-1"],
        createdAt: "2026-11-25T11:40:00.000Z",
        updatedAt: "2026-11-25T11:50:00.000Z",
      }),
    ]);
    const text = JSON.stringify(view);
    for (const internal of ["127.0.0.1", "0/5000000", "ECONNREFUSED", "connection refused", "cloudflare", "us_east_1"])
      expect(text).not.toContain(internal);
  });

  it("is as old as the oldest stale region's newest sample", () => {
    const stale = { ...regions[1]!, status: "stale" as const, checkedAt: "2026-11-25T11:59:20.000Z" };
    const view = publicStatusOf(
      { regions: [regions[0]!, stale], generatedAt: "" },
      [],
      [],
      Date.parse("2026-11-25T12:00:00Z"),
    );
    expect(view.asOf).toBe("2026-11-25T11:59:20.000Z");
  });
});
