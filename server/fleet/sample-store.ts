import "server-only";
import { slotName, type FleetConfig } from "@/lib/fleet-config";
import { chartRanges, toPoint, type ChartRange, type RegionSample, type SamplePoint } from "@/lib/fleet-sample";
import type { AlertView, FleetSnapshot, RegionView } from "@/lib/fleet-view";
import { snapshotAt, staleAfterMs } from "@/lib/freshness";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { notice } from "@/server/events/bus";
import { readFiringAlerts } from "@/server/alerts/alert-store";
import { FencedError, type Fence } from "./leader";

/** The numeric fields of a chart point, a fixed list: SQL below is built from these names only. */
const POINT_FIELDS = [
  "lagSeconds",
  "lagBytes",
  "mirrorHitRate",
  "cdnHitRate",
  "bandwidthBytesPerSecond",
  "directBytesPerSecond",
  "costRateUsdPerHour",
  "apiLatencyMs",
] as const;
const averagedPoint = `jsonb_build_object(${POINT_FIELDS.map((f) => `'${f}', avg((point->>'${f}')::float8)`).join(", ")})`;

/** The writer's lease as a condition inside each write's own statement ($1 term, $2 holder). */
export const LEASE_HELD =
  "exists (select 1 from collector_lease where id = 1 and term = $1 and holder = $2 and expires_at > now())";

/** A region's row as the snapshot reads it (and a write returns it). */
export type StatusRow = {
  region_id: string;
  status: RegionView["lastStatus"];
  reasons: string[];
  sample: RegionSample | null;
  last_seen_at: Date | null;
  checked_at: Date;
  changed_at: Date;
};

const STATUS_COLUMNS = "region_id, status, reasons, sample, last_seen_at, checked_at, changed_at";

/**
 * Writes the latest samples (one upsert for all) and, at most once a second per region, a history point, in one
 * statement that also tells the other consoles (NOTIFY, delivered when it commits): a standby's viewers wait on no
 * round trip of this console's after the write. The statement carries the writer's term and checks its lease
 * itself, and a row already written by a newer term is never overwritten: a write of a term that no longer leads
 * writes nothing, tells nobody, and is refused with FencedError, so the figures of two leaders never mix. No
 * transaction is held open across round trips, so a leader frozen mid-write holds no lock that would keep a
 * standby from taking the lease.
 */
