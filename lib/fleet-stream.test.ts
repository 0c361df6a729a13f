import { describe, expect, it } from "vitest";
import type { DbSample, RegionSample } from "./fleet-sample";
import { atAGlance, FleetStream, isFleetEvent } from "./fleet-stream";
import type { FleetSnapshot, RegionView } from "./fleet-view";
import { jsonDelta } from "./json-delta";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const LAB = [
  { id: "us-east-1", role: "primary", cdn: "cloudflare" },
  { id: "eu-west-1", role: "replica", cdn: "bunny" },
  { id: "ap-southeast-1", role: "replica", cdn: "aws-cloudfront" },
] as const;

/** Deterministic noise in [0, 1) for a figure of a region at a second. */
const noise = (second: number, i: number, salt: number) =>
  (((second * 7919 + i * 104729 + salt * 1299709) % 1000) + 0.123456789) / 1000;

/**
 * The lab's three regions `second` s after T0, at rest: healthy, sampled once a second, figures shaped as the collector
 * stores them (probe latencies unrounded, region API health kept whole). With `traffic`, the traffic model's figures,
 * LSNs and heartbeats move too; without, only times, ages and latencies do.
 */
function labFleet(second: number, traffic = true): FleetSnapshot {
  const now = T0 + second * 1000;
  const regions = LAB.map((r, i): RegionView => {
    const at = now - 150 + i * 20;
    const moving = traffic ? second : 0;
    const slot = r.id.replaceAll("-", "_");
    const lsn = `0/${(0x3a0f1c8 + moving * 0x1a0).toString(16).toUpperCase()}`;
    const db: DbSample =
      r.role === "primary"
        ? {
            up: true,
            latencyMs: 1 + noise(second, i, 1) * 2,
            inRecovery: false,
            timeline: 1,
            currentLsn: lsn,
            links: LAB.filter((x) => x.role === "replica").map((x, j) => ({
              applicationName: x.id.replaceAll("-", "_"),
              clientAddr: `127.0.0.${j + 2}`,
              state: "streaming",
              syncState: "async",
              sentLsn: lsn,
              writeLsn: lsn,
              flushLsn: lsn,
              replayLsn: lsn,
              lagBytes: 0,
              writeLagSeconds: traffic ? Math.round(noise(second, j, 2) * 1e6) / 1e9 : null,
              flushLagSeconds: traffic ? Math.round(noise(second, j, 3) * 1e6) / 1e9 : null,
              replayLagSeconds: traffic ? Math.round(noise(second, j, 4) * 1e6) / 1e9 : null,
              replyAgeSeconds: traffic ? noise(second, j, 5) : 0.5,
            })),
            slots: LAB.filter((x) => x.role === "replica").map((x) => ({
              name: x.id.replaceAll("-", "_"),
              active: true,
              walStatus: "reserved",
              retainedBytes: 0,
              restartLsn: lsn,
            })),
          }
        : {
            up: true,
            latencyMs: 1 + noise(second, i, 1) * 2,
            inRecovery: true,
            timeline: 1,
            receiveLsn: lsn,
            replayLsn: lsn,
            lastReplayAt: iso(T0 + moving * 1000 - 400),
            replayPaused: false,
            receiver: {
              status: "streaming",
              silenceSeconds: traffic ? noise(second, i, 6) : 0.2,
              senderHost: "127.0.0.1",
              senderPort: 54320,
              slot,
            },
          };
    const reaches = LAB.map((x, j) => ({
      region: x.id,
      reachable: true,
      inRecovery: x.role === "replica",
      latencyMs: Math.round(noise(second, j, 7) * 40) / 10,
      error: null,
      errorCode: null,
      checkedAt: iso(at - 300 - j * 7),
    }));
    const figure = (base: number, salt: number) =>
      Math.round((base + (traffic ? noise(second, i, salt) : 0.5) * base * 0.05) * 100) / 100;
    const sample: RegionSample = {
      regionId: r.id,
      at: iso(at),
      api: {
        up: true,
        latencyMs: 2 + noise(second, i, 8) * 4,
        health: {
          status: "ok",
          region: r.id,
          dbHost: "127.0.0.1",
          dbPort: 54320 + i,
          db: {
            connected: true,
            writable: true,
            lastAckedSeq: 3600 + moving,
            lastAckedAt: iso(T0 + moving * 1000 - 200),
            consecutiveFailures: 0,
            lastError: null,
            lastErrorCode: null,
            simulated: false,
          },
          mirrors: { status: "ok" },
          cdn: { provider: r.cdn, enabled: true, status: "ok", rollout: null },
          reaches,
          startedAt: iso(T0 - 3_600_000),
          now: iso(at - 2),
        },
      },
      db,
      mirrors: {
        status: "ok",
        hitRate: figure(88, 9),
        requestsPerSecond: figure(900, 10),
        errorRate: 0,
        lastSyncAt: iso(T0 - 600_000),
        resyncProgress: null,
      },
      cdn: {
        provider: r.cdn,
        enabled: true,
        status: "ok",
        cacheHitRate: figure(92, 11),
        requestsPerSecond: figure(1100, 12),
        errorRate: 0,
        edgeLatencyMs: figure(20, 13),
        bandwidthBytesPerSecond: Math.round(figure(1.1e9, 14)),
        directBytesPerSecond: Math.round(figure(3e7, 15)),
        costTotalUsd: Math.round((81.5 + moving * 0.0213 + i) * 1e6) / 1e6,
        costRateUsdPerHour: figure(76, 16),
        costByCategory: {
          cdn: figure(40, 17),
          mirror: figure(12, 18),
          peerMirror: figure(3, 19),
          origin: figure(9, 20),
          direct: figure(17, 21),
        },
      },
      lag:
        r.role === "replica"
          ? { bytes: 0, seconds: traffic ? Math.round(noise(second, i, 22) * 100) / 100 : 0, streaming: true }
          : null,
      health: { status: "healthy", reasons: [] },
      reachability: {
        region: r.id,
        verdict: "reachable",
        reason: null,
        sightings: [
          {
            vantage: "console",
            reachable: true,
            acceptsWrites: r.role === "primary",
            latencyMs: db.up ? db.latencyMs : null,
            error: null,
            checkedAt: iso(at),
            ageSeconds: 0,
          },
        ].concat(
          reaches
            .filter((x) => x.region !== r.id)
            .map((x) => ({
              vantage: x.region,
              reachable: true,
              acceptsWrites: r.role === "primary",
              latencyMs: x.latencyMs,
              error: null,
              checkedAt: x.checkedAt,
              ageSeconds: 0.3,
            })),
        ),
      },
    };
    return {
      id: r.id,
      displayName: `${r.id} (lab)`,
      role: r.role,
      observedRole: r.role,
      status: "healthy",
      lastStatus: "healthy",
      reasons: [],
      lastSeenAt: iso(at),
      checkedAt: iso(at),
      changedAt: iso(T0 - 3_500_000),
      ageSeconds: Math.round((now + noise(second, i, 23) * 300 - at) / 100) / 10,
      apiUrl: `http://127.0.0.1:${4100 + i}`,
      cdnProvider: r.cdn,
      slot,
      sample,
    };
  });
  return { generatedAt: iso(now), simulated: false, staleAfterSeconds: 3, regions, alerts: [] };
}

