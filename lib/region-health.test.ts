import { describe, expect, it } from "vitest";
import { defaultRuleSettings, ruleThreshold } from "./alert-rules";
import type { ApiSample, DbSample } from "./fleet-sample";
import type { RegionReachability } from "./reachability";
import { apiHealthSchema, deriveHealth } from "./region-health";

const apiOk: ApiSample = {
  up: true,
  latencyMs: 4,
  health: {
    status: "ok",
    db: { connected: true, writable: true },
    mirrors: { status: "ok" },
    cdn: { provider: "cloudflare", enabled: true, status: "ok" },
  },
};
const dbPrimary: DbSample = {
  up: true,
  latencyMs: 1,
  inRecovery: false,
  timeline: 1,
  currentLsn: "0/3000000",
  links: [],
  slots: [],
};
const receiver = {
  status: "streaming",
  silenceSeconds: 0.2,
  senderHost: "127.0.0.1",
  senderPort: 5432,
  slot: "eu_west_1",
};
const dbReplica: DbSample = {
  up: true,
  latencyMs: 1,
  inRecovery: true,
  timeline: 1,
  receiveLsn: "0/3000000",
  replayLsn: "0/3000000",
  lastReplayAt: null,
  replayPaused: false,
  receiver,
};

describe("deriveHealth", () => {
  it("calls a region healthy when its API and database answer as expected", () => {
    expect(deriveHealth({ role: "primary", api: apiOk, db: dbPrimary })).toEqual({ status: "healthy", reasons: [] });
    expect(
      deriveHealth({ role: "replica", api: apiOk, db: dbReplica, lag: { bytes: 0, seconds: 0, streaming: true } }),
    ).toEqual({ status: "healthy", reasons: [] });
  });

  it("calls the primary unhealthy when its database is down, naming the error once in words", () => {
    const api: ApiSample = {
      up: true,
      latencyMs: 3,
      health: {
        status: "down",
        db: { connected: false, writable: false, lastError: "connection refused", lastErrorCode: "ECONNREFUSED" },
      },
    };
    const h = deriveHealth({
      role: "primary",
      api,
      db: { up: false, error: "connection refused", errorCode: "ECONNREFUSED" },
    });
    expect(h.status).toBe("unhealthy");
    expect(h.reasons).toEqual(["Primary database unreachable: connection refused"]);
  });

  it("calls a replica degraded, not unhealthy, when its database is down", () => {
    const h = deriveHealth({
      role: "replica",
      api: apiOk,
      db: { up: false, error: "connection refused", errorCode: "ECONNREFUSED" },
    });
    expect(h).toEqual({ status: "degraded", reasons: ["Replica database unreachable: connection refused"] });
  });

  it("calls a region unhealthy when its API refuses connections, degraded when it is only slow", () => {
    expect(
      deriveHealth({
        role: "replica",
        api: { up: false, latencyMs: 2, timedOut: false, error: "connection refused", errorCode: "ECONNREFUSED" },
        db: dbReplica,
      }).status,
    ).toBe("unhealthy");
    const slow = deriveHealth({
      role: "replica",
      api: { up: false, latencyMs: 800, timedOut: true, error: "timed out" },
      db: dbReplica,
    });
    expect(slow).toEqual({ status: "degraded", reasons: ["Region API slow: no answer within 800 ms"] });
  });

  it("reports writes failing on a region whose own database is fine", () => {
    const api: ApiSample = {
      up: true,
      latencyMs: 3,
      health: {
        status: "down",
        db: { writable: false, lastError: "the database is read-only", lastErrorCode: "25006" },
      },
    };
    const h = deriveHealth({ role: "replica", api, db: dbReplica });
    expect(h.status).toBe("degraded");
    expect(h.reasons[0]).toMatch(/cannot write.*read-only/);
  });

  it("reports mirror and CDN trouble as degraded, preferring the traffic figures", () => {
    const api: ApiSample = {
      up: true,
      latencyMs: 3,
      health: {
        status: "degraded",
        db: { writable: true },
        mirrors: { status: "ok" },
        cdn: { provider: "bunny", enabled: true, status: "ok" },
      },
    };
    const cdn = {
      provider: "bunny",
      enabled: true,
      status: "outage",
      cacheHitRate: 0,
      requestsPerSecond: 10,
      errorRate: 100,
      edgeLatencyMs: null,
      bandwidthBytesPerSecond: 0,
      directBytesPerSecond: 10,
      costTotalUsd: 1,
      costRateUsdPerHour: 1,
      costByCategory: {},
    };
    const mirrors = {
      status: "down",
      hitRate: 0,
      requestsPerSecond: 0,
      errorRate: 100,
      lastSyncAt: null,
      resyncProgress: null,
    };
    expect(deriveHealth({ role: "replica", api, db: dbReplica, mirrors, cdn })).toEqual({
      status: "degraded",
      reasons: ["Mirror storage down", "CDN bunny outage"],
    });
  });

  it("degrades a replica that is behind, paused or not streaming", () => {
    const behind = deriveHealth({
      role: "replica",
      api: apiOk,
      db: dbReplica,
      lag: { bytes: 4096, seconds: 7.25, streaming: true },
      lagThresholdSeconds: 5,
    });
    expect(behind).toEqual({ status: "degraded", reasons: ["Replication lag 7.3 s (over 5 s)"] });
    const paused = deriveHealth({ role: "replica", api: apiOk, db: { ...dbReplica, replayPaused: true } as DbSample });
    expect(paused.reasons).toEqual(["WAL replay is paused"]);
    const stopped = deriveHealth({ role: "replica", api: apiOk, db: { ...dbReplica, receiver: null } as DbSample });
    expect(stopped.reasons).toEqual(["Replication stopped: no WAL receiver"]);
  });

  it("judges lag by the replication-lag rule's threshold as an admin set it, and by the rule's default without one", () => {
    const lag = { bytes: 4096, seconds: 7.25, streaming: true };
    const settings = defaultRuleSettings();
    settings["replication-lag"] = { threshold: 10, forSeconds: 0, enabled: true };
    expect(
      deriveHealth({
        role: "replica",
        api: apiOk,
        db: dbReplica,
        lag,
        lagThresholdSeconds: ruleThreshold(settings, "replication-lag"),
      }),
    ).toEqual({ status: "healthy", reasons: [] });
    settings["replication-lag"] = { threshold: 6, forSeconds: 0, enabled: true };
    expect(
      deriveHealth({
        role: "replica",
        api: apiOk,
        db: dbReplica,
        lag,
        lagThresholdSeconds: ruleThreshold(settings, "replication-lag"),
      }).reasons,
    ).toEqual(["Replication lag 7.3 s (over 6 s)"]);
    expect(deriveHealth({ role: "replica", api: apiOk, db: dbReplica, lag }).reasons).toEqual([
      "Replication lag 7.3 s (over 5 s)",
    ]);
  });

  it("notices a replica that left recovery", () => {
    expect(deriveHealth({ role: "replica", api: apiOk, db: dbPrimary }).reasons[0]).toMatch(/not in recovery/);
  });

  it("trusts the region API alone when the database tier is simulated", () => {
    expect(deriveHealth({ role: "primary", api: apiOk, db: null }).status).toBe("healthy");
    const down: ApiSample = {
      up: true,
      latencyMs: 2,
      health: { status: "down", db: { connected: false, writable: false, lastError: "simulated database is down" } },
    };
    expect(deriveHealth({ role: "primary", api: down, db: null })).toEqual({
      status: "unhealthy",
      reasons: ["Primary database unreachable: simulated database is down"],
    });
  });
});

