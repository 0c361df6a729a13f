import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import type { AlertView, RegionView } from "../fleet-view";
import { AckLedger } from "./acked-writes";
import { AlertWatch, alertFingerprint, STUCK_AFTER_MS } from "./alert-watch";
import { detectionBoundMs, faultCleared, faultShown, knowableAfterMs, probeTimeoutMs } from "./fault-signs";
import { acceptsWrites, judgeWriters, type ServerSample } from "./writers";

describe("fault signs", () => {
  const down = (id: string, role: "primary" | "replica", status: "degraded" | "unhealthy") =>
    regionView(id, { role, status, sample: { db: { up: false, error: "ECONNREFUSED" } } });

  it("shows a stopped primary only as unhealthy, a stopped replica as degraded or worse", () => {
    expect(faultShown("db-down", down("us-east-1", "primary", "unhealthy"))).toBe(true);
    expect(faultShown("db-down", down("us-east-1", "primary", "degraded"))).toBe(false);
    expect(faultShown("db-down", down("eu-west-1", "replica", "degraded"))).toBe(true);
  });

  it("wants a stopped server shown as an outage, not as a partition", () => {
    const r = down("eu-west-1", "replica", "degraded");
    r.sample!.reachability = {
      region: "eu-west-1",
      verdict: "partitioned-from-console",
      sightings: [],
      reason: "a network partition, not an outage",
    };
    expect(faultShown("db-down", r)).toBe(false);
    r.sample!.reachability = { ...r.sample!.reachability, verdict: "unreachable", reason: "refuses connections" };
    expect(faultShown("db-down", r)).toBe(true);
  });

  it("wants the figure the fault changes, not just any trouble in the region", () => {
    const slow = regionView("eu-west-1", { status: "degraded", reasons: ["Mirror storage down"] });
    slow.sample!.mirrors!.status = "down";
    expect(faultShown("mirror-down", slow)).toBe(true);
    expect(faultShown("cdn-outage", slow)).toBe(false);
    expect(faultShown("lag", slow)).toBe(false);
    const paused = regionView("eu-west-1", { status: "degraded" });
    const db = paused.sample!.db!;
    if (db.up && db.inRecovery) db.replayPaused = true;
    expect(faultShown("lag", paused)).toBe(true);
  });

  it("never counts a stale region as showing a fault, nor as cleared", () => {
    const stale: RegionView = { ...down("eu-west-1", "replica", "degraded"), status: "stale" };
    expect(faultShown("db-down", stale)).toBe(false);
    expect(faultCleared("db-down", stale)).toBe(false);
    expect(faultCleared("db-down", regionView("eu-west-1"))).toBe(true);
  });

  it("reads a partition from the other regions from the reachability verdict", () => {
    const r = regionView("eu-west-1", {
      status: "degraded",
      sample: {
        reachability: { region: "eu-west-1", verdict: "partitioned-from-regions", sightings: [], reason: "cut" },
      },
    });
    expect(faultShown("partition-from-regions", r)).toBe(true);
    expect(faultShown("partition-from-console", r)).toBe(false);
  });

  it("bounds each fault by when the console can know of it, plus 1 s", () => {
    expect(probeTimeoutMs(1000)).toBe(800);
    expect(probeTimeoutMs(500)).toBe(400);
    expect(detectionBoundMs("db-down", 1000)).toBe(1000);
    expect(detectionBoundMs("lag", 1000)).toBe(2000);
    expect(detectionBoundMs("api-hang", 1000)).toBe(2800);
    expect(knowableAfterMs("mirror-down", 1000)).toBe(0);
  });
});

