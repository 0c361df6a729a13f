import "server-only";
import type { FleetConfig } from "@/lib/fleet-config";
import type { DerivedHealth, HealthState, RegionProbe, RegionsResponse, RegionView } from "@/lib/region-health";
import { getDb } from "@/server/db";

type Observed = {
  api: { up: boolean; latencyMs: number | null; error?: string };
  db: { up: boolean; inRecovery: boolean | null; error?: string } | null;
};

type Row = {
  region_id: string;
  status: HealthState;
  reasons: string[];
  observed: Observed;
  last_seen_at: Date | null;
  checked_at: Date;
  changed_at: Date;
};

function observedOf(p: RegionProbe): Observed {
  return {
    api: p.api.up ? { up: true, latencyMs: Math.round(p.api.latencyMs) } : { up: false, latencyMs: null, error: p.api.error },
    db: p.db === null ? null : p.db.up ? { up: true, inRecovery: p.db.inRecovery } : { up: false, inRecovery: null, error: p.db.error },
  };
}

/** Stores one region's latest derived status; last seen moves only when something in the region answered. */
export async function recordRegionStatus(regionId: string, probe: RegionProbe, health: DerivedHealth, at: Date): Promise<void> {
  const db = await getDb();
  const seen = probe.api.up || probe.db?.up === true;
  await db.query(
    `insert into region_status (region_id, status, reasons, observed, last_seen_at, checked_at, changed_at)
     values ($1, $2, $3, $4, case when $5 then $6::timestamptz end, $6, $6)
     on conflict (region_id) do update set
       status = excluded.status,
       reasons = excluded.reasons,
       observed = excluded.observed,
       last_seen_at = coalesce(excluded.last_seen_at, region_status.last_seen_at),
       checked_at = excluded.checked_at,
       changed_at = case when region_status.status = excluded.status then region_status.changed_at else excluded.changed_at end`,
    [regionId, health.status, JSON.stringify(health.reasons), JSON.stringify(observedOf(probe)), seen, at.toISOString()],
  );
}

/** Every configured region with its latest status (null status: not yet checked). */
export async function readRegions(fleet: FleetConfig): Promise<RegionsResponse> {
  const db = await getDb();
  const r = await db.query<Row>("select * from region_status");
  const rows = new Map(r.rows.map((row) => [row.region_id, row]));
  const regions: RegionView[] = fleet.regions.map((cfg) => {
    const row = rows.get(cfg.id);
    const dbObs = row?.observed.db ?? null;
    return {
      id: cfg.id,
      displayName: cfg.displayName,
      role: cfg.role,
      observedRole: dbObs?.up && dbObs.inRecovery !== null ? (dbObs.inRecovery ? "replica" : "primary") : null,
      status: row?.status ?? null,
      reasons: row?.reasons ?? [],
      lastSeenAt: row?.last_seen_at?.toISOString() ?? null,
      checkedAt: row?.checked_at.toISOString() ?? null,
      changedAt: row?.changed_at.toISOString() ?? null,
      apiUrl: cfg.apiUrl,
      api: row ? { up: row.observed.api.up, latencyMs: row.observed.api.latencyMs } : null,
      db: dbObs ? { up: dbObs.up, inRecovery: dbObs.inRecovery } : null,
    };
  });
  return { generatedAt: new Date().toISOString(), simulated: fleet.simulated, regions };
}