describe("a region API's reaches", () => {
  const sighting = {
    region: "us-east-1",
    reachable: true,
    inRecovery: false,
    latencyMs: 2,
    error: null,
    checkedAt: "2026-11-25T12:00:00.000Z",
  };

  it("is kept when well formed, unknown fields too", () => {
    expect(apiHealthSchema.parse({ status: "ok", reaches: [{ ...sighting, via: "10.0.0.1" }] }).reaches).toEqual([
      { ...sighting, via: "10.0.0.1" },
    ]);
  });

  it("is dropped when malformed, never taking the rest of the answer with it", () => {
    const parsed = apiHealthSchema.safeParse({ status: "degraded", reaches: [{ region: "us-east-1" }] });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual({ status: "degraded" });
  });
});

describe("deriveHealth with reachability", () => {
  const apiDown: ApiSample = {
    up: false,
    latencyMs: 3,
    timedOut: false,
    error: "no route to host",
    errorCode: "EHOSTUNREACH",
  };
  const dbDown: DbSample = { up: false, error: "no route to host", errorCode: "EHOSTUNREACH" };
  const sighting = (vantage: string, reachable: boolean) => ({
    vantage,
    reachable,
    acceptsWrites: reachable,
    latencyMs: null,
    error: null,
    checkedAt: "2026-11-25T12:00:00.000Z",
    ageSeconds: 1,
  });
  const partitioned: RegionReachability = {
    region: "us-east-1",
    verdict: "partitioned-from-console",
    sightings: [sighting("console", false), sighting("eu-west-1", true), sighting("ap-southeast-1", true)],
    reason:
      "us-east-1 is unreachable from the console only; eu-west-1 and ap-southeast-1 reach it — a network partition, not an outage",
  };

  it("calls a primary the console alone cannot reach degraded, the partition first, even with its API cut off too", () => {
    expect(deriveHealth({ role: "primary", api: apiDown, db: dbDown, reachability: partitioned })).toEqual({
      status: "degraded",
      reasons: [partitioned.reason, "Region API unreachable: no route to host"],
    });
    const h = deriveHealth({ role: "primary", api: apiOk, db: dbDown, reachability: partitioned });
    expect(h).toEqual({ status: "degraded", reasons: [partitioned.reason] });
  });

  it("still reports writes failing on a partitioned primary: that is news, not explained by the console's view", () => {
    const api: ApiSample = {
      up: true,
      latencyMs: 3,
      health: { status: "down", db: { writable: false, lastError: "connection reset" } },
    };
    expect(deriveHealth({ role: "primary", api, db: dbDown, reachability: partitioned }).reasons).toEqual([
      partitioned.reason,
      "Region API cannot write to its database: connection reset",
    ]);
  });

  it("ignores a partition verdict while the console reaches the database", () => {
    expect(deriveHealth({ role: "primary", api: apiOk, db: dbPrimary, reachability: partitioned })).toEqual({
      status: "healthy",
      reasons: [],
    });
  });

  it("keeps the status and the reason of a database nobody reaches, the verdict's words after it", () => {
    const reason =
      "us-east-1 is unreachable from every vantage that answers (the console, eu-west-1, ap-southeast-1): down or isolated";
    const unreachable: RegionReachability = { ...partitioned, verdict: "unreachable", reason };
    expect(deriveHealth({ role: "primary", api: apiOk, db: dbDown, reachability: unreachable })).toEqual({
      status: "unhealthy",
      reasons: ["Primary database unreachable: no route to host", reason],
    });
    const replica = deriveHealth({
      role: "replica",
      api: apiOk,
      db: dbDown,
      reachability: { ...unreachable, region: "eu-west-1" },
    });
    expect(replica).toEqual({
      status: "degraded",
      reasons: ["Replica database unreachable: no route to host", reason],
    });
    expect(deriveHealth({ role: "primary", api: apiDown, db: dbDown, reachability: unreachable }).status).toBe(
      "unhealthy",
    );
  });

  it("degrades a database the regions cannot reach though the console can", () => {
    const reason =
      "us-east-1 is reachable from the console but not from eu-west-1 and ap-southeast-1 — their replication and writes to it are cut";
    const cut: RegionReachability = { ...partitioned, verdict: "partitioned-from-regions", reason };
    expect(deriveHealth({ role: "primary", api: apiOk, db: dbPrimary, reachability: cut })).toEqual({
      status: "degraded",
      reasons: [reason],
    });
  });

  it("is never healthy while the console cannot reach the database, whatever the verdict", () => {
    for (const verdict of [
      "reachable",
      "unknown",
      "partitioned-from-regions",
      "partitioned-from-console",
      "unreachable",
    ] as const) {
      for (const role of ["primary", "replica"] as const) {
        expect(
          deriveHealth({ role, api: apiOk, db: dbDown, reachability: { ...partitioned, verdict } }).status,
        ).not.toBe("healthy");
      }
    }
  });
});
