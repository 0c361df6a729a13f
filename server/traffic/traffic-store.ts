import "server-only";
import { chartRanges, type ChartRange } from "@/lib/fleet-sample";
import type { TrafficSnapshot } from "@/lib/traffic";
import { trafficPoints, type TrafficHistory } from "@/lib/traffic-view";
import { getDb } from "@/server/db";
import { FencedError, type Fence } from "@/server/fleet/leader";
import { LEASE_HELD } from "@/server/fleet/sample-store";

/** The numeric fields of a traffic chart point, a fixed list: SQL below is built from these names only. */
const POINT_FIELDS = ["requestsPerSecond", "errorRate", "avgResponseMs", "p95Ms", "homeShare"] as const;
const averagedPoint = `jsonb_strip_nulls(jsonb_build_object(${POINT_FIELDS.map((f) => `'${f}', avg((point->>'${f}')::float8)`).join(", ")}))`;

/**
 * Writes the latest traffic snapshot and, when `withHistory`, its chart points (one per region and geography).
 * As the samples (server/fleet/sample-store): each statement carries the writer's term and checks its lease
 * itself, a snapshot of a newer term is never overwritten, and a write of a term that no longer leads is refused
 * with FencedError. No transaction spans the two statements.
 */
export async function writeTraffic(snapshot: TrafficSnapshot, withHistory: boolean, fence: Fence): Promise<void> {
  if (!fence.holds()) throw new FencedError(fence.term);
  const db = await getDb();
  const written = await db.query(
    `insert into traffic_status (id, snapshot, at, term)
     select 1, $3::jsonb, $4::timestamptz, $1::bigint where ${LEASE_HELD}
     on conflict (id) do update set snapshot = excluded.snapshot, at = excluded.at, term = excluded.term
     where traffic_status.term <= excluded.term`,
    [fence.term, fence.holder, JSON.stringify(snapshot), snapshot.at],
  );
  if (written.rowCount === 0) throw new FencedError(fence.term);
  if (!withHistory) return;
  const points = trafficPoints(snapshot);
  const params: unknown[] = [fence.term, fence.holder, snapshot.at];
  const rows = [
    ...Object.entries(points.regions).map(([id, p]) => ["region", id, p] as const),
    ...Object.entries(points.geographies).map(([id, p]) => ["geography", id, p] as const),
  ].map(([kind, id, { at: _at, ...point }]) => {
    params.push(kind, id, JSON.stringify(point));
    const n = params.length;
    return `($${n - 2}, $${n - 1}, $${n}::jsonb)`;
  });
  if (!rows.length) return;
  await db.query(
    `insert into traffic_points (kind, id, at, point, term)
     select v.kind, v.id, $3::timestamptz, v.point, $1::bigint from (values ${rows.join(", ")}) as v(kind, id, point)
     where ${LEASE_HELD}
     on conflict do nothing`,
    params,
  );
}

/** The latest snapshot the collector stored, whoever wrote it; null before the first. */
export async function readLatestTraffic(): Promise<TrafficSnapshot | null> {
  const db = await getDb();
  const r = await db.query<{ snapshot: TrafficSnapshot }>("select snapshot from traffic_status where id = 1");
  return r.rows[0]?.snapshot ?? null;
}

/** Chart history: 15 min as written (a point every few seconds), 1 h in 20 s buckets, 24 h from the per-minute rollup. */
export async function readTrafficHistory(range: ChartRange, now = new Date()): Promise<TrafficHistory> {
  const db = await getDb();
  const since = new Date(now.getTime() - chartRanges[range] * 1000).toISOString();
  const q =
    range === "15m"
      ? { bucket: 5, sql: "select kind, id, at, point from traffic_points where at >= $1 order by at" }
      : range === "1h"
        ? {
            bucket: 20,
            sql: `select kind, id, date_bin('20 seconds', at, timestamptz 'epoch') as at, ${averagedPoint} as point
                  from traffic_points where at >= $1 group by 1, 2, 3 order by 3`,
          }
        : {
            bucket: 60,
            sql: "select kind, id, bucket as at, point from traffic_points_1m where bucket >= $1 order by bucket",
          };
  const r = await db.query<{
    kind: "region" | "geography";
    id: string;
    at: Date;
    point: Record<string, number | null>;
  }>(q.sql, [since]);
  const h: TrafficHistory = { range, bucketSeconds: q.bucket, regions: {}, geographies: {} };
  for (const row of r.rows) {
    const at = row.at.toISOString();
    const p = row.point;
    if (row.kind === "region")
      (h.regions[row.id] ??= []).push({
        at,
        requestsPerSecond: p.requestsPerSecond ?? null,
        errorRate: p.errorRate ?? null,
        avgResponseMs: p.avgResponseMs ?? null,
      });
    else
      (h.geographies[row.id] ??= []).push({
        at,
        requestsPerSecond: p.requestsPerSecond ?? null,
        errorRate: p.errorRate ?? null,
        p95Ms: p.p95Ms ?? null,
        homeShare: p.homeShare ?? null,
      });
  }
  return h;
}

/** Folds finished minutes of traffic points into the rollup and drops what is past its retention. Idempotent. */
export async function rollupAndPruneTraffic(
  now: Date,
  rawRetentionHours: number,
  rollupRetentionDays: number,
): Promise<void> {
  const db = await getDb();
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  await db.query(
    `insert into traffic_points_1m (kind, id, bucket, point, samples)
     select kind, id, date_trunc('minute', at), ${averagedPoint}, count(*)::int
     from traffic_points where at >= $1 and at < $2 group by 1, 2, 3
     on conflict (kind, id, bucket) do update set point = excluded.point, samples = excluded.samples`,
    [new Date(minute.getTime() - 10 * 60_000).toISOString(), minute.toISOString()],
  );
  await db.query("delete from traffic_points where at < $1", [
    new Date(now.getTime() - rawRetentionHours * 3_600_000).toISOString(),
  ]);
  await db.query("delete from traffic_points_1m where bucket < $1", [
    new Date(now.getTime() - rollupRetentionDays * 86_400_000).toISOString(),
  ]);
}
