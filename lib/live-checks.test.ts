import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { defaultRuleSettings, type RuleSettingsMap } from "./alert-rules";
import { evaluateCheck, liveCheckLabel } from "./live-checks";

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
