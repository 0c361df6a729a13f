import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { regionsHealth } from "./fleet-view";
import type { RegionReachability } from "./reachability";

const AT = "2026-11-25T12:00:00.000Z";

const partitioned: RegionReachability = {
  region: "us-east-1",
  verdict: "partitioned-from-console",
  reason: "us-east-1 is unreachable from the console only; eu-west-1 reaches it — a network partition, not an outage",
  sightings: [
    { vantage: "console", reachable: false, acceptsWrites: false, latencyMs: null, error: "connect ETIMEDOUT", checkedAt: AT, ageSeconds: 0 },
    { vantage: "eu-west-1", reachable: true, acceptsWrites: true, latencyMs: 2, error: null, checkedAt: "2026-11-25T11:59:58.000Z", ageSeconds: 2 },
  ],
};

describe("regionsHealth", () => {
  it("carries each region's reachability verdict, reason and sightings, aged at the snapshot's time", () => {
    const primary = regionView("us-east-1", { role: "primary", sample: { reachability: partitioned } });
    const snapshot = { ...snapshotOf([primary, regionView("eu-west-1")]), generatedAt: "2026-11-25T12:00:03.000Z" };
    const [us, eu] = regionsHealth(snapshot).regions;
    expect(us!.reachability).toEqual({
      verdict: "partitioned-from-console",
      reason: partitioned.reason,
      sightings: [
        { ...partitioned.sightings[0], ageSeconds: 3 },
        { ...partitioned.sightings[1], ageSeconds: 5 },
      ],
    });
    // Not judged yet (no reachability on the sample): null, never a made-up "reachable".
    expect(eu!.reachability).toBeNull();
  });

  it("says null for a region with no sample at all", () => {
    const none = { ...regionView("ap-southeast-1"), sample: null };
    expect(regionsHealth(snapshotOf([none])).regions[0]).toMatchObject({ api: null, db: null, reachability: null });
  });

  it("keeps a plainly reachable region's null reason", () => {
    const ok: RegionReachability = { region: "eu-west-1", verdict: "reachable", reason: null, sightings: [] };
    expect(regionsHealth(snapshotOf([regionView("eu-west-1", { sample: { reachability: ok } })])).regions[0]!.reachability).toEqual({ verdict: "reachable", reason: null, sightings: [] });
  });
});
