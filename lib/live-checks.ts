import { cdnHitRateByProvider, ruleThreshold, type RuleSettingsMap } from "./alert-rules";
import type { FleetSnapshot } from "./fleet-view";
import type { TrafficSnapshot } from "./traffic";
import { formatPercent, formatRatio, formatSeconds } from "./units";

/**
 * Conditions a runbook step can name to tick itself: each reads the live fleet and says whether it holds
 * and what it saw, so the checklist shows the value observed and when. Lag and hit rates are judged by the
 * alert rules' thresholds as an admin set them, so a step ticks exactly when the matching alert is quiet.
 */
export const liveCheckIds = [
  "primary-unreachable",
  "replica-promoted",
  "writes-succeed",
  "replicas-streaming",
  "replication-lag-ok",
  "mirrors-healthy",
  "cdn-healthy",
  "cdn-disabled",
  "fleet-healthy",
  "traffic-failed-over",
] as const;
export type LiveCheckId = (typeof liveCheckIds)[number];

export interface CheckResult {
  holds: boolean;
  observed: string;
}

/** traffic-failed-over: at least this share of the primary region's users' answers come from other regions ... */
export const FAILED_OVER_SHARE = 0.9;
/** ... and fewer than this share of their requests fail. */
export const FAILED_OVER_MAX_ERROR_RATE = 0.01;

/** The thresholds the checks judge by: the alert rules' (`settings` as read from the store). */
function thresholdsOf(settings: RuleSettingsMap) {
  return {
    lagSeconds: ruleThreshold(settings, "replication-lag"),
    mirrorHitRate: ruleThreshold(settings, "mirror-hit-rate"),
    cdnHitRate: ruleThreshold(settings, "cdn-cache-hit-rate"),
  };
}

/** What a check looks for, with the thresholds it judges by now. */
export function liveCheckLabel(id: LiveCheckId, settings: RuleSettingsMap): string {
  const t = thresholdsOf(settings);
  switch (id) {
    case "primary-unreachable":
      return "the configured primary's database refuses connections";
    case "replica-promoted":
      return "a promoted server answers pg_is_in_recovery() = false, the only one";
    case "writes-succeed":
      return "every region API writes to its database";
    case "replicas-streaming":
      return "every replica streams WAL from the primary";
    case "replication-lag-ok":
      return `every replica is at most ${t.lagSeconds} s behind`;
    case "mirrors-healthy":
      return `every mirror is up with a hit rate of at least ${t.mirrorHitRate} %`;
    case "cdn-healthy":
      return `no CDN outage and a cache hit rate of at least ${t.cdnHitRate} %`;
    case "cdn-disabled":
      return "the CDN is disabled where it is in outage (direct serving)";
    case "fleet-healthy":
      return "every region is healthy";
    case "traffic-failed-over":
      return `the primary region's users are served by another region (at least ${FAILED_OVER_SHARE * 100} % of their answers) with under ${FAILED_OVER_MAX_ERROR_RATE * 100} % errors`;
  }
}

/**
 * What a geography's users see, in one line: "americas: 100 % served by eu-west-1, 0.0 % errors, p95 14 ms";
 * several serving regions by share, "62 % served by us-east-1, 38 % by eu-west-1".
 */
export function describeUserImpact(g: TrafficSnapshot["geographies"][number]): string {
  const shares = Object.entries(g.shares)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
  const served = shares.length
    ? shares.map(([r, v], i) => `${formatRatio(v, 0)} ${i === 0 ? "served " : ""}by ${r}`).join(", ")
    : "no answers";
  const errors = g.errorRate === null ? "errors unknown" : `${formatRatio(g.errorRate)} errors`;
  const p95 = g.p95Ms === null ? "p95 unknown" : `p95 ${Math.round(g.p95Ms)} ms`;
  return `${g.id}: ${served}, ${errors}, ${p95}`;
}

/**
 * traffic-failed-over: the geography whose home is the primary region is served by other regions (their share of
 * its users' answers in the window at least FAILED_OVER_SHARE) and its users' error rate is under
 * FAILED_OVER_MAX_ERROR_RATE. Judged on the users' figures, never on the balancer's settings alone.
 */
function trafficFailedOver(s: FleetSnapshot, traffic: TrafficSnapshot | null): CheckResult {
  if (!traffic) return { holds: false, observed: "no current traffic figures (no balancer, or none collected lately)" };
  const primary = s.regions.find((r) => r.role === "primary");
  if (!primary) return { holds: false, observed: "no primary region configured" };
  const g = traffic.geographies.find((x) => x.home === primary.id);
  if (!g) return { holds: false, observed: `no geography has ${primary.id} as its home` };
  const elsewhere = Object.entries(g.shares)
    .filter(([r]) => r !== g.home)
    .reduce((a, [, v]) => a + v, 0);
  const answered = Object.keys(g.shares).length > 0;
  return {
    holds:
      answered &&
      elsewhere >= FAILED_OVER_SHARE - 1e-9 &&
      g.errorRate !== null &&
      g.errorRate < FAILED_OVER_MAX_ERROR_RATE,
    observed: describeUserImpact(g),
  };
}

