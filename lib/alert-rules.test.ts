import { describe, expect, it } from "vitest";
import { regionView } from "@/tests/support/fleet-fixtures";
import { alertRuleDefs, cdnHitRateByProvider, defaultRuleSettings, findBreaches } from "./alert-rules";

const healthyFleet = () => [
  regionView("us-east-1", { role: "primary" }),
  regionView("eu-west-1"),
  regionView("ap-southeast-1"),
];

describe("findBreaches", () => {
  it("finds nothing in a healthy fleet", () => {
    expect(findBreaches(healthyFleet(), defaultRuleSettings())).toEqual([]);
  });

  it("applies the runbook thresholds: lag above 5 s, mirror hit rate below 60 %", () => {
    const fleet = healthyFleet();
    fleet[1]!.sample!.lag = { bytes: 100, seconds: 5.5, streaming: true };
    fleet[2]!.sample!.mirrors!.hitRate = 59;
    const b = findBreaches(fleet, defaultRuleSettings());
    expect(b.map((x) => x.fingerprint).sort()).toEqual(["mirror-hit-rate/ap-southeast-1", "replication-lag/eu-west-1"]);
    fleet[1]!.sample!.lag = { bytes: 100, seconds: 5, streaming: true };
    expect(findBreaches(fleet, defaultRuleSettings()).some((x) => x.ruleId === "replication-lag")).toBe(false);
  });

  it("uses an admin's threshold and skips disabled rules", () => {
    const fleet = healthyFleet();
    fleet[2]!.sample!.mirrors!.hitRate = 80;
    const settings = defaultRuleSettings();
    settings["mirror-hit-rate"] = { threshold: 90, forSeconds: 0, enabled: true };
    expect(findBreaches(fleet, settings).map((x) => x.ruleId)).toContain("mirror-hit-rate");
    settings["mirror-hit-rate"]!.enabled = false;
    expect(findBreaches(fleet, settings).map((x) => x.ruleId)).not.toContain("mirror-hit-rate");
  });

  it("fires replication-stopped for a receiver that is not streaming and for an inactive slot", () => {
    const fleet = healthyFleet();
    const eu = fleet[1]!.sample!.db!;
    if (eu.up && eu.inRecovery) eu.receiver = null;
    const primary = fleet[0]!.sample!.db!;
    if (primary.up && !primary.inRecovery)
      primary.slots = [
        { name: "ap_southeast_1", active: false, walStatus: "reserved", retainedBytes: 1, restartLsn: "0/1" },
      ];
    expect(
      findBreaches(fleet, defaultRuleSettings())
        .map((x) => x.fingerprint)
        .sort(),
    ).toEqual(["replication-stopped/ap-southeast-1", "replication-stopped/eu-west-1"]);
  });

  it("knows a replica by the slot the fleet file names for it, not by a name made from its region", () => {
    const slot = (name: string, active: boolean) => ({
      name,
      active,
      walStatus: "reserved",
      retainedBytes: 1,
      restartLsn: "0/1",
    });
    const fleet = [
      regionView("us-east-1", { role: "primary" }),
      regionView("eu-west-1", { slot: "replica_eu" }),
      regionView("ap-southeast-1"),
    ];
    const primary = fleet[0]!.sample!.db!;
    if (!primary.up || primary.inRecovery) throw new Error("the fixture's primary accepts writes");
    // eu-west-1 streams through its own slot; a slot left over under the region's default name is no sign it stopped.
    primary.slots = [slot("replica_eu", true), slot("ap_southeast_1", true), slot("eu_west_1", false)];
    expect(findBreaches(fleet, defaultRuleSettings()).filter((b) => b.labels.region === "eu-west-1")).toEqual([]);
    // Its own slot inactive while its database is away: that is eu-west-1's replication stopping.
    primary.slots = [slot("replica_eu", false), slot("ap_southeast_1", true)];
    fleet[1] = regionView("eu-west-1", {
      slot: "replica_eu",
      status: "degraded",
      sample: { db: { up: false, error: "ECONNREFUSED" }, lag: null },
    });
    expect(findBreaches(fleet, defaultRuleSettings()).filter((b) => b.ruleId === "replication-stopped")).toMatchObject([
      {
        fingerprint: "replication-stopped/eu-west-1",
        labels: { region: "eu-west-1", slot: "replica_eu" },
        summary: "replication slot replica_eu on us-east-1 is inactive",
      },
    ]);
  });

  it("links an unhealthy primary with a dead database to the primary database failure scenario", () => {
    const fleet = healthyFleet();
    fleet[0] = regionView("us-east-1", {
      role: "primary",
      status: "unhealthy",
      reasons: ["Primary database unreachable: ECONNREFUSED"],
      sample: { db: { up: false, error: "ECONNREFUSED" } },
    });
    const b = findBreaches(fleet, defaultRuleSettings()).find((x) => x.ruleId === "region-unhealthy")!;
    expect(b.runbook.id).toBe("primary-database-failure");
  });
});

