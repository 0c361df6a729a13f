import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { snapshotAt } from "./freshness";
import { renderMetrics } from "./prometheus";
import type { TrafficSnapshot } from "./traffic";
import type { TrafficView } from "./traffic-view";

describe("renderMetrics", () => {
  it("writes the runbook's metric names and labels in Prometheus text format", () => {
    const fleet = [
      regionView("us-east-1", { role: "primary" }),
      regionView("eu-west-1", { status: "degraded", sample: { lag: { bytes: 2048, seconds: 7.5, streaming: true } } }),
    ];
    const text = renderMetrics(snapshotOf(fleet));
    expect(text).toContain("# TYPE pg_replication_lag_seconds gauge");
    expect(text).toContain('pg_replication_lag_seconds{region="eu-west-1"} 7.5');
    expect(text).toContain('pg_replication_lag_bytes{region="eu-west-1"} 2048');
    expect(text).not.toContain('pg_replication_lag_seconds{region="us-east-1"}');
    expect(text).toContain('mirror_hit_rate{region="us-east-1"} 85');
    expect(text).toContain('cdn_cache_hit_rate{provider="cloudflare"} 92');
    expect(text).toContain('region_health_status{region="eu-west-1",status="degraded"} 1');
    expect(text).toContain('region_health_status{region="eu-west-1",status="healthy"} 0');
    expect(text).toContain("switchyard_alerts_firing 0");
    expect(text.endsWith("\n")).toBe(true);
  });

  it("leaves out a lag that is unknown instead of reporting zero", () => {
    const text = renderMetrics(
      snapshotOf([regionView("eu-west-1", { sample: { lag: { bytes: null, seconds: null, streaming: false } } })]),
    );
    expect(text).not.toMatch(/pg_replication_lag_seconds\{/);
  });

  it("drops every series of a stale region and says its age, so no old figure passes for a current one", () => {
    const snapshot = snapshotAt(
      snapshotOf([
        regionView("us-east-1", { role: "primary" }),
        {
          ...regionView("eu-west-1", { sample: { lag: { bytes: 0, seconds: 0, streaming: true } } }),
          checkedAt: "2026-11-25T12:00:09.000Z",
        },
      ]),
      Date.parse("2026-11-25T12:00:10Z"),
    );
    const text = renderMetrics(snapshot);
    expect(text).not.toContain('region="us-east-1",status=');
    expect(text).not.toContain('mirror_hit_rate{region="us-east-1"}');
    expect(text).toContain('switchyard_region_stale{region="us-east-1"} 1');
    expect(text).toContain('switchyard_region_sample_age_seconds{region="us-east-1"} 10');
    expect(text).toContain('region_health_status{region="eu-west-1",status="healthy"} 1');
    expect(text).toContain('pg_replication_lag_seconds{region="eu-west-1"} 0');
    expect(text).toContain('switchyard_region_stale{region="eu-west-1"} 0');
  });
});

describe("renderMetrics with global traffic", () => {
  const snapshot: TrafficSnapshot = {
    at: "2026-11-25T12:00:00.000Z",
    balancer: { kind: "haproxy", reachable: true, error: null },
    globalHealth: { ok: true, status: 200, latencyMs: 3, servedBy: "us-east-1", error: null },
    regions: [
      {
        id: "us-east-1",
        state: "down",
        check: "L4CON connection refused",
        weight: 100,
        requestsPerSecond: 0,
        errorRate: null,
        avgResponseMs: null,
      },
      {
        id: "eu-west-1",
        state: "up",
        check: "L7OK 200",
        weight: 100,
        requestsPerSecond: 21.5,
        errorRate: 0.002,
        avgResponseMs: 12,
      },
    ],
    geographies: [
      {
        id: "americas",
        displayName: "Americas",
        home: "us-east-1",
        order: ["us-east-1", "eu-west-1"],
        requestsPerSecond: 10,
        errorRate: 0.05,
        p50Ms: 9,
        p95Ms: 40,
        shares: { "eu-west-1": 1 },
        servedBy: "eu-west-1",
      },
      {
        id: "europe",
        displayName: "Europe",
        home: "eu-west-1",
        order: ["eu-west-1", "us-east-1"],
        requestsPerSecond: 0,
        errorRate: null,
        p50Ms: null,
        p95Ms: null,
        shares: {},
        servedBy: null,
      },
    ],
    usersWindowSeconds: 10,
  };
  const view = (over: Partial<TrafficView> = {}): TrafficView => ({
    configured: true,
    generatedAt: "2026-11-25T12:00:01.000Z",
    staleAfterSeconds: 8,
    snapshot,
    ageSeconds: 1,
    stale: false,
    ...over,
  });
  const fleet = snapshotOf([regionView("us-east-1", { role: "primary" })]);

  it("writes per-region and per-geography series, leaving out what is unknown", () => {
    const text = renderMetrics(fleet, view());
    expect(text).toContain('lb_region_state{region="us-east-1",state="down"} 1');
    expect(text).toContain('lb_region_state{region="us-east-1",state="up"} 0');
    expect(text).toContain('lb_region_state{region="eu-west-1",state="up"} 1');
    expect(text).toContain('lb_region_weight{region="eu-west-1"} 100');
    expect(text).toContain('lb_region_requests_per_second{region="eu-west-1"} 21.5');
    expect(text).toContain('lb_region_error_ratio{region="eu-west-1"} 0.002');
    expect(text).not.toContain('lb_region_error_ratio{region="us-east-1"}');
    expect(text).toContain('lb_region_response_seconds{region="eu-west-1"} 0.012');
    expect(text).toContain('user_requests_per_second{geography="americas"} 10');
    expect(text).toContain('user_error_ratio{geography="americas"} 0.05');
    expect(text).toContain('user_latency_p95_seconds{geography="americas"} 0.04');
    expect(text).not.toContain('user_latency_p95_seconds{geography="europe"}');
    expect(text).toContain('user_served_ratio{geography="americas",region="eu-west-1"} 1');
    expect(text).toContain('user_served_ratio{geography="americas",region="us-east-1"} 0');
    expect(text).not.toContain('user_served_ratio{geography="europe"');
    expect(text).toContain("global_health_up 1");
    expect(text).toContain("switchyard_traffic_stale 0");
    expect(text).toContain("switchyard_traffic_sample_age_seconds 1");
    expect(text).toContain("# TYPE lb_region_state gauge");
  });

  it("says only its age when the snapshot is stale, and nothing without a balancer", () => {
    const stale = renderMetrics(fleet, view({ stale: true, ageSeconds: 30 }));
    expect(stale).toContain("switchyard_traffic_stale 1");
    expect(stale).toContain("switchyard_traffic_sample_age_seconds 30");
    expect(stale).not.toContain("lb_region_state");
    expect(stale).not.toContain("global_health_up");
    const none = renderMetrics(fleet, view({ configured: false, snapshot: null }));
    expect(none).not.toContain("traffic");
    expect(none).not.toContain("lb_region");
  });
});