describe("AlertWatch", () => {
  const alert = (over: Partial<AlertView> = {}): AlertView => ({
    id: 1,
    ruleId: "mirror-hit-rate",
    source: "rule",
    name: "Mirror hit rate low",
    severity: "warning",
    labels: { region: "eu-west-1" },
    summary: "eu-west-1 mirror hit rate 0 %",
    value: 0,
    runbook: null,
    state: "firing",
    startedAt: "2026-11-25T12:00:00.000Z",
    resolvedAt: null,
    ...over,
  });
  const fleet = (hitRate: number) => {
    const eu = regionView("eu-west-1");
    eu.sample!.mirrors!.hitRate = hitRate;
    return [regionView("us-east-1", { role: "primary" }), eu];
  };

  it("names an alert as the engine does", () => {
    expect(alertFingerprint(alert())).toBe("mirror-hit-rate/eu-west-1");
    expect(alertFingerprint(alert({ ruleId: "two-primaries", labels: { regions: "eu-west-1,us-east-1" } }))).toBe(
      "two-primaries/eu-west-1,us-east-1",
    );
    expect(alertFingerprint(alert({ ruleId: "cdn-cache-hit-rate", labels: { provider: "cloudflare" } }))).toBe(
      "cdn-cache-hit-rate/cloudflare",
    );
  });

  it("lets an alert fire as long as its breach holds, and a while after", () => {
    const w = new AlertWatch();
    const firing = (hitRate: number) => ({ ...snapshotOf(fleet(hitRate)), alerts: [alert()] });
    expect(w.observe(firing(0), 0)).toEqual([]);
    expect(w.observe(firing(0), 60_000)).toEqual([]);
    // cleared at 61 s (the hit rate is back), still firing until 61 s + STUCK_AFTER_MS
    expect(w.observe(firing(85), 61_000)).toEqual([]);
    expect(w.observe(firing(85), 60_000 + STUCK_AFTER_MS)).toEqual([]);
  });

  it("reports an alert still firing STUCK_AFTER_MS after its breach last held, once", () => {
    const w = new AlertWatch();
    w.observe({ ...snapshotOf(fleet(0)), alerts: [alert()] }, 0);
    const stuck = w.observe({ ...snapshotOf(fleet(85)), alerts: [alert()] }, STUCK_AFTER_MS + 1);
    expect(stuck.map((s) => s.fingerprint)).toEqual(["mirror-hit-rate/eu-west-1"]);
    expect(w.observe({ ...snapshotOf(fleet(85)), alerts: [alert()] }, STUCK_AFTER_MS + 2)).toEqual([]);
    expect(w.stuck).toHaveLength(1);
  });

  it("counts from an alert's first sighting when the figures that breach have not reached the page yet", () => {
    const w = new AlertWatch();
    w.observe(snapshotOf(fleet(85)), 0);
    // 20 s in, a new alert arrives before the figures showing its breach (they follow within seconds).
    const fresh = alert({ startedAt: "2026-11-25T12:00:20.000Z" });
    expect(w.observe({ ...snapshotOf(fleet(85)), alerts: [fresh] }, 20_000)).toEqual([]);
    expect(w.observe({ ...snapshotOf(fleet(85)), alerts: [fresh] }, 20_000 + STUCK_AFTER_MS)).toEqual([]);
    // Still firing with no breach ever shown: stuck, counted from its first sighting.
    const stuck = w.observe({ ...snapshotOf(fleet(85)), alerts: [fresh] }, 20_001 + STUCK_AFTER_MS);
    expect(stuck.map((s) => s.clearedForMs)).toEqual([STUCK_AFTER_MS + 1]);
  });

  it("leaves out an alert whose region is stale: its rule cannot be evaluated", () => {
    const w = new AlertWatch();
    w.observe({ ...snapshotOf(fleet(85)), alerts: [alert({ unevaluated: true })] }, 0);
    expect(
      w.observe({ ...snapshotOf(fleet(85)), alerts: [alert({ unevaluated: true })] }, 10 * STUCK_AFTER_MS),
    ).toEqual([]);
  });
});

describe("writers", () => {
  const up = (region: string, over: Partial<Extract<ServerSample, { up: true }>> = {}): ServerSample => ({
    region,
    up: true,
    inRecovery: false,
    synchronousStandbyNames: "ANY 1 (*)",
    synchronousStandbys: 1,
    standbys: 1,
    isolated: false,
    ownApiWritesHere: true,
    ...over,
  });

  it("a primary with synchronous standby names accepts writes only with a synchronous standby streaming", () => {
    expect(acceptsWrites(up("us-east-1"))).toBe(true);
    expect(acceptsWrites(up("us-east-1", { synchronousStandbys: 0 }))).toBe(false);
    expect(acceptsWrites(up("us-east-1", { inRecovery: true }))).toBe(false);
    expect(acceptsWrites({ region: "us-east-1", up: false, error: "down" })).toBe(false);
  });

  it("an asynchronous primary accepts writes from whoever reaches it: isolated, only its own region's API", () => {
    const async = { synchronousStandbyNames: "", synchronousStandbys: 0, standbys: 0 };
    expect(acceptsWrites(up("us-east-1", async))).toBe(true);
    expect(acceptsWrites(up("us-east-1", { ...async, isolated: true, ownApiWritesHere: true }))).toBe(true);
    expect(acceptsWrites(up("us-east-1", { ...async, isolated: true, ownApiWritesHere: false }))).toBe(false);
  });

  it("judges two primaries of which one is fenced as sound, and two writers as not", () => {
    const fenced = judgeWriters([
      up("us-east-1", { synchronousStandbys: 0, isolated: true }),
      up("eu-west-1", { synchronousStandbyNames: "" }),
    ]);
    expect(fenced).toEqual({ primaries: ["us-east-1", "eu-west-1"], writers: ["eu-west-1"], ok: true });
    const split = judgeWriters([
      up("us-east-1", { synchronousStandbyNames: "", isolated: true }),
      up("eu-west-1", { synchronousStandbyNames: "" }),
    ]);
    expect(split.ok).toBe(false);
    expect(split.writers).toEqual(["us-east-1", "eu-west-1"]);
  });
});

