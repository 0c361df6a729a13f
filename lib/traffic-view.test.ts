import { describe, expect, it } from "vitest";
import { balancerLayout } from "./balancer-layout";
import type { UserFigures } from "./traffic";
import {
  serverState,
  summariseTraffic,
  trafficAtAGlance,
  trafficPoints,
  trafficStaleAfterMs,
  trafficViewAt,
  withLatestPoints,
  type ServerCounters,
  type TrafficHistory,
  type TrafficInputs,
  type TrafficView,
} from "./traffic-view";

const balancer = {
  kind: "haproxy" as const,
  geographies: [
    { id: "americas", displayName: "Americas", home: "us-east-1" },
    { id: "europe", displayName: "Europe", home: "eu-west-1" },
    { id: "asia", displayName: "Asia-Pacific", home: "ap-southeast-1" },
  ],
  failoverOrder: ["us-east-1", "eu-west-1", "ap-southeast-1"],
};
const regionIds = ["us-east-1", "eu-west-1", "ap-southeast-1"];

/** Every server of the lab's layout, UP, with zero counters; `over` changes some by "backend/server". */
function stats(over: Record<string, Partial<ServerCounters>> = {}): ServerCounters[] {
  return balancerLayout(balancer).flatMap((b) =>
    b.servers.map((s) => ({
      backend: b.name,
      server: s.name,
      region: s.region,
      backup: s.backup,
      status: "UP",
      weight: s.weight,
      check: "L7OK 200",
      responses: 0,
      responses5xx: 0,
      connectionErrors: 0,
      avgResponseMs: null,
      ...over[`${b.name}/${s.name}`],
    })),
  );
}

const healthy = { ok: true, status: 200, latencyMs: 4, servedBy: "us-east-1", error: null };

function users(over: Partial<Record<string, Partial<UserFigures["geographies"][number]>>> = {}): UserFigures {
  return {
    at: "2026-12-03T10:00:05.000Z",
    windowSeconds: 10,
    geographies: balancer.geographies.map((g) => ({
      id: g.id,
      requests: 100,
      errors: 0,
      p50Ms: 8,
      p95Ms: 14,
      servedBy: { [g.home]: 100 },
      lastServedBy: g.home,
      ...over[g.id],
    })),
  };
}

const inputs = (over: Partial<TrafficInputs> = {}): TrafficInputs => ({
  at: "2026-12-03T10:00:05.000Z",
  balancer,
  regionIds,
  previous: { at: 0, stats: stats() },
  current: { at: 5000, stats: stats() },
  users: users(),
  globalHealth: healthy,
  ...over,
});

describe("serverState", () => {
  it("reads HAProxy's status words, transitional ones as the state the server is in now", () => {
    expect(serverState("UP")).toBe("up");
    expect(serverState("UP 1/2")).toBe("up");
    expect(serverState("DOWN")).toBe("down");
    expect(serverState("DOWN 1/2")).toBe("down");
    expect(serverState("DOWN (agent)")).toBe("down");
    expect(serverState("DRAIN")).toBe("draining");
    expect(serverState("DRAIN (agent)")).toBe("draining");
    expect(serverState("NOLB")).toBe("draining");
    expect(serverState("MAINT")).toBe("maintenance");
    expect(serverState("MAINT (via geo_europe/eu-west-1)")).toBe("maintenance");
    expect(serverState("MAINT(resolution)")).toBe("maintenance");
    expect(serverState("no check")).toBe("up");
    expect(serverState("")).toBe("unknown");
    expect(serverState("weird")).toBe("unknown");
  });
});

