import { cdnHitRateByProvider } from "./alert-rules";
import type { FleetSnapshot } from "./fleet-view";

/**
 * Conditions a runbook step can name to tick itself: each reads the live fleet and says whether it holds
 * and what it saw, so the checklist shows the value observed and when.
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
] as const;
export type LiveCheckId = (typeof liveCheckIds)[number];

export interface CheckResult {
  holds: boolean;
  observed: string;
}

export const liveCheckLabels: Record<LiveCheckId, string> = {
  "primary-unreachable": "the configured primary's database refuses connections",
  "replica-promoted": "a promoted server answers pg_is_in_recovery() = false, the only one",
  "writes-succeed": "every region API writes to its database",
  "replicas-streaming": "every replica streams WAL from the primary",
  "replication-lag-ok": "every replica is less than 5 s behind",
  "mirrors-healthy": "every mirror is up with a hit rate of at least 60 %",
  "cdn-healthy": "no CDN outage and a cache hit rate of at least 70 %",
  "cdn-disabled": "the CDN is disabled where it is in outage (direct serving)",
  "fleet-healthy": "every region is healthy",
};

export function evaluateCheck(id: LiveCheckId, s: FleetSnapshot): CheckResult {
  const regions = s.regions.filter((r) => r.sample);
  if (!regions.length) return { holds: false, observed: "no samples yet" };
  switch (id) {
    case "primary-unreachable": {
      const p = s.regions.find((r) => r.role === "primary");
      const db = p?.sample?.db;
      if (!p || !db) return { holds: false, observed: "no database probe of the primary" };
      return db.up ? { holds: false, observed: `${p.id}: database answers` } : { holds: true, observed: `${p.id}: ${db.error}` };
    }
    case "replica-promoted": {
      // After Switchyard promotes a replica it records it as the primary, so its role alone says nothing:
      // what holds is one server out of recovery again (a fix step ticks only after seeing this fail).
      const writable = s.regions.filter((r) => r.sample?.db?.up && !r.sample.db.inRecovery);
      if (writable.length === 1) return { holds: true, observed: `${writable[0]!.id}: pg_is_in_recovery() = f` };
      return { holds: false, observed: writable.length ? `${writable.length} servers accept writes: ${writable.map((r) => r.id).join(", ")}` : "no server accepts writes: every one is in recovery or down" };
    }
    case "writes-succeed": {
      const failing = regions.filter((r) => !r.sample!.api.up || (r.sample!.api.up && r.sample!.api.health.db?.writable === false));
      return { holds: failing.length === 0, observed: failing.length ? `writes failing in ${failing.map((r) => r.id).join(", ")}` : `${regions.length}/${regions.length} region APIs writing` };
    }
    case "replicas-streaming": {
      const replicas = regions.filter((r) => r.sample!.db?.up && r.sample!.db.inRecovery);
      const notStreaming = s.regions.filter((r) => r.role === "replica" && !replicas.some((x) => x.id === r.id && x.sample!.lag?.streaming));
      const promoted = s.regions.filter((r) => r.sample?.db?.up && !r.sample.db.inRecovery).length;
      if (promoted !== 1) return { holds: false, observed: `${promoted} servers accept writes` };
      const streaming = replicas.filter((r) => r.sample!.lag?.streaming).map((r) => r.id);
      return { holds: streaming.length === s.regions.length - 1, observed: streaming.length ? `streaming: ${streaming.join(", ")}` : `not streaming: ${notStreaming.map((r) => r.id).join(", ")}` };
    }
    case "replication-lag-ok": {
      const lags = regions.filter((r) => r.sample!.lag).map((r) => [r.id, r.sample!.lag!.seconds] as const);
      const bad = lags.filter(([, v]) => v === null || v >= 5);
      return { holds: lags.length > 0 && bad.length === 0, observed: lags.map(([id, v]) => `${id} ${v === null ? "unknown" : `${v.toFixed(1)} s`}`).join(", ") };
    }
    case "mirrors-healthy": {
      const bad = regions.filter((r) => !r.sample!.mirrors || r.sample!.mirrors.status !== "ok" || r.sample!.mirrors.hitRate < 60);
      return { holds: bad.length === 0, observed: regions.map((r) => `${r.id} ${r.sample!.mirrors ? `${r.sample!.mirrors.status} ${r.sample!.mirrors.hitRate} %` : "unknown"}`).join(", ") };
    }
    case "cdn-healthy": {
      const rates = cdnHitRateByProvider(regions);
      const outage = regions.filter((r) => r.sample!.cdn?.enabled && r.sample!.cdn.status !== "ok");
      const low = Object.entries(rates).filter(([, v]) => v < 70);
      return {
        holds: outage.length === 0 && low.length === 0 && Object.keys(rates).length > 0,
        observed: Object.entries(rates).map(([p, v]) => `${p} ${v.toFixed(1)} %`).join(", ") + (outage.length ? `; outage in ${outage.map((r) => r.id).join(", ")}` : ""),
      };
    }
    case "cdn-disabled": {
      const stillOn = regions.filter((r) => r.sample!.cdn?.enabled && r.sample!.cdn.status !== "ok");
      const disabled = regions.filter((r) => r.sample!.cdn && !r.sample!.cdn.enabled);
      return { holds: stillOn.length === 0 && disabled.length > 0, observed: disabled.length ? `CDN disabled in ${disabled.map((r) => r.id).join(", ")}` : "CDN enabled everywhere" };
    }
    case "fleet-healthy": {
      const bad = s.regions.filter((r) => r.status !== "healthy");
      return { holds: bad.length === 0, observed: bad.length ? bad.map((r) => `${r.id} ${r.status ?? "unchecked"}`).join(", ") : "every region healthy" };
    }
  }
}
