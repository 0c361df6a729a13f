import { cdnHitRateByProvider } from "./alert-rules";
import type { FleetSnapshot } from "./fleet-view";
import { healthStates } from "./region-health";

const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labels = (l: Record<string, string>) =>
  Object.keys(l).length
    ? `{${Object.entries(l)
        .map(([k, v]) => `${k}="${esc(v)}"`)
        .join(",")}}`
    : "";

/**
 * GET /metrics in Prometheus text format, with the runbook's names so its alert rules work unchanged.
 * A figure that is not known now (a replica whose primary is unreachable) is left out, never reported as 0;
 * so is every series of a stale region (its newest sample too old), which only says its age and that it is
 * stale. Prometheus then marks those series stale itself, and its own rules cannot fire on old figures.
 */
export function renderMetrics(snapshot: FleetSnapshot): string {
  const out: string[] = [];
  const s = { ...snapshot, regions: snapshot.regions.filter((r) => r.status !== "stale") };
  const gauge = (name: string, help: string, rows: [Record<string, string>, number | null | undefined][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [l, v] of rows)
      if (v !== null && v !== undefined && Number.isFinite(v)) out.push(`${name}${labels(l)} ${v}`);
  };
  gauge(
    "pg_replication_lag_seconds",
    "Seconds the replica's replayed WAL is behind the primary (0 when it has replayed everything).",
    s.regions.filter((r) => r.sample?.lag).map((r) => [{ region: r.id }, r.sample!.lag!.seconds]),
  );
  gauge(
    "pg_replication_lag_bytes",
    "Bytes of WAL the primary has flushed that the replica has not replayed.",
    s.regions.filter((r) => r.sample?.lag).map((r) => [{ region: r.id }, r.sample!.lag!.bytes]),
  );
  gauge(
    "mirror_hit_rate",
    "Percent of clip requests served from the region's mirror.",
    s.regions.map((r) => [{ region: r.id }, r.sample?.mirrors?.hitRate]),
  );
  gauge(
    "cdn_cache_hit_rate",
    "Percent of requests served from the CDN provider's cache, weighted over the regions using it.",
    Object.entries(cdnHitRateByProvider(s.regions)).map(([provider, v]) => [{ provider }, Math.round(v * 100) / 100]),
  );
  gauge(
    "region_health_status",
    "1 for the region's current status (healthy, degraded or unhealthy), 0 for the others.",
    s.regions
      .filter((r) => r.status)
      .flatMap((r) =>
        healthStates.map(
          (st) => [{ region: r.id, status: st }, r.status === st ? 1 : 0] as [Record<string, string>, number],
        ),
      ),
  );
  gauge("switchyard_alerts_firing", "Alerts firing now in Switchyard.", [[{}, s.alerts.length]]);
  gauge(
    "switchyard_region_sample_age_seconds",
    "Age of the newest sample of the region; above three poll intervals the region is stale.",
    snapshot.regions.map((r) => [{ region: r.id }, r.ageSeconds]),
  );
  gauge(
    "switchyard_region_stale",
    "1 when nothing current is known of the region (its figures are left out), 0 otherwise.",
    snapshot.regions.filter((r) => r.status !== null).map((r) => [{ region: r.id }, r.status === "stale" ? 1 : 0]),
  );
  return `${out.join("\n")}\n`;
}