describe("summariseTraffic", () => {
  it("takes rates from the counters' growth between two reads, every backend of a region together", () => {
    const s = summariseTraffic(
      inputs({
        previous: { at: 0, stats: stats({ "geo_americas/us-east-1": { responses: 1000, responses5xx: 10 } }) },
        current: {
          at: 5000,
          stats: stats({
            "geo_americas/us-east-1": { responses: 1050, responses5xx: 11, avgResponseMs: 10 },
            "geo_europe/us-east-1": { responses: 50, avgResponseMs: 30 },
            "geo_europe/eu-west-1": { responses: 40, avgResponseMs: 12 },
          }),
        },
      }),
    );
    expect(s.regions.map((r) => r.id)).toEqual(regionIds);
    expect(s.regions[0]).toEqual({
      id: "us-east-1",
      state: "up",
      check: "L7OK 200",
      weight: 100,
      requestsPerSecond: 20,
      errorRate: 0.01,
      avgResponseMs: 20,
    });
    expect(s.regions[1]).toMatchObject({ requestsPerSecond: 8, errorRate: 0, avgResponseMs: 12 });
    // a region that answered nothing has no error rate or response time, not zero
    expect(s.regions[2]).toMatchObject({ requestsPerSecond: 0, errorRate: null, avgResponseMs: null });
    expect(s.balancer).toEqual({ kind: "haproxy", reachable: true, error: null });
  });

  it("counts failed connections as errors of the region", () => {
    const s = summariseTraffic(
      inputs({
        current: {
          at: 5000,
          stats: stats({ "geo_americas/us-east-1": { responses: 0, connectionErrors: 10, status: "DOWN 1/2" } }),
        },
      }),
    );
    expect(s.regions[0]).toMatchObject({ state: "down", requestsPerSecond: 0, errorRate: 1 });
  });

  it("has no rates on the first pass, and none from a counter that went back (the balancer restarted)", () => {
    expect(summariseTraffic(inputs({ previous: null })).regions[0]).toMatchObject({
      state: "up",
      weight: 100,
      requestsPerSecond: null,
      errorRate: null,
    });
    const s = summariseTraffic(
      inputs({
        previous: { at: 0, stats: stats({ "geo_americas/us-east-1": { responses: 900 } }) },
        current: { at: 5000, stats: stats({ "geo_americas/us-east-1": { responses: 5 } }) },
      }),
    );
    expect(s.regions[0]!.requestsPerSecond).toBe(0);
  });

  it("says draining or maintenance when the region's servers are set so, and its weight in its home backend", () => {
    const drained = Object.fromEntries(
      balancerLayout(balancer).flatMap((b) =>
        b.servers.filter((x) => x.region === "us-east-1").map((x) => [`${b.name}/${x.name}`, { status: "DRAIN" }]),
      ),
    );
    expect(summariseTraffic(inputs({ current: { at: 5000, stats: stats(drained) } })).regions[0]!.state).toBe(
      "draining",
    );
    const maint = stats({ "geo_europe/eu-west-1": { status: "MAINT" }, "geo_americas/eu-west-1_backup": {} });
    expect(summariseTraffic(inputs({ current: { at: 5000, stats: maint } })).regions[1]!.state).toBe("maintenance");
    const weighted = stats({ "geo_asia/ap-southeast-1": { weight: 50 }, "geo_americas/ap-southeast-1": { weight: 0 } });
    expect(summariseTraffic(inputs({ current: { at: 5000, stats: weighted } })).regions[2]!.weight).toBe(50);
  });

  it("takes health from the region's home server: a non-home server at weight 0 is not a drained region", () => {
    const s = summariseTraffic(
      inputs({ current: { at: 5000, stats: stats({ "geo_europe/us-east-1": { status: "DOWN" } }) } }),
    );
    expect(s.regions[0]!.state).toBe("up");
    const down = stats({ "geo_americas/us-east-1": { status: "DOWN", check: "L4CON connection refused" } });
    expect(summariseTraffic(inputs({ current: { at: 5000, stats: down } })).regions[0]).toMatchObject({
      state: "down",
      check: "L4CON connection refused",
    });
  });

  it("gives each geography its users' figures and shares, and who serves it now from the balancer's latest answers", () => {
    const s = summariseTraffic(
      inputs({
        previous: { at: 0, stats: stats({ "geo_americas/us-east-1": { responses: 100 } }) },
        current: {
          at: 5000,
          stats: stats({
            "geo_americas/us-east-1": { responses: 103, responses5xx: 3 },
            "geo_americas/eu-west-1_backup": { responses: 40 },
          }),
        },
        users: users({
          americas: { requests: 100, errors: 5, p95Ms: 40, servedBy: { "us-east-1": 60, "eu-west-1": 35 } },
        }),
      }),
    );
    expect(s.geographies[0]).toEqual({
      id: "americas",
      displayName: "Americas",
      home: "us-east-1",
      order: ["us-east-1", "eu-west-1", "ap-southeast-1"],
      requestsPerSecond: 10,
      errorRate: 0.05,
      p50Ms: 8,
      p95Ms: 40,
      shares: { "us-east-1": 0.6316, "eu-west-1": 0.3684 },
      servedBy: "eu-west-1",
    });
    expect(s.geographies[1]).toMatchObject({ servedBy: "eu-west-1", shares: { "eu-west-1": 1 } });
    expect(s.usersWindowSeconds).toBe(10);
    expect(s.usersError).toBeNull();
  });

  it("falls back to the users' newest answer, then their shares, when the balancer saw nothing", () => {
    const s = summariseTraffic(
      inputs({
        current: { error: "connection refused" },
        users: users({ americas: { lastServedBy: null, servedBy: { "us-east-1": 2, "eu-west-1": 8 } } }),
      }),
    );
    expect(s.balancer).toEqual({ kind: "haproxy", reachable: false, error: "connection refused" });
    expect(s.regions.every((r) => r.state === "unknown" && r.requestsPerSecond === null)).toBe(true);
    expect(s.geographies.map((g) => g.servedBy)).toEqual(["eu-west-1", "eu-west-1", "ap-southeast-1"]);
  });

  it("without users' figures: the balancer's figures only, and why when they could not be read", () => {
    const none = summariseTraffic(inputs({ users: null }));
    expect(none.geographies[0]).toMatchObject({ requestsPerSecond: null, errorRate: null, p95Ms: null, shares: {} });
    expect(none.usersWindowSeconds).toBeNull();
    const failed = summariseTraffic(inputs({ users: { error: "timed out after 800 ms" } }));
    expect(failed.usersError).toBe("timed out after 800 ms");
    expect(failed.geographies[0]!.servedBy).toBeNull();
  });
});