describe("AckLedger", () => {
  const ack = (seq: number, writtenAt: string, seenAt = 1000) => ({
    region: "us-east-1",
    seq,
    writtenAt,
    dbPort: 5432,
    seenAt,
  });

  it("keeps each acknowledgement once", () => {
    const l = new AckLedger();
    expect(l.record(ack(1, "2026-11-25T12:00:01.000Z"))).toBe(true);
    expect(l.record(ack(1, "2026-11-25T12:00:01.000Z", 2000))).toBe(false);
    expect(l.total).toBe(1);
  });

  it("finds every acknowledged row on the primary, to the millisecond of its written_at", () => {
    const l = new AckLedger();
    l.record(ack(1, "2026-11-25T12:00:01.000Z"));
    l.record(ack(2, "2026-11-25T12:00:02.000Z"));
    const rows = [
      { region: "us-east-1", seq: 1, writtenAt: new Date("2026-11-25T12:00:01.000Z") },
      { region: "us-east-1", seq: 2, writtenAt: new Date("2026-11-25T12:00:02.000Z") },
    ];
    expect(l.check(rows, 0)).toEqual([{ region: "us-east-1", missing: [], missingSeqs: [], checked: 2 }]);
  });

  it("calls a row written again under the same seq lost, and a seq in between with no row too", () => {
    const l = new AckLedger();
    l.record(ack(1, "2026-11-25T12:00:01.000Z"));
    l.record(ack(3, "2026-11-25T12:00:03.000Z"));
    const rows = [
      { region: "us-east-1", seq: 1, writtenAt: new Date("2026-11-25T12:00:01.000Z") },
      { region: "us-east-1", seq: 3, writtenAt: new Date("2026-11-25T12:00:09.000Z") },
    ];
    const [lost] = l.check(rows, 0);
    expect(lost!.missing.map((a) => a.seq)).toEqual([3]);
    expect(lost!.missingSeqs).toEqual([2]);
  });

  it("does not count a write acknowledged after the rows were read as lost", () => {
    const l = new AckLedger();
    l.record(ack(1, "2026-11-25T12:00:01.000Z", 1000));
    l.record(ack(2, "2026-11-25T12:00:02.000Z", 2500));
    const rows = [{ region: "us-east-1", seq: 1, writtenAt: new Date("2026-11-25T12:00:01.000Z") }];
    expect(l.check(rows, 0, 2000)).toEqual([{ region: "us-east-1", missing: [], missingSeqs: [], checked: 1 }]);
    expect(l.check(rows, 0, 3000)[0]!.missing.map((a) => a.seq)).toEqual([2]);
  });

  it("checks only acknowledgements seen since the window's start, and measures a write gap around a moment", () => {
    const l = new AckLedger();
    l.record(ack(1, "2026-11-25T12:00:01.000Z", 1));
    l.record(ack(2, "2026-11-25T12:00:02.000Z", 5000));
    l.record(ack(3, "2026-11-25T12:00:09.500Z", 9000));
    expect(l.lowestSeqs(1000).get("us-east-1")).toBe(2);
    expect(
      l.check(
        [
          { region: "us-east-1", seq: 2, writtenAt: new Date("2026-11-25T12:00:02.000Z") },
          { region: "us-east-1", seq: 3, writtenAt: new Date("2026-11-25T12:00:09.500Z") },
        ],
        1000,
      )[0]!.missing,
    ).toEqual([]);
    expect(l.gapAround("us-east-1", Date.parse("2026-11-25T12:00:03.000Z"))?.gapMs).toBe(7500);
    expect(l.gapAround("us-east-1", Date.parse("2026-11-25T12:00:10.000Z"))).toBeNull();
  });
});
