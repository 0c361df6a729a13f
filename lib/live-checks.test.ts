import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { defaultRuleSettings, type RuleSettingsMap } from "./alert-rules";
import { evaluateCheck, liveCheckLabel } from "./live-checks";
import type { GeographyTraffic, TrafficSnapshot } from "./traffic";

const down = { db: { up: false as const, error: "ECONNREFUSED" } };
const promoted = {
  db: {
    up: true as const,
    latencyMs: 1,
    inRecovery: false as const,
    timeline: 2,
    currentLsn: "0/6000000",
    links: [],
    slots: [],
  },
};

describe("replica-promoted", () => {
  it("fails while the primary is down and no replica took over", () => {
    const s = snapshotOf([
      regionView("us-east-1", { role: "primary", sample: down }),
      regionView("eu-west-1"),
      regionView("ap-southeast-1"),
    ]);
    expect(evaluateCheck("replica-promoted", s, defaultRuleSettings())).toEqual({
      holds: false,
      observed: "no server accepts writes: every one is in recovery or down",
    });
  });

  it("holds for a promoted replica, whether or not it is recorded as the primary yet", () => {
    const before = snapshotOf([
      regionView("us-east-1", { role: "primary", sample: down }),
      regionView("eu-west-1", { sample: promoted }),
      regionView("ap-southeast-1"),
    ]);
    const after = snapshotOf([
      regionView("us-east-1", { sample: down }),
      regionView("eu-west-1", { role: "primary", sample: promoted }),
      regionView("ap-southeast-1"),
    ]);
    for (const s of [before, after])
      expect(evaluateCheck("replica-promoted", s, defaultRuleSettings())).toEqual({
        holds: true,
        observed: "eu-west-1: pg_is_in_recovery() = f",
      });
  });

  it("does not hold while two servers accept writes (split brain)", () => {
    const s = snapshotOf([
      regionView("us-east-1", { role: "primary" }),
      regionView("eu-west-1", { sample: promoted }),
      regionView("ap-southeast-1"),
    ]);
    expect(evaluateCheck("replica-promoted", s, defaultRuleSettings())).toMatchObject({
      holds: false,
      observed: "2 servers accept writes: us-east-1, eu-west-1",
    });
  });
});

/** The rule settings with one threshold changed, as an admin does on the Alerts page. */
function withThreshold(ruleId: string, threshold: number): RuleSettingsMap {
  const settings = defaultRuleSettings();
  settings[ruleId] = { threshold, forSeconds: 0, enabled: true };
  return settings;
}

describe("thresholds", () => {
  const lagging = () =>
    snapshotOf([
      regionView("us-east-1", { role: "primary" }),
      regionView("eu-west-1", { sample: { lag: { bytes: 4096, seconds: 7.25, streaming: true } } }),
    ]);

  it("judges replication lag by the replication-lag rule's threshold, as the alert does", () => {
    expect(evaluateCheck("replication-lag-ok", lagging(), defaultRuleSettings())).toEqual({
      holds: false,
      observed: "eu-west-1 7.3 s",
    });
    expect(evaluateCheck("replication-lag-ok", lagging(), withThreshold("replication-lag", 10))).toEqual({
      holds: true,
      observed: "eu-west-1 7.3 s",
    });
    // At the threshold the alert stays quiet, so the check holds.
    expect(evaluateCheck("replication-lag-ok", lagging(), withThreshold("replication-lag", 7.25)).holds).toBe(true);
    expect(liveCheckLabel("replication-lag-ok", withThreshold("replication-lag", 10))).toBe(
      "every replica is at most 10 s behind",
    );
  });

  it("judges mirror and CDN hit rates by their rules' thresholds", () => {
    const s = snapshotOf([regionView("us-east-1", { role: "primary" }), regionView("eu-west-1")]);
    // The fixture's mirrors hit 85 % and its CDN 92 %.
    expect(evaluateCheck("mirrors-healthy", s, defaultRuleSettings()).holds).toBe(true);
    expect(evaluateCheck("mirrors-healthy", s, withThreshold("mirror-hit-rate", 90)).holds).toBe(false);
    expect(evaluateCheck("cdn-healthy", s, defaultRuleSettings())).toEqual({
      holds: true,
      observed: "cloudflare 92.0 %",
    });
    expect(evaluateCheck("cdn-healthy", s, withThreshold("cdn-cache-hit-rate", 95)).holds).toBe(false);
    expect(liveCheckLabel("mirrors-healthy", withThreshold("mirror-hit-rate", 90))).toBe(
      "every mirror is up with a hit rate of at least 90 %",
    );
    expect(liveCheckLabel("cdn-healthy", defaultRuleSettings())).toBe(
      "no CDN outage and a cache hit rate of at least 70 %",
    );
  });
});

