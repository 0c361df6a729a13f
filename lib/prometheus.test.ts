import { describe, expect, it } from "vitest";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { snapshotAt } from "./freshness";
import { renderMetrics } from "./prometheus";

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