describe("trafficAtAGlance", () => {
  it("changes when who serves a geography or a region's state changes, not with figures alone", () => {
    const a = summariseTraffic(inputs());
    const b = summariseTraffic(inputs({ users: users({ americas: { p95Ms: 99, requests: 120 } }) }));
    expect(trafficAtAGlance(b)).toBe(trafficAtAGlance(a));
    const c = summariseTraffic(inputs({ users: users({ americas: { lastServedBy: "eu-west-1" } }) }));
    expect(trafficAtAGlance(c)).not.toBe(trafficAtAGlance(a));
    const d = summariseTraffic(inputs({ globalHealth: { ...healthy, ok: false, status: 503 } }));
    expect(trafficAtAGlance(d)).not.toBe(trafficAtAGlance(a));
  });
});

describe("trafficViewAt", () => {
  it("ages the snapshot and calls it stale past the limit, which allows for the figures tick", () => {
    expect(trafficStaleAfterMs(1000)).toBe(8000);
    const view: TrafficView = {
      configured: true,
      generatedAt: "2026-12-03T10:00:05.000Z",
      staleAfterSeconds: 8,
      snapshot: summariseTraffic(inputs()),
      ageSeconds: 0,
      stale: false,
    };
    expect(trafficViewAt(view, Date.parse("2026-12-03T10:00:12.000Z"))).toMatchObject({
      ageSeconds: 7,
      stale: false,
      generatedAt: "2026-12-03T10:00:12.000Z",
    });
    expect(trafficViewAt(view, Date.parse("2026-12-03T10:00:14.000Z"))).toMatchObject({ ageSeconds: 9, stale: true });
    expect(trafficViewAt({ ...view, snapshot: null }, Date.now())).toMatchObject({ ageSeconds: null, stale: false });
  });
});

describe("history points", () => {
  it("make one point per region and geography, with the home region's share", () => {
    const s = summariseTraffic(
      inputs({ users: users({ americas: { servedBy: { "us-east-1": 1, "eu-west-1": 3 } } }) }),
    );
    const p = trafficPoints(s);
    expect(p.geographies.americas).toEqual({
      at: s.at,
      requestsPerSecond: 10,
      errorRate: 0,
      p95Ms: 14,
      homeShare: 0.25,
    });
    expect(Object.keys(p.regions)).toEqual(regionIds);
  });

  it("extend a 15-minute history by the newest snapshot at most every few seconds, dropping what is too old", () => {
    const s = summariseTraffic(inputs());
    const h: TrafficHistory = {
      range: "15m",
      bucketSeconds: 5,
      regions: {
        "us-east-1": [{ at: "2026-12-03T09:40:00.000Z", requestsPerSecond: 1, errorRate: 0, avgResponseMs: 1 }],
      },
      geographies: {},
    };
    const once = withLatestPoints(h, s);
    expect(once.regions["us-east-1"]!.map((p) => p.at)).toEqual([s.at]);
    expect(once.geographies.americas).toHaveLength(1);
    const later = { ...s, at: "2026-12-03T10:00:07.000Z" };
    expect(withLatestPoints(once, later).regions["us-east-1"]).toHaveLength(1);
    expect(withLatestPoints({ ...h, range: "1h" }, s)).toEqual({ ...h, range: "1h" });
  });
});