const message = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const bytes = (text: string) => new TextEncoder().encode(text).length;

describe("FleetStream", () => {
  it("takes a full snapshot, then applies each delta to the last one", () => {
    const stream = new FleetStream();
    const first = stream.receive("fleet", JSON.stringify(labFleet(0)));
    expect(first).toEqual(labFleet(0));
    const second = stream.receive("fleet-delta", JSON.stringify(jsonDelta(labFleet(0), labFleet(1))));
    expect(second).toEqual(labFleet(1));
    expect(stream.receive("fleet-delta", JSON.stringify(jsonDelta(labFleet(1), labFleet(2))))).toEqual(labFleet(2));
    // A full snapshot replaces whatever was held.
    expect(stream.receive("fleet", JSON.stringify(labFleet(9)))).toEqual(labFleet(9));
  });

  it("keeps what a delta does not change, so a page re-renders only the region that moved", () => {
    const stream = new FleetStream();
    const before = stream.receive("fleet", JSON.stringify(labFleet(0)))!;
    const next = structuredClone(before);
    next.regions[1]!.status = "degraded";
    next.regions[1]!.reasons = ["replication lag 12 s"];
    const after = stream.receive("fleet-delta", JSON.stringify(jsonDelta(before, next)))!;
    expect(after).toEqual(next);
    expect(after.regions[0]).toBe(before.regions[0]);
    expect(after.regions[2]).toBe(before.regions[2]);
    expect(after.regions[1]!.sample).toBe(before.regions[1]!.sample);
    expect(after.alerts).toBe(before.alerts);
  });

  it("answers null for a delta with nothing to apply it to, and again until the next full snapshot", () => {
    const stream = new FleetStream();
    const delta = JSON.stringify(jsonDelta(labFleet(0), labFleet(1)));
    expect(stream.receive("fleet-delta", delta)).toBeNull();
    stream.receive("fleet", JSON.stringify(labFleet(0)));
    stream.reset();
    expect(stream.receive("fleet-delta", delta)).toBeNull();
    expect(stream.receive("fleet", JSON.stringify(labFleet(0)))).toEqual(labFleet(0));
    expect(stream.receive("fleet-delta", delta)).toEqual(labFleet(1));
  });

  it("answers null and forgets its snapshot for data it cannot read or a delta that does not fit", () => {
    const stream = new FleetStream();
    const full = JSON.stringify(labFleet(0));
    for (const [event, data] of [
      ["fleet", "{not json"],
      ["fleet", '{"regions":"none"}'],
      ["fleet", "null"],
      ["fleet-delta", "{not json"],
      ["fleet-delta", '{"regions":{"7":{"status":"healthy"}}}'],
      ["fleet-delta", '{"generatedAt":{"at":1}}'],
      ["fleet-delta", '{"regions":null}'],
    ] as const) {
      stream.receive("fleet", full);
      expect(stream.receive(event, data)).toBeNull();
      expect(stream.receive("fleet-delta", JSON.stringify(jsonDelta(labFleet(0), labFleet(1))))).toBeNull();
    }
  });

  it("knows its two events", () => {
    expect(["fleet", "fleet-delta", "alerts", "error", "message"].filter(isFleetEvent)).toEqual([
      "fleet",
      "fleet-delta",
    ]);
  });
});