/** Whether a check holds on the fleet `s` (and, for the traffic checks, the fresh global `traffic` snapshot). */
export function evaluateCheck(
  id: LiveCheckId,
  s: FleetSnapshot,
  settings: RuleSettingsMap,
  traffic: TrafficSnapshot | null = null,
): CheckResult {
  if (id === "traffic-failed-over") return trafficFailedOver(s, traffic);
  const t = thresholdsOf(settings);
  const regions = s.regions.filter((r) => r.sample);
  if (!regions.length) return { holds: false, observed: "no samples yet" };
  switch (id) {
    case "primary-unreachable": {
      const p = s.regions.find((r) => r.role === "primary");
      const db = p?.sample?.db;
      if (!p || !db) return { holds: false, observed: "no database probe of the primary" };
      return db.up
        ? { holds: false, observed: `${p.id}: database answers` }
        : { holds: true, observed: `${p.id}: ${db.error}` };
    }
    case "replica-promoted": {
      // After Switchyard promotes a replica it records it as the primary, so its role alone says nothing:
      // what holds is one server out of recovery again (a fix step ticks only after seeing this fail).
      const writable = s.regions.filter((r) => r.sample?.db?.up && !r.sample.db.inRecovery);
      if (writable.length === 1) return { holds: true, observed: `${writable[0]!.id}: pg_is_in_recovery() = f` };
      return {
        holds: false,
        observed: writable.length
          ? `${writable.length} servers accept writes: ${writable.map((r) => r.id).join(", ")}`
          : "no server accepts writes: every one is in recovery or down",
      };
    }
    case "writes-succeed": {
      const failing = regions.filter(
        (r) => !r.sample!.api.up || (r.sample!.api.up && r.sample!.api.health.db?.writable === false),
      );
      return {
        holds: failing.length === 0,
        observed: failing.length
          ? `writes failing in ${failing.map((r) => r.id).join(", ")}`
          : `${regions.length}/${regions.length} region APIs writing`,
      };
    }
    case "replicas-streaming": {
      const replicas = regions.filter((r) => r.sample!.db?.up && r.sample!.db.inRecovery);
      const notStreaming = s.regions.filter(
        (r) => r.role === "replica" && !replicas.some((x) => x.id === r.id && x.sample!.lag?.streaming),
      );
      const promoted = s.regions.filter((r) => r.sample?.db?.up && !r.sample.db.inRecovery).length;
      if (promoted !== 1) return { holds: false, observed: `${promoted} servers accept writes` };
      const streaming = replicas.filter((r) => r.sample!.lag?.streaming).map((r) => r.id);
      return {
        holds: streaming.length === s.regions.length - 1,
        observed: streaming.length
          ? `streaming: ${streaming.join(", ")}`
          : `not streaming: ${notStreaming.map((r) => r.id).join(", ")}`,
      };
    }
    case "replication-lag-ok": {
      const lags = regions.filter((r) => r.sample!.lag).map((r) => [r.id, r.sample!.lag!.seconds] as const);
      // As the replication-lag rule: a lag above the threshold is too much, one at it is not.
      const bad = lags.filter(([, v]) => v === null || v > t.lagSeconds);
      return {
        holds: lags.length > 0 && bad.length === 0,
        observed: lags.map(([id, v]) => `${id} ${v === null ? "unknown" : formatSeconds(v)}`).join(", "),
      };
    }
    case "mirrors-healthy": {
      const bad = regions.filter(
        (r) => !r.sample!.mirrors || r.sample!.mirrors.status !== "ok" || r.sample!.mirrors.hitRate < t.mirrorHitRate,
      );
      return {
        holds: bad.length === 0,
        observed: regions
          .map(
            (r) =>
              `${r.id} ${r.sample!.mirrors ? `${r.sample!.mirrors.status} ${r.sample!.mirrors.hitRate} %` : "unknown"}`,
          )
          .join(", "),
      };
    }
    case "cdn-healthy": {
      const rates = cdnHitRateByProvider(regions);
      const outage = regions.filter((r) => r.sample!.cdn?.enabled && r.sample!.cdn.status !== "ok");
      const low = Object.entries(rates).filter(([, v]) => v < t.cdnHitRate);
      return {
        holds: outage.length === 0 && low.length === 0 && Object.keys(rates).length > 0,
        observed:
          Object.entries(rates)
            .map(([p, v]) => `${p} ${formatPercent(v)}`)
            .join(", ") + (outage.length ? `; outage in ${outage.map((r) => r.id).join(", ")}` : ""),
      };
    }
    case "cdn-disabled": {
      const stillOn = regions.filter((r) => r.sample!.cdn?.enabled && r.sample!.cdn.status !== "ok");
      const disabled = regions.filter((r) => r.sample!.cdn && !r.sample!.cdn.enabled);
      return {
        holds: stillOn.length === 0 && disabled.length > 0,
        observed: disabled.length
          ? `CDN disabled in ${disabled.map((r) => r.id).join(", ")}`
          : "CDN enabled everywhere",
      };
    }
    case "fleet-healthy": {
      const bad = s.regions.filter((r) => r.status !== "healthy");
      return {
        holds: bad.length === 0,
        observed: bad.length ? bad.map((r) => `${r.id} ${r.status ?? "unchecked"}`).join(", ") : "every region healthy",
      };
    }
  }
}