describe("traffic-failed-over", () => {
  const fleet = snapshotOf([
    regionView("us-east-1", { role: "primary" }),
    regionView("eu-west-1"),
    regionView("ap-southeast-1"),
  ]);
  const traffic = (americas: Partial<GeographyTraffic>): TrafficSnapshot => ({
    at: "2026-12-03T10:00:00.000Z",
    balancer: { kind: "haproxy", reachable: true, error: null },
    globalHealth: { ok: true, status: 200, latencyMs: 3, servedBy: "eu-west-1", error: null },
    regions: [],
    geographies: [
      {
        id: "americas",
        displayName: "Americas",
        home: "us-east-1",
        order: ["us-east-1", "eu-west-1", "ap-southeast-1"],
        requestsPerSecond: 10,
        errorRate: 0,
        p50Ms: 8,
        p95Ms: 14.2,
        shares: { "us-east-1": 1 },
        servedBy: "us-east-1",
        ...americas,
      },
      {
        id: "europe",
        displayName: "Europe",
        home: "eu-west-1",
        order: ["eu-west-1", "us-east-1", "ap-southeast-1"],
        requestsPerSecond: 10,
        errorRate: 0,
        p50Ms: 8,
        p95Ms: 14,
        shares: { "eu-west-1": 1 },
        servedBy: "eu-west-1",
      },
    ],
    usersWindowSeconds: 10,
  });

  it("does not hold while the primary region's users are served by their home, and says what it sees", () => {
    expect(evaluateCheck("traffic-failed-over", fleet, defaultRuleSettings(), traffic({}))).toEqual({
      holds: false,
      observed: "americas: 100 % served by us-east-1, 0.0 % errors, p95 14 ms",
    });
  });

  it("holds once at least 90 % of their answers come from another region with under 1 % errors", () => {
    const moved = traffic({ shares: { "eu-west-1": 1 }, servedBy: "eu-west-1", errorRate: 0.002 });
    expect(evaluateCheck("traffic-failed-over", fleet, defaultRuleSettings(), moved)).toEqual({
      holds: true,
      observed: "americas: 100 % served by eu-west-1, 0.2 % errors, p95 14 ms",
    });
    const mostly = traffic({ shares: { "eu-west-1": 0.9, "us-east-1": 0.1 }, errorRate: 0 });
    expect(evaluateCheck("traffic-failed-over", fleet, defaultRuleSettings(), mostly).holds).toBe(true);
  });

  it("does not hold while the shift is partial or users still see errors", () => {
    const partial = traffic({ shares: { "us-east-1": 0.62, "eu-west-1": 0.38 }, errorRate: 0.05, p95Ms: 40 });
    expect(evaluateCheck("traffic-failed-over", fleet, defaultRuleSettings(), partial)).toEqual({
      holds: false,
      observed: "americas: 62 % served by us-east-1, 38 % by eu-west-1, 5.0 % errors, p95 40 ms",
    });
    const failing = traffic({ shares: { "eu-west-1": 1 }, errorRate: 0.01 });
    expect(evaluateCheck("traffic-failed-over", fleet, defaultRuleSettings(), failing).holds).toBe(false);
    const unanswered = traffic({ shares: {}, errorRate: 1, p95Ms: null });
    expect(evaluateCheck("traffic-failed-over", fleet, defaultRuleSettings(), unanswered)).toEqual({
      holds: false,
      observed: "americas: no answers, 100.0 % errors, p95 unknown",
    });
  });

  it("does not hold without current traffic figures", () => {
    expect(evaluateCheck("traffic-failed-over", fleet, defaultRuleSettings(), null).holds).toBe(false);
    expect(liveCheckLabel("traffic-failed-over", defaultRuleSettings())).toBe(
      "the primary region's users are served by another region (at least 90 % of their answers) with under 1 % errors",
    );
  });
});
