import { describe, expect, it } from "vitest";
import type { ApiSample, DbSample } from "./fleet-sample";
import { deriveHealth } from "./region-health";

const apiOk: ApiSample = { up: true, latencyMs: 4, health: { status: "ok", db: { connected: true, writable: true }, mirrors: { status: "ok" }, cdn: { provider: "cloudflare", enabled: true, status: "ok" } } };
const dbPrimary: DbSample = { up: true, latencyMs: 1, inRecovery: false, timeline: 1, currentLsn: "0/3000000", links: [], slots: [] };
const receiver = { status: "streaming", silenceSeconds: 0.2, senderHost: "127.0.0.1", senderPort: 5432, slot: "eu_west_1" };
const dbReplica: DbSample = { up: true, latencyMs: 1, inRecovery: true, timeline: 1, receiveLsn: "0/3000000", replayLsn: "0/3000000", lastReplayAt: null, replayPaused: false, receiver };

describe("deriveHealth", () => {
  it("calls a region healthy when its API and database answer as expected", () => {
    expect(deriveHealth({ role: "primary", api: apiOk, db: dbPrimary })).toEqual({ status: "healthy", reasons: [] });
    expect(deriveHealth({ role: "replica", api: apiOk, db: dbReplica, lag: { bytes: 0, seconds: 0, streaming: true } })).toEqual({ status: "healthy", reasons: [] });
  });

  it("calls the primary unhealthy when its database is down, naming the error once", () => {
    const api: ApiSample = { up: true, latencyMs: 3, health: { status: "down", db: { connected: false, writable: false, lastError: "ECONNREFUSED" } } };
    const h = deriveHealth({ role: "primary", api, db: { up: false, error: "ECONNREFUSED" } });
    expect(h.status).toBe("unhealthy");
    expect(h.reasons).toEqual(["Primary database unreachable: ECONNREFUSED"]);
  });

  it("calls a replica degraded, not unhealthy, when its database is down", () => {
    const h = deriveHealth({ role: "replica", api: apiOk, db: { up: false, error: "ECONNREFUSED" } });
    expect(h).toEqual({ status: "degraded", reasons: ["Replica database unreachable: ECONNREFUSED"] });
  });

  it("calls a region unhealthy when its API refuses connections, degraded when it is only slow", () => {
    expect(deriveHealth({ role: "replica", api: { up: false, latencyMs: 2, timedOut: false, error: "ECONNREFUSED" }, db: dbReplica }).status).toBe("unhealthy");
    const slow = deriveHealth({ role: "replica", api: { up: false, latencyMs: 800, timedOut: true, error: "timed out" }, db: dbReplica });
    expect(slow).toEqual({ status: "degraded", reasons: ["Region API slow: no answer within 800 ms"] });
  });

  it("reports writes failing on a region whose own database is fine", () => {
    const api: ApiSample = { up: true, latencyMs: 3, health: { status: "down", db: { writable: false, lastError: "cannot execute INSERT in a read-only transaction" } } };
    const h = deriveHealth({ role: "replica", api, db: dbReplica });
    expect(h.status).toBe("degraded");
    expect(h.reasons[0]).toMatch(/cannot write.*read-only/);
  });

  it("reports mirror and CDN trouble as degraded, preferring the traffic figures", () => {
    const api: ApiSample = { up: true, latencyMs: 3, health: { status: "degraded", db: { writable: true }, mirrors: { status: "ok" }, cdn: { provider: "bunny", enabled: true, status: "ok" } } };
    const cdn = { provider: "bunny", enabled: true, status: "outage", cacheHitRate: 0, requestsPerSecond: 10, errorRate: 100, edgeLatencyMs: null, bandwidthBytesPerSecond: 0, directBytesPerSecond: 10, costTotalUsd: 1, costRateUsdPerHour: 1, costByCategory: {} };
    const mirrors = { status: "down", hitRate: 0, requestsPerSecond: 0, errorRate: 100, lastSyncAt: null, resyncProgress: null };
    expect(deriveHealth({ role: "replica", api, db: dbReplica, mirrors, cdn })).toEqual({ status: "degraded", reasons: ["Mirror storage down", "CDN bunny outage"] });
  });

  it("degrades a replica that is behind, paused or not streaming", () => {
    const behind = deriveHealth({ role: "replica", api: apiOk, db: dbReplica, lag: { bytes: 4096, seconds: 7.25, streaming: true }, lagThresholdSeconds: 5 });
    expect(behind).toEqual({ status: "degraded", reasons: ["Replication lag 7.3 s (over 5 s)"] });
    const paused = deriveHealth({ role: "replica", api: apiOk, db: { ...dbReplica, replayPaused: true } as DbSample });
    expect(paused.reasons).toEqual(["WAL replay is paused"]);
    const stopped = deriveHealth({ role: "replica", api: apiOk, db: { ...dbReplica, receiver: null } as DbSample });
    expect(stopped.reasons).toEqual(["Replication stopped: no WAL receiver"]);
  });

  it("notices a replica that left recovery", () => {
    expect(deriveHealth({ role: "replica", api: apiOk, db: dbPrimary }).reasons[0]).toMatch(/not in recovery/);
  });

  it("trusts the region API alone when the database tier is simulated", () => {
    expect(deriveHealth({ role: "primary", api: apiOk, db: null }).status).toBe("healthy");
    const down: ApiSample = { up: true, latencyMs: 2, health: { status: "down", db: { connected: false, writable: false, lastError: "simulated database is down" } } };
    expect(deriveHealth({ role: "primary", api: down, db: null })).toEqual({ status: "unhealthy", reasons: ["Primary database unreachable: simulated database is down"] });
  });
});
