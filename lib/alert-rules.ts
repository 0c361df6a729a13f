import type { RegionView } from "./fleet-view";
import { joinNames } from "./reachability";

/** The runbook's alert rules, evaluated by the console on every collector pass. */

export interface RunbookRef {
  id: string;
  title: string;
}

export interface AlertRuleDef {
  id: string;
  name: string;
  /** the runbook's rule, as Prometheus would write it */
  expr: string;
  comparator: ">" | "<" | null;
  defaultThreshold: number | null;
  unit: string;
  severity: "critical" | "warning";
  description: string;
}

export const alertRuleDefs: AlertRuleDef[] = [
  {
    id: "replication-lag",
    name: "Replication lag high",
    expr: "pg_replication_lag_seconds > 5",
    comparator: ">",
    defaultThreshold: 5,
    unit: "s",
    severity: "critical",
    description: "A replica is behind the primary by more than the threshold.",
  },
  {
    id: "replication-stopped",
    name: "Replication stopped",
    expr: "replication slot inactive or WAL receiver not streaming",
    comparator: null,
    defaultThreshold: null,
    unit: "",
    severity: "critical",
    description: "A replica receives no WAL: its receiver is not streaming or its slot on the primary is inactive.",
  },
  {
    id: "mirror-hit-rate",
    name: "Mirror hit rate low",
    expr: "mirror_hit_rate < 60",
    comparator: "<",
    defaultThreshold: 60,
    unit: "%",
    severity: "warning",
    description: "Too few clip requests are served from the region's mirror.",
  },
  {
    id: "cdn-cache-hit-rate",
    name: "CDN cache hit rate low",
    expr: "cdn_cache_hit_rate < 70",
    comparator: "<",
    defaultThreshold: 70,
    unit: "%",
    severity: "warning",
    description: "The CDN provider's cache serves too few requests (weighted over the regions that use it).",
  },
  {
    id: "region-unhealthy",
    name: "Region unhealthy",
    expr: 'region_health_status{status="unhealthy"} == 1',
    comparator: null,
    defaultThreshold: null,
    unit: "",
    severity: "critical",
    description: "A region cannot serve: its API is unreachable, or it is the primary and its database is down.",
  },
  {
    id: "region-unreachable-from-console",
    name: "Region unreachable from the console",
    expr: "region database unreachable from the console while a region API reaches it",
    comparator: null,
    defaultThreshold: null,
    unit: "",
    severity: "warning",
    description:
      "The console cannot reach a region's database but another vantage can: a network partition, not an outage. The region is degraded, not unhealthy.",
  },
  {
    id: "two-primaries",
    name: "Two primaries",
    expr: "count(pg_in_recovery == 0) > 1",
    comparator: null,
    defaultThreshold: null,
    unit: "",
    severity: "critical",
    description:
      "More than one region's database accepts writes (is out of recovery): a split brain. Fence all but the recorded primary.",
  },
];

export interface RuleSettings {
  threshold: number | null;
  forSeconds: number;
  enabled: boolean;
}

export type RuleSettingsMap = Record<string, RuleSettings>;

export function defaultRuleSettings(): RuleSettingsMap {
  return Object.fromEntries(
    alertRuleDefs.map((r) => [r.id, { threshold: r.defaultThreshold, forSeconds: 0, enabled: true }]),
  );
}

/** The rules with a threshold, which the live checks and region health judge by too. */
export type ThresholdRuleId = "replication-lag" | "mirror-hit-rate" | "cdn-cache-hit-rate";

/** A rule's threshold now: an admin's setting, else the runbook's default. */
export function ruleThreshold(settings: RuleSettingsMap, id: ThresholdRuleId): number {
  return settings[id]?.threshold ?? alertRuleDefs.find((r) => r.id === id)!.defaultThreshold!;
}

