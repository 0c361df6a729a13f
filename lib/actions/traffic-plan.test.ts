import { describe, expect, it } from "vitest";
import { balancerLayout } from "../balancer-layout";
import type { UserRequest } from "../traffic";
import { parseActionParams } from "./action-params";
import { targetOf } from "./catalog";
import {
  applyChanges,
  checksPass,
  describeShares,
  headroomOf,
  leftUnserved,
  measuredShares,
  movesOf,
  regionState,
  restoreStepChoices,
  restoreSteps,
  servingByGeography,
  sharesFollow,
  stepVerdict,
  takersOf,
  takesNewRequests,
  type ServerView,
} from "./traffic-plan";

/** The lab's balancer: three geographies, each at home in one region, failing over in the fleet's order. */
const balancer = {
  geographies: [
    { id: "americas", displayName: "Americas", home: "us-east-1" },
    { id: "europe", displayName: "Europe", home: "eu-west-1" },
    { id: "asia", displayName: "Asia", home: "ap-southeast-1" },
  ],
  failoverOrder: ["us-east-1", "eu-west-1", "ap-southeast-1"],
};

/** Every server of the layout, up, with its layout weight; `status` overrides by region. */
function servers(status: Record<string, string> = {}): ServerView[] {
  return balancerLayout(balancer).flatMap((b) =>
    b.servers.map((s) => ({
      backend: b.name,
      server: s.name,
      region: s.region,
      backup: s.backup,
      status: status[s.region] ?? "UP",
      weight: s.weight,
    })),
  );
}

const drain = (region: string) => ({ kind: "state" as const, region, state: "drain" as const });

describe("who serves each geography", () => {
  it("is each geography's home while every region is up", () => {
    expect(servingByGeography(balancer, servers())).toEqual({
      americas: { "us-east-1": 1 },
      europe: { "eu-west-1": 1 },
      asia: { "ap-southeast-1": 1 },
    });
  });

  it("is the next region of the failover order when the home is drained or down, and nobody when none can", () => {
    const drained = applyChanges(servers(), [drain("us-east-1")]);
    expect(regionState(drained, "us-east-1")).toBe("drain");
    expect(drained.filter((s) => s.region === "us-east-1").every((s) => s.status === "DRAIN")).toBe(true);
    expect(servingByGeography(balancer, drained).americas).toEqual({ "eu-west-1": 1 });
    // europe's next is us-east-1, drained: ap-southeast-1
    const both = applyChanges(drained, [drain("eu-west-1")]);
    expect(servingByGeography(balancer, both)).toEqual({
      americas: { "ap-southeast-1": 1 },
      europe: { "ap-southeast-1": 1 },
      asia: { "ap-southeast-1": 1 },
    });
    const none = applyChanges(both, [drain("ap-southeast-1")]);
    expect(servingByGeography(balancer, none).asia).toEqual({});
    expect(leftUnserved(servingByGeography(balancer, both), servingByGeography(balancer, none))).toEqual([
      "americas",
      "europe",
      "asia",
    ]);
  });

  it("refuses nothing when another region can serve, and names the geographies left alone otherwise", () => {
    const down = servers({ "eu-west-1": "DOWN", "ap-southeast-1": "DOWN" });
    const before = servingByGeography(balancer, down);
    expect(before.europe).toEqual({ "us-east-1": 1 });
    const after = servingByGeography(balancer, applyChanges(down, [drain("us-east-1")]));
    expect(leftUnserved(before, after)).toEqual(["americas", "europe", "asia"]);
    const fine = servingByGeography(balancer, applyChanges(servers(), [drain("us-east-1")]));
    expect(leftUnserved(servingByGeography(balancer, servers()), fine)).toEqual([]);
  });

  it("splits a geography by the weights of its active servers that take new requests", () => {
    const split = applyChanges(servers(), [
      { kind: "weight", geography: "americas", region: "us-east-1", weight: 25 },
      { kind: "weight", geography: "americas", region: "eu-west-1", weight: 75 },
    ]);
    const americas = servingByGeography(balancer, split).americas!;
    expect(americas).toEqual({ "us-east-1": 0.25, "eu-west-1": 0.75 });
    expect(describeShares(americas)).toBe("eu-west-1 75 %, us-east-1 25 %");
    // a weighted region that is down takes nothing; one with weight 0 neither
    expect(servingByGeography(balancer, applyChanges(split, [drain("eu-west-1")])).americas).toEqual({
      "us-east-1": 1,
    });
    expect(takesNewRequests({ status: "UP 2/3", weight: 1 })).toBe(true);
    expect(takesNewRequests({ status: "UP", weight: 0 })).toBe(false);
    expect(takesNewRequests({ status: "DRAIN", weight: 100 })).toBe(false);
    expect(takesNewRequests({ status: "NOLB", weight: 100 })).toBe(false);
  });

  it("knows a healthy drained server from a down one, and keeps a down server down when drained or made ready", () => {
    expect(checksPass("DRAIN")).toBe(true);
    expect(checksPass("DRAIN 1/3")).toBe(true);
    expect(checksPass("DOWN 1/2")).toBe(false);
    expect(checksPass("MAINT")).toBe(false);
    const down = servers({ "us-east-1": "DOWN" });
    expect(applyChanges(down, [drain("us-east-1")]).find((s) => s.region === "us-east-1")!.status).toBe("DOWN");
    const maint = servers({ "us-east-1": "MAINT" });
    expect(regionState(maint, "us-east-1")).toBe("maint");
    const ready = applyChanges(maint, [{ kind: "state", region: "us-east-1", state: "ready" }]);
    expect(ready.find((s) => s.region === "us-east-1")!.status).toBe("DOWN");
    const back = applyChanges(applyChanges(servers(), [drain("us-east-1")]), [
      { kind: "state", region: "us-east-1", state: "ready" },
    ]);
    expect(servingByGeography(balancer, back).americas).toEqual({ "us-east-1": 1 });
  });

  it("names the moves and the regions that take users", () => {
    const before = servingByGeography(balancer, servers());
    const after = servingByGeography(balancer, applyChanges(servers(), [drain("us-east-1")]));
    const moves = movesOf(before, after);
    expect(moves).toEqual([{ geography: "americas", before: { "us-east-1": 1 }, after: { "eu-west-1": 1 } }]);
    expect(takersOf(moves)).toEqual(["eu-west-1"]);
  });
});