describe("partitions and split brain", () => {
  const reason =
    "us-east-1 is unreachable from the console only; eu-west-1 and ap-southeast-1 reach it — a network partition, not an outage";
  const partitioned = (status: "degraded" | "unhealthy") =>
    regionView("us-east-1", {
      role: "primary",
      status,
      reasons: [reason],
      sample: {
        db: { up: false, error: "connect EHOSTUNREACH" },
        reachability: { region: "us-east-1", verdict: "partitioned-from-console", sightings: [], reason },
      },
    });

  it("warns of a region the console alone cannot reach, with the partition's words", () => {
    const fleet = healthyFleet();
    fleet[0] = partitioned("degraded");
    expect(findBreaches(fleet, defaultRuleSettings())).toEqual([
      {
        ruleId: "region-unreachable-from-console",
        fingerprint: "region-unreachable-from-console/us-east-1",
        labels: { region: "us-east-1" },
        value: null,
        summary: reason,
        runbook: { id: "primary-region-degraded", title: "Scenario 1: Primary region degraded" },
      },
    ]);
    const def = alertRuleDefs.find((d) => d.id === "region-unreachable-from-console")!;
    expect([def.name, def.severity]).toEqual(["Region unreachable from the console", "warning"]);
  });

  it("never also fires region-unhealthy for a partitioned region, and stays quiet when switched off", () => {
    const fleet = healthyFleet();
    fleet[0] = partitioned("unhealthy");
    expect(findBreaches(fleet, defaultRuleSettings()).map((b) => b.ruleId)).toEqual([
      "region-unreachable-from-console",
    ]);
    const settings = defaultRuleSettings();
    settings["region-unreachable-from-console"]!.enabled = false;
    expect(findBreaches(fleet, settings)).toEqual([]);
    // Other verdicts leave both rules as they were.
    fleet[0].sample!.reachability = {
      region: "us-east-1",
      verdict: "unreachable",
      sightings: [],
      reason: "down or isolated",
    };
    expect(findBreaches(fleet, defaultRuleSettings()).map((b) => b.ruleId)).toEqual(["region-unhealthy"]);
  });

  const promoted = (fleet: ReturnType<typeof healthyFleet>, i: number) => {
    fleet[i]!.sample!.db = {
      up: true,
      latencyMs: 1,
      inRecovery: false,
      timeline: 2,
      currentLsn: "0/6000000",
      links: [],
      slots: [],
    };
  };

  it("raises one critical alert for the fleet when two databases accept writes, naming the recorded primary", () => {
    const fleet = [regionView("us-east-1"), regionView("eu-west-1", { role: "primary" }), regionView("ap-southeast-1")];
    promoted(fleet, 0);
    const b = findBreaches(fleet, defaultRuleSettings()).filter((x) => x.ruleId === "two-primaries");
    expect(b).toEqual([
      {
        ruleId: "two-primaries",
        fingerprint: "two-primaries/eu-west-1,us-east-1",
        labels: { regions: "eu-west-1,us-east-1" },
        value: 2,
        summary:
          "us-east-1 and eu-west-1 both accept writes (out of recovery); the recorded primary is eu-west-1: fence the other",
        runbook: { id: "primary-database-failure", title: "Scenario 2: Primary database failure" },
      },
    ]);
    expect(alertRuleDefs.find((d) => d.id === "two-primaries")).toMatchObject({
      name: "Two primaries",
      severity: "critical",
    });
    // The same set in another order is the same alert.
    const fp = findBreaches([...fleet].reverse(), defaultRuleSettings()).find(
      (x) => x.ruleId === "two-primaries",
    )!.fingerprint;
    expect(fp).toBe("two-primaries/eu-west-1,us-east-1");
  });

  it("names three writers, and a recorded primary that is not among them", () => {
    const fleet = healthyFleet();
    promoted(fleet, 1);
    promoted(fleet, 2);
    expect(findBreaches(fleet, defaultRuleSettings()).find((x) => x.ruleId === "two-primaries")!.summary).toBe(
      "us-east-1, eu-west-1 and ap-southeast-1 all accept writes (out of recovery); the recorded primary is us-east-1: fence the others",
    );
    const lost = healthyFleet();
    lost[0]!.sample!.db = { up: false, error: "ECONNREFUSED" };
    promoted(lost, 1);
    promoted(lost, 2);
    expect(findBreaches(lost, defaultRuleSettings()).find((x) => x.ruleId === "two-primaries")).toMatchObject({
      labels: { regions: "ap-southeast-1,eu-west-1" },
      summary:
        "eu-west-1 and ap-southeast-1 both accept writes (out of recovery); the recorded primary us-east-1 is not one of them: choose the one to keep, then fence the others",
    });
  });

  it("is quiet with one writer, and when switched off", () => {
    expect(findBreaches(healthyFleet(), defaultRuleSettings()).some((x) => x.ruleId === "two-primaries")).toBe(false);
    const fleet = healthyFleet();
    promoted(fleet, 1);
    const settings = defaultRuleSettings();
    settings["two-primaries"]!.enabled = false;
    expect(findBreaches(fleet, settings).some((x) => x.ruleId === "two-primaries")).toBe(false);
  });
});

describe("cdn_cache_hit_rate", () => {
  it("weights each region by its requests, per provider, and leaves out disabled CDNs", () => {
    const fleet = healthyFleet();
    fleet[0]!.sample!.cdn = { ...fleet[0]!.sample!.cdn!, cacheHitRate: 0, status: "outage", requestsPerSecond: 100 };
    fleet[1]!.sample!.cdn = { ...fleet[1]!.sample!.cdn!, cacheHitRate: 90, requestsPerSecond: 300 };
    fleet[2]!.sample!.cdn = { ...fleet[2]!.sample!.cdn!, provider: "bunny", enabled: false };
    expect(cdnHitRateByProvider(fleet)).toEqual({ cloudflare: 67.5 });
    expect(findBreaches(fleet, defaultRuleSettings()).find((x) => x.ruleId === "cdn-cache-hit-rate")).toMatchObject({
      labels: { provider: "cloudflare" },
      runbook: { id: "cdn-provider-outage" },
    });
  });
});