describe("what goes out at once and what waits for the figures tick", () => {
  it("sees no change at a glance when only figures move, and one for each thing a person acts on", () => {
    const before = labFleet(1);
    expect(atAGlance(labFleet(2))).toBe(atAGlance(before));
    const changed = (edit: (s: FleetSnapshot) => void) => {
      const s = structuredClone(before);
      edit(s);
      return atAGlance(s) !== atAGlance(before);
    };
    const eu = (s: FleetSnapshot) => s.regions[1]!;
    expect(changed((s) => (eu(s).status = "degraded"))).toBe(true);
    expect(changed((s) => eu(s).reasons.push("Replication lag 6 s"))).toBe(true);
    expect(changed((s) => (eu(s).sample!.db = { up: false, error: "connection refused" }))).toBe(true);
    expect(changed((s) => Object.assign(eu(s).sample!.db!, { replayPaused: true }))).toBe(true);
    expect(
      changed((s) => (eu(s).sample!.api = { up: false, latencyMs: 800, timedOut: true, error: "no answer" })),
    ).toBe(true);
    expect(changed((s) => (eu(s).sample!.mirrors!.status = "down"))).toBe(true);
    expect(changed((s) => (eu(s).sample!.reachability!.verdict = "partitioned-from-console"))).toBe(true);
    expect(
      changed((s) =>
        s.alerts.push({
          id: 7,
          ruleId: "replication-lag",
          source: "rule",
          name: "Replication lag",
          severity: "warning",
          labels: {},
          summary: "",
          value: 6,
          runbook: null,
          state: "firing",
          startedAt: iso(T0),
          resolvedAt: null,
        }),
      ),
    ).toBe(true);
    expect(changed((s) => (eu(s).sample!.lag!.seconds = 4.2))).toBe(false);
  });

  // Issue 14: at most 1 KiB/s per viewer at rest. Figures alone go out once per figures tick (5 s in the events route).
  it("keeps a viewer at rest under 1 KiB/s with figures sent every 5 s, with the lab's traffic figures moving", () => {
    const full = bytes(message("fleet", labFleet(0)));
    const delta = Math.max(
      ...[5, 10, 15].map((s) => bytes(message("fleet-delta", jsonDelta(labFleet(s - 5), labFleet(s))))),
    );
    expect(delta).toBeLessThan(full);
    expect(delta / 5).toBeLessThan(1024);
  });

  it("sends nothing when nothing changed", () => {
    expect(jsonDelta(labFleet(3), labFleet(3))).toBeUndefined();
    expect(jsonDelta(labFleet(3), JSON.parse(JSON.stringify(labFleet(3))))).toBeUndefined();
  });
});