describe("a restore in steps", () => {
  it("gives the region its step of the home weight and the region serving meanwhile the rest, ending at 100 and 0", () => {
    expect(restoreSteps([25, 50, 100])).toEqual([
      { percent: 25, regionWeight: 25, otherWeight: 75 },
      { percent: 50, regionWeight: 50, otherWeight: 50 },
      { percent: 100, regionWeight: 100, otherWeight: 0 },
    ]);
    expect(restoreSteps([100])).toEqual([{ percent: 100, regionWeight: 100, otherWeight: 0 }]);
  });

  it("offers step choices the parameters' schema accepts", () => {
    for (const c of restoreStepChoices) {
      const p = parseActionParams("traffic.restore-region", { region: "us-east-1", steps: c.steps, holdSeconds: 5 });
      expect(p.success, c.value).toBe(true);
      expect(c.value).toBe(c.steps.join(","));
    }
  });
});

const req = (over: Partial<UserRequest>): UserRequest => ({
  at: 1_000,
  geography: "americas",
  status: 200,
  ms: 20,
  servedBy: "us-east-1",
  ...over,
});

describe("what the users saw", () => {
  it("judges headroom by the failed share and p95 of the requests a region served", () => {
    const fine = Array.from({ length: 100 }, (_, i) => req({ ms: 10 + i }));
    expect(headroomOf("us-east-1", fine)).toMatchObject({ ok: true, served: 100, failed: 0, p95Ms: 104 });
    expect(headroomOf("us-east-1", fine).observed).toMatch(/of 100 requests .* 0\.0 % failed and p95 was 104 ms/);
    const failing = [...fine.slice(0, 98), req({ status: 503 }), req({ status: 502 })];
    expect(headroomOf("us-east-1", failing)).toMatchObject({ ok: false, failed: 2 });
    const slow = fine.map((r) => ({ ...r, ms: 3_000 }));
    expect(headroomOf("us-east-1", slow).ok).toBe(false);
    expect(headroomOf("eu-west-1", fine)).toMatchObject({ ok: true, served: 0 });
    expect(headroomOf("eu-west-1", fine).observed).toMatch(/served no users/);
  });

  it("sends a restore's step back once its users see 1 % failed requests or more", () => {
    const ok = Array.from({ length: 99 }, () => req({}));
    expect(stepVerdict(ok.slice(0, 10), false)).toBeNull(); // too few to judge while it holds
    expect(stepVerdict(ok.slice(0, 10), true)).toMatchObject({ ok: true });
    expect(stepVerdict([], true)).toBeNull();
    expect(stepVerdict([...ok, req({ status: 503 })], false)).toEqual({
      ok: false,
      observed: "1 of 100 requests failed (1.0 %; the bound is under 1 %)",
    });
    expect(stepVerdict([...ok, ...ok, req({ status: 0, servedBy: null })], false)).toMatchObject({ ok: true });
  });

  it("measures shares from answered requests and compares them with the weights' shares", () => {
    const rs = [
      ...Array.from({ length: 15 }, () => req({ servedBy: "eu-west-1" })),
      ...Array.from({ length: 5 }, () => req({})),
      req({ status: 0, servedBy: null, error: "socket hang up" }),
    ];
    const m = measuredShares(rs);
    expect(m).toEqual({ shares: { "eu-west-1": 0.75, "us-east-1": 0.25 }, answered: 20 });
    expect(sharesFollow({ "eu-west-1": 0.75, "us-east-1": 0.25 }, m.shares)).toBe(true);
    expect(sharesFollow({ "eu-west-1": 1 }, m.shares)).toBe(false);
    expect(sharesFollow({ "us-east-1": 1 }, { "us-east-1": 1 })).toBe(true);
    expect(sharesFollow({ "us-east-1": 0.5, "eu-west-1": 0.5 }, { "us-east-1": 1 })).toBe(false);
  });
});

