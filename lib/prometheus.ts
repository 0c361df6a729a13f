import { cdnHitRateByProvider } from "./alert-rules";
import type { FleetSnapshot } from "./fleet-view";
import { healthStates } from "./region-health";
import type { BalancerState } from "./traffic";
import type { TrafficView } from "./traffic-view";

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
type Rows = [Record<string, string>, number | null | undefined][];

/** Writes one gauge's HELP, TYPE and every row with a known, finite value into `out`. */
const gaugeInto =
  (out: string[]) =>
  (name: string, help: string, rows: Rows): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [l, v] of rows)
      if (v !== null && v !== undefined && Number.isFinite(v)) out.push(`${name}${labels(l)} ${v}`);
  };

export function renderMetrics(snapshot: FleetSnapshot, traffic: TrafficView | null = null): string {
  const out: string[] = [];
  const s = { ...snapshot, regions: snapshot.regions.filter((r) => r.status !== "stale") };
  const gauge = gaugeInto(out);
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
  if (traffic) renderTrafficMetrics(traffic, out);
  return `${out.join("\n")}\n`;
}

const balancerStates: BalancerState[] = ["up", "down", "draining", "maintenance", "unknown"];
const ms = (v: number | null) => (v === null ? null : v / 1000);

/**
 * The global load balancer's and the users' series. Like a stale region's, a stale traffic snapshot's series are
 * left out; only its age and that it is stale are said. Nothing at all when the fleet has no balancer.
 */
function renderTrafficMetrics(view: TrafficView, out: string[]): void {
  if (!view.configured || !view.snapshot) return;
  const gauge = gaugeInto(out);
  const t = view.snapshot;
  gauge("switchyard_traffic_sample_age_seconds", "Age of the newest global traffic snapshot.", [[{}, view.ageSeconds]]);
  gauge("switchyard_traffic_stale", "1 when the global traffic snapshot is too old (its series are left out).", [
    [{}, view.stale ? 1 : 0],
  ]);
  if (view.stale) return;
  gauge(
    "lb_region_state",
    "1 for the region's current state in the global load balancer (up, down, draining, maintenance, unknown), 0 for the others.",
    t.regions.flatMap((r) =>
      balancerStates.map((st): Rows[number] => [{ region: r.id, state: st }, r.state === st ? 1 : 0]),
    ),
  );
  gauge(
    "lb_region_weight",
    "The region's weight in its home geography's backend (0-256).",
    t.regions.map((r) => [{ region: r.id }, r.weight]),
  );
  gauge(
    "lb_region_requests_per_second",
    "Requests the global load balancer sent the region per second, every geography together.",
    t.regions.map((r) => [{ region: r.id }, r.requestsPerSecond]),
  );
  gauge(
    "lb_region_error_ratio",
    "Share of the region's answers that were 5xx or failed connections, 0-1.",
    t.regions.map((r) => [{ region: r.id }, r.errorRate]),
  );
  gauge(
    "lb_region_response_seconds",
    "The global load balancer's average response time for the region, seconds.",
    t.regions.map((r) => [{ region: r.id }, ms(r.avgResponseMs)]),
  );
  gauge(
    "user_requests_per_second",
    "Requests the geography's users sent per second over the users' window.",
    t.geographies.map((g) => [{ geography: g.id }, g.requestsPerSecond]),
  );
  gauge(
    "user_error_ratio",
    "Share of the geography's users' requests that got no answer or a 5xx, 0-1.",
    t.geographies.map((g) => [{ geography: g.id }, g.errorRate]),
  );
  gauge(
    "user_latency_p95_seconds",
    "95th percentile of the latency the geography's users saw, seconds.",
    t.geographies.map((g) => [{ geography: g.id }, ms(g.p95Ms)]),
  );
  gauge(
    "user_served_ratio",
    "Share of the geography's users' successful answers each region gave, 0-1.",
    t.geographies
      .filter((g) => Object.keys(g.shares).length > 0)
      .flatMap((g) => g.order.map((r): Rows[number] => [{ geography: g.id, region: r }, g.shares[r] ?? 0])),
  );
  gauge("global_health_up", "1 when the global health check (the balancer's /health) answers 2xx, 0 otherwise.", [
    [{}, t.globalHealth.ok ? 1 : 0],
  ]);
}