/** A condition that holds now; it fires once it has held for the rule's `for` duration. */
export interface Breach {
  ruleId: string;
  fingerprint: string;
  labels: Record<string, string>;
  value: number | null;
  summary: string;
  runbook: RunbookRef;
}

const runbooks = {
  lag: { id: "replication-lag-increasing", title: "Replication lag increasing" },
  stopped: { id: "replication-stopped", title: "Replication stopped" },
  mirrors: { id: "low-mirror-hit-rate", title: "Low mirror hit rate" },
  mirrorFailure: { id: "mirror-storage-failure", title: "Scenario 4: Mirror storage failure" },
  cdn: { id: "high-cache-miss-rate", title: "High cache miss rate" },
  cdnOutage: { id: "cdn-provider-outage", title: "Scenario 3: CDN provider outage" },
  dbFailure: { id: "primary-database-failure", title: "Scenario 2: Primary database failure" },
  degraded: { id: "primary-region-degraded", title: "Scenario 1: Primary region degraded" },
} satisfies Record<string, RunbookRef>;

const round = (n: number) => Math.round(n * 100) / 100;

/** Every breach in the fleet now, under the given settings. Pure: the engine adds `for` durations and storage. */
export function findBreaches(regions: RegionView[], settings: RuleSettingsMap): Breach[] {
  const out: Breach[] = [];
  const on = (id: string) => settings[id]?.enabled !== false;
  const threshold = (id: ThresholdRuleId) => ruleThreshold(settings, id);

  for (const r of regions) {
    const s = r.sample;
    if (!s) continue;
    const db = s.db?.up && s.db.inRecovery ? s.db : null;

    if (on("replication-lag") && s.lag?.seconds != null && s.lag.seconds > threshold("replication-lag")) {
      out.push({
        ruleId: "replication-lag",
        fingerprint: `replication-lag/${r.id}`,
        labels: { region: r.id },
        value: round(s.lag.seconds),
        summary: `${r.id} is ${round(s.lag.seconds)} s behind the primary (${s.lag.bytes ?? "?"} bytes)`,
        runbook: runbooks.lag,
      });
    }
    if (on("replication-stopped") && db && db.receiver?.status !== "streaming") {
      out.push({
        ruleId: "replication-stopped",
        fingerprint: `replication-stopped/${r.id}`,
        labels: { region: r.id },
        value: null,
        summary: `${r.id} receives no WAL: ${db.receiver ? `receiver ${db.receiver.status}` : "no WAL receiver"}`,
        runbook: runbooks.stopped,
      });
    }
    if (on("mirror-hit-rate") && s.mirrors && s.mirrors.hitRate < threshold("mirror-hit-rate")) {
      out.push({
        ruleId: "mirror-hit-rate",
        fingerprint: `mirror-hit-rate/${r.id}`,
        labels: { region: r.id },
        value: s.mirrors.hitRate,
        summary: `${r.id} mirror hit rate ${s.mirrors.hitRate} % (mirror ${s.mirrors.status})`,
        runbook: s.mirrors.status === "down" ? runbooks.mirrorFailure : runbooks.mirrors,
      });
    }
    const partitioned = s.reachability?.verdict === "partitioned-from-console";
    if (on("region-unreachable-from-console") && partitioned) {
      out.push({
        ruleId: "region-unreachable-from-console",
        fingerprint: `region-unreachable-from-console/${r.id}`,
        labels: { region: r.id },
        value: null,
        summary: s.reachability!.reason ?? `${r.id} is unreachable from the console only`,
        runbook: runbooks.degraded,
      });
    }
    // A partitioned region is degraded, and region-unreachable-from-console already says why.
    if (on("region-unhealthy") && r.status === "unhealthy" && !partitioned) {
      const dbDown = s.db && !s.db.up && r.role === "primary";
      out.push({
        ruleId: "region-unhealthy",
        fingerprint: `region-unhealthy/${r.id}`,
        labels: { region: r.id },
        value: 1,
        summary: `${r.id} is unhealthy: ${r.reasons.join("; ")}`,
        runbook: dbDown ? runbooks.dbFailure : runbooks.degraded,
      });
    }
  }

  // More than one database out of recovery: one breach for the fleet, named by the set.
  const writers = regions.filter((r) => r.sample?.db?.up && !r.sample.db.inRecovery);
  if (on("two-primaries") && writers.length > 1) {
    const ids = writers.map((r) => r.id);
    const sorted = [...ids].sort();
    const recorded = regions.find((r) => r.role === "primary")?.id ?? null;
    const others = ids.length === 2 ? "the other" : "the others";
    const advice =
      recorded === null
        ? "no region is recorded as primary: choose the one to keep, then fence the others"
        : ids.includes(recorded)
          ? `the recorded primary is ${recorded}: fence ${others}`
          : `the recorded primary ${recorded} is not one of them: choose the one to keep, then fence the others`;
    out.push({
      ruleId: "two-primaries",
      fingerprint: `two-primaries/${sorted.join(",")}`,
      labels: { regions: sorted.join(",") },
      value: writers.length,
      summary: `${joinNames(ids)} ${ids.length === 2 ? "both" : "all"} accept writes (out of recovery); ${advice}`,
      runbook: runbooks.dbFailure,
    });
  }

  // Slots on the primary that no replica streams through.
  const primary = regions.find((r) => r.sample?.db?.up && !r.sample.db.inRecovery);
  const pdb = primary?.sample?.db?.up && !primary.sample.db.inRecovery ? primary.sample.db : null;
  if (on("replication-stopped") && pdb) {
    for (const slot of pdb.slots.filter((sl) => !sl.active)) {
      const owner = regions.find((r) => r.slot === slot.name)?.id;
      const region = owner ?? slot.name;
      if (out.some((b) => b.fingerprint === `replication-stopped/${region}`)) continue;
      out.push({
        ruleId: "replication-stopped",
        fingerprint: `replication-stopped/${region}`,
        labels: { region, slot: slot.name },
        value: null,
        summary: `replication slot ${slot.name} on ${primary!.id} is inactive${owner ? "" : ": no region of the fleet streams through it"}`,
        runbook: runbooks.stopped,
      });
    }
  }

  if (on("cdn-cache-hit-rate")) {
    for (const [provider, hitRate] of Object.entries(cdnHitRateByProvider(regions))) {
      if (hitRate < threshold("cdn-cache-hit-rate")) {
        out.push({
          ruleId: "cdn-cache-hit-rate",
          fingerprint: `cdn-cache-hit-rate/${provider}`,
          labels: { provider },
          value: round(hitRate),
          summary: `${provider} cache hit rate ${round(hitRate)} %`,
          runbook: regions.some((r) => r.sample?.cdn?.provider === provider && r.sample.cdn.status === "outage")
            ? runbooks.cdnOutage
            : runbooks.cdn,
        });
      }
    }
  }
  return out;
}

/** cdn_cache_hit_rate{provider}: hit rate weighted by requests over the regions using each enabled provider. */
export function cdnHitRateByProvider(regions: RegionView[]): Record<string, number> {
  const acc: Record<string, { hits: number; requests: number; plain: number[] }> = {};
  for (const r of regions) {
    const c = r.sample?.cdn;
    if (!c || !c.enabled) continue;
    const a = (acc[c.provider] ??= { hits: 0, requests: 0, plain: [] });
    a.hits += (c.cacheHitRate / 100) * c.requestsPerSecond;
    a.requests += c.requestsPerSecond;
    a.plain.push(c.cacheHitRate);
  }
  return Object.fromEntries(
    Object.entries(acc).map(([p, a]) => [
      p,
      a.requests > 0 ? (100 * a.hits) / a.requests : a.plain.reduce((x, y) => x + y, 0) / a.plain.length,
    ]),
  );
}
