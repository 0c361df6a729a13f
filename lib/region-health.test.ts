import { describe, expect, it } from "vitest";
import { deriveHealth, type ApiProbe, type DbProbe } from "./region-health";

const apiOk: ApiProbe = { up: true, latencyMs: 4, health: { status: "ok", db: { connected: true, writable: true }, mirrors: { status: "ok" }, cdn: { provider: "cloudflare", enabled: true, status: "ok" } } };
const dbPrimary: DbProbe = { up: true, latencyMs: 1, inRecovery: false };
const dbReplica: DbProbe = { up: true, latencyMs: 1, inRecovery: true };

describe("deriveHealth", () => {
  it("calls a region healthy when its API and database answer as expected", () => {
    expect(deriveHealth({ role: "primary", api: apiOk, db: dbPrimary })).toEqual({ status: "healthy", reasons: [] });
    expect(deriveHealth({ role: "replica", api: apiOk, db: dbReplica })).toEqual({ status: "healthy", reasons: [] });
  });

  it("calls the primary unhealthy when its database is down, naming the error once", () => {
    const api: ApiProbe = { up: true, latencyMs: 3, health: { status: "down", db: { connected: false, writable: false, lastError: "ECONNREFUSED" } } };
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
    const api: ApiProbe = { up: true, latencyMs: 3, health: { status: "down", db: { writable: false, lastError: "cannot execute INSERT in a read-only transaction" } } };
    const h = deriveHealth({ role: "replica", api, db: dbReplica });
    expect(h.status).toBe("degraded");
    expect(h.reasons[0]).toMatch(/cannot write.*read-only/);
  });

  it("reports mirror and CDN trouble as degraded", () => {
    const api: ApiProbe = { up: true, latencyMs: 3, health: { status: "degraded", db: { writable: true }, mirrors: { status: "down" }, cdn: { provider: "bunny", enabled: true, status: "outage" } } };
    expect(deriveHealth({ role: "replica", api, db: dbReplica })).toEqual({ status: "degraded", reasons: ["Mirror storage down", "CDN bunny outage"] });
  });

  it("notices a replica that left recovery", () => {
    expect(deriveHealth({ role: "replica", api: apiOk, db: dbPrimary }).reasons[0]).toMatch(/not in recovery/);
  });

  it("trusts the region API alone when the database tier is simulated", () => {
    expect(deriveHealth({ role: "primary", api: apiOk, db: null }).status).toBe("healthy");
  });
});