export async function writeSamples(
  samples: RegionSample[],
  withHistory: RegionSample[],
  fence: Fence,
): Promise<StatusRow[]> {
  if (!samples.length) return [];
  if (!fence.holds()) throw new FencedError(fence.term);
  const db = await getDb();
  const params: unknown[] = [fence.term, fence.holder, ...notice("fleet")];
  const values = (rows: unknown[][], casts: string[]) =>
    rows
      .map((row) => {
        params.push(...row);
        const n = params.length - row.length;
        return `(${casts.map((c, i) => `$${n + i + 1}${c}`).join(", ")})`;
      })
      .join(", ");
  const statuses = values(
    samples.map((s) => {
      // The last position this server reported as a primary: a promotion's pre-flight estimates data loss from it.
      const asPrimary =
        s.db?.up && !s.db.inRecovery ? { primaryLsn: s.db.currentLsn, timeline: s.db.timeline, at: s.at } : {};
      const seen = reachedRegion(s) ? s.at : null;
      return [
        s.regionId,
        s.health.status,
        JSON.stringify(s.health.reasons),
        JSON.stringify(asPrimary),
        JSON.stringify(s),
        seen,
        s.at,
      ];
    }),
    ["", "", "::jsonb", "::jsonb", "::jsonb", "::timestamptz", "::timestamptz"],
  );
  // A data-modifying CTE (history, written) runs whether or not the final select reads it; a plain one (told) runs
  // only because the select joins it: one notice, and none when nothing was written.
  const history = withHistory.length
    ? `history as (
         insert into region_samples (region_id, at, point, term)
         select v.region_id, v.at, v.point, $1::bigint
         from (values ${values(
           withHistory.map((s) => [s.regionId, s.at, JSON.stringify(toPoint(s))]),
           ["", "::timestamptz", "::jsonb"],
         )}) as v(region_id, at, point)
         where ${LEASE_HELD}
         on conflict do nothing
       ),`
    : "";
  const written = await db.query<StatusRow>(
    `with ${history}
     written as (
       insert into region_status (region_id, status, reasons, observed, sample, last_seen_at, checked_at, changed_at, term)
       select v.region_id, v.status, v.reasons, v.observed, v.sample, v.last_seen_at, v.checked_at, v.checked_at, $1::bigint
       from (values ${statuses}) as v(region_id, status, reasons, observed, sample, last_seen_at, checked_at)
       where ${LEASE_HELD}
       on conflict (region_id) do update set
         status = excluded.status,
         reasons = excluded.reasons,
         observed = case when excluded.observed = '{}'::jsonb then region_status.observed else excluded.observed end,
         sample = excluded.sample,
         last_seen_at = coalesce(excluded.last_seen_at, region_status.last_seen_at),
         checked_at = excluded.checked_at,
         changed_at = case when region_status.status = excluded.status then region_status.changed_at else excluded.changed_at end,
         term = excluded.term
       where region_status.term <= excluded.term
       returning ${STATUS_COLUMNS}
     ),
     told as materialized (select pg_notify($3, $4) from written limit 1)
     select written.* from written left join told on true`,
    params,
  );
  if (!written.rows.length) throw new FencedError(fence.term);
  return written.rows;
}

/**
 * Every configured region with its latest status and sample (null status: not yet checked) and the age of
 * that sample, stale regions marked as such (lib/freshness), and the alerts firing.
 */
export async function readFleetSnapshot(
  fleet: FleetConfig,
  staleAfterSeconds = staleAfterMs(env.POLL_INTERVAL) / 1000,
): Promise<FleetSnapshot> {
  const db = await getDb();
  const [r, alerts] = await Promise.all([
    db.query<StatusRow>(`select ${STATUS_COLUMNS} from region_status`),
    readFiringAlerts(),
  ]);
  return snapshotAt(
    {
      generatedAt: new Date().toISOString(),
      simulated: fleet.simulated,
      staleAfterSeconds,
      regions: regionViews(fleet, r.rows),
      alerts: alerts satisfies AlertView[],
    },
    Date.now(),
  );
}

/** The sample reached the region (its API or its database answered): its moment becomes the region's last seen. */
const reachedRegion = (s: RegionSample) => s.api.up || s.db?.up === true;

/**
 * A judged sample as its row will read once written: last seen and changed-at carried from the region's previous
 * view, as writeSamples's upsert carries them.
 */
export function judgedRow(s: RegionSample, previous: RegionView | undefined): StatusRow {
  const at = new Date(s.at);
  return {
    region_id: s.regionId,
    status: s.health.status,
    reasons: s.health.reasons,
    sample: s,
    last_seen_at: reachedRegion(s) ? at : previous?.lastSeenAt ? new Date(previous.lastSeenAt) : null,
    checked_at: at,
    changed_at: previous?.changedAt && previous.lastStatus === s.health.status ? new Date(previous.changedAt) : at,
  };
}

/**
 * Every configured region as the snapshot shows it, from its row (none yet: not yet checked); `previous` keeps the
 * views of regions that `rows` leaves out.
 */
