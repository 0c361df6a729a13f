import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { regionsHealth, replicationView } from "./fleet-view";
import type { RegionReachability } from "./reachability";

const AT = "2026-11-25T12:00:00.000Z";

const partitioned: RegionReachability = {
  region: "us-east-1",
  verdict: "partitioned-from-console",
  reason: "us-east-1 is unreachable from the console only; eu-west-1 reaches it — a network partition, not an outage",
  sightings: [
    {
      vantage: "console",
      reachable: false,
      acceptsWrites: false,
      latencyMs: null,
      error: "connect ETIMEDOUT",
      checkedAt: AT,
      ageSeconds: 0,
    },
    {
      vantage: "eu-west-1",
      reachable: true,
      acceptsWrites: true,
      latencyMs: 2,
      error: null,
      checkedAt: "2026-11-25T11:59:58.000Z",
      ageSeconds: 2,
    },
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
    expect(
      regionsHealth(snapshotOf([regionView("eu-west-1", { sample: { reachability: ok } })])).regions[0]!.reachability,
    ).toEqual({ verdict: "reachable", reason: null, sightings: [] });
  });
});

describe("replicationView", () => {
  it("finds a replica's link and slot on the primary under the slot name the fleet file gives it", () => {
    const primary = regionView("us-east-1", { role: "primary" });
    const db = primary.sample!.db!;
    if (!db.up || db.inRecovery) throw new Error("the fixture's primary accepts writes");
    const link = {
      applicationName: "replica_eu",
      clientAddr: null,
      state: "streaming",
      syncState: "async",
      sentLsn: null,
      writeLsn: null,
      flushLsn: null,
      replayLsn: null,
      lagBytes: 0,
      writeLagSeconds: null,
      flushLagSeconds: null,
      replayLagSeconds: null,
      replyAgeSeconds: 0,
    };
    const slot = { name: "replica_eu", active: true, walStatus: "reserved", retainedBytes: 0, restartLsn: "0/5000000" };
    db.links = [link];
    db.slots = [slot];
    // A replica whose database the console cannot read: only the fleet file says which slot is its own.
    const eu = regionView("eu-west-1", { slot: "replica_eu", sample: { db: { up: false, error: "ECONNREFUSED" } } });
    expect(replicationView(snapshotOf([primary, eu])).replicas[0]).toMatchObject({ regionId: "eu-west-1", link, slot });
  });
});
