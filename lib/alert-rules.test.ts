import { describe, expect, it } from "vitest";
import { regionView } from "@/tests/support/fleet-fixtures";
import { cdnHitRateByProvider, defaultRuleSettings, findBreaches } from "./alert-rules";

const healthyFleet = () => [regionView("us-east-1", { role: "primary" }), regionView("eu-west-1"), regionView("ap-southeast-1")];

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
    if (primary.up && !primary.inRecovery) primary.slots = [{ name: "ap_southeast_1", active: false, walStatus: "reserved", retainedBytes: 1, restartLsn: "0/1" }];
    expect(findBreaches(fleet, defaultRuleSettings()).map((x) => x.fingerprint).sort()).toEqual(["replication-stopped/ap-southeast-1", "replication-stopped/eu-west-1"]);
  });

  it("links an unhealthy primary with a dead database to the primary database failure scenario", () => {
    const fleet = healthyFleet();
    fleet[0] = regionView("us-east-1", { role: "primary", status: "unhealthy", reasons: ["Primary database unreachable: ECONNREFUSED"], sample: { db: { up: false, error: "ECONNREFUSED" } } });
    const b = findBreaches(fleet, defaultRuleSettings()).find((x) => x.ruleId === "region-unhealthy")!;
    expect(b.runbook.id).toBe("primary-database-failure");
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