export function regionViews(fleet: FleetConfig, rows: StatusRow[], previous: RegionView[] = []): RegionView[] {
  const byId = new Map(rows.map((row) => [row.region_id, row]));
  const previousById = new Map(previous.map((v) => [v.id, v]));
  return fleet.regions.map((cfg) => {
    const row = byId.get(cfg.id);
    const kept = row ? undefined : previousById.get(cfg.id);
    if (kept) return kept;
    const sdb = row?.sample?.db;
    return {
      id: cfg.id,
      displayName: cfg.displayName,
      role: cfg.role,
      observedRole: sdb?.up ? (sdb.inRecovery ? "replica" : "primary") : null,
      status: row?.status ?? null,
      lastStatus: row?.status ?? null,
      ageSeconds: null,
      reasons: row?.reasons ?? [],
      lastSeenAt: row?.last_seen_at?.toISOString() ?? null,
      checkedAt: row?.checked_at.toISOString() ?? null,
      changedAt: row?.changed_at.toISOString() ?? null,
      apiUrl: cfg.apiUrl,
      cdnProvider: cfg.cdn.provider,
      slot: slotName(cfg),
      sample: row?.sample ?? null,
    };
  });
}

export type History = { range: ChartRange; bucketSeconds: number; series: Record<string, SamplePoint[]> };

/** Chart history: 15 min at full resolution, 1 h in 10 s buckets, 24 h from the per-minute rollup. */
export async function readHistory(range: ChartRange, now = new Date()): Promise<History> {
  const db = await getDb();
  const since = new Date(now.getTime() - chartRanges[range] * 1000).toISOString();
  const q =
    range === "15m"
      ? { bucket: 1, sql: "select region_id, at, point from region_samples where at >= $1 order by at" }
      : range === "1h"
        ? {
            bucket: 10,
            sql: `select region_id, date_bin('10 seconds', at, timestamptz 'epoch') as at, ${averagedPoint} as point
                  from region_samples where at >= $1 group by 1, 2 order by 2`,
          }
        : {
            bucket: 60,
            sql: "select region_id, bucket as at, point from region_samples_1m where bucket >= $1 order by bucket",
          };
  const r = await db.query<{ region_id: string; at: Date; point: Omit<SamplePoint, "at"> }>(q.sql, [since]);
  const series: Record<string, SamplePoint[]> = {};
  for (const row of r.rows) (series[row.region_id] ??= []).push({ ...row.point, at: row.at.toISOString() });
  return { range, bucketSeconds: q.bucket, series };
}

/** Folds finished minutes into the rollup and drops what is past its retention. Idempotent. */
export async function rollupAndPrune(now: Date, rawRetentionHours: number, rollupRetentionDays: number): Promise<void> {
  const db = await getDb();
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  await db.query(
    `insert into region_samples_1m (region_id, bucket, point, samples)
     select region_id, date_trunc('minute', at), ${averagedPoint}, count(*)::int
     from region_samples where at >= $1 and at < $2 group by 1, 2
     on conflict (region_id, bucket) do update set point = excluded.point, samples = excluded.samples`,
    [new Date(minute.getTime() - 10 * 60_000).toISOString(), minute.toISOString()],
  );
  await db.query("delete from region_samples where at < $1", [
    new Date(now.getTime() - rawRetentionHours * 3_600_000).toISOString(),
  ]);
  await db.query("delete from region_samples_1m where bucket < $1", [
    new Date(now.getTime() - rollupRetentionDays * 86_400_000).toISOString(),
  ]);
}

/** The newest WAL position any region reported while it was primary (the dead primary's last word). */
export async function lastKnownPrimaryPosition(): Promise<{
  regionId: string;
  lsn: string;
  timeline: number;
  at: string;
} | null> {
  const db = await getDb();
  const r = await db.query<{ region_id: string; observed: { primaryLsn?: string; timeline?: number; at?: string } }>(
    "select region_id, observed from region_status where observed ? 'primaryLsn' order by (observed->>'at')::timestamptz desc limit 1",
  );
  const row = r.rows[0];
  if (!row?.observed.primaryLsn) return null;
  return {
    regionId: row.region_id,
    lsn: row.observed.primaryLsn,
    timeline: Number(row.observed.timeline ?? 0),
    at: String(row.observed.at),
  };
}