describe("the traffic actions' parameters", () => {
  it.each([
    ["traffic.drain-region", { region: "us-east-1; haproxy -sf" }],
    ["traffic.drain-region", { region: "us-east-1", force: true }],
    ["traffic.restore-region", { region: "us-east-1", steps: [50, 25, 100] }],
    ["traffic.restore-region", { region: "us-east-1", steps: [25, 50] }],
    ["traffic.restore-region", { region: "us-east-1", steps: [0, 100] }],
    ["traffic.restore-region", { region: "us-east-1", steps: [10, 20, 30, 40, 50, 100] }],
    ["traffic.restore-region", { region: "us-east-1", holdSeconds: 0 }],
    ["traffic.set-weights", { geography: "americas", weights: { "us-east-1": 257 } }],
    ["traffic.set-weights", { geography: "americas", weights: { "us-east-1": -1 } }],
    ["traffic.set-weights", { geography: "americas", weights: { "us-east-1": 1.5 } }],
    ["traffic.set-weights", { geography: "americas", weights: { "us-east-1": 0, "eu-west-1": 0 } }],
    ["traffic.set-weights", { geography: "americas", weights: {} }],
    ["traffic.set-weights", { geography: "americas", weights: { "us-east-1/x weight 0;": 10 } }],
    ["traffic.set-weights", { geography: "Americas; show info", weights: { "us-east-1": 10 } }],
  ] as const)("refuses %s with %j", (id, params) => {
    expect(parseActionParams(id, params).success).toBe(false);
  });

  it("restores at once by default, with the default hold for steps", () => {
    const p = parseActionParams("traffic.restore-region", { region: "us-east-1" });
    expect(p.success && p.data).toEqual({ region: "us-east-1", steps: [100], holdSeconds: 300 });
    const w = parseActionParams("traffic.set-weights", {
      geography: "americas",
      weights: { "us-east-1": 50, "eu-west-1": 50, "ap-southeast-1": 0 },
    });
    expect(w.success).toBe(true);
  });

  it("holds one target for every traffic action: two never run at once", () => {
    const t = targetOf("traffic.drain-region", { region: "us-east-1" });
    expect(t).toBe("traffic:global");
    expect(targetOf("traffic.restore-region", { region: "eu-west-1", steps: [100], holdSeconds: 1 })).toBe(t);
    expect(targetOf("traffic.set-weights", { geography: "europe", weights: { "eu-west-1": 1 } })).toBe(t);
  });
});
