import { afterAll, expect, inject, it } from "vitest";
import type { TrafficSnapshot } from "@/lib/traffic";
import { freshDatabase } from "@/tests/support/fresh-database";

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
const { getDb } = await import("@/server/db");
const { FencedError } = await import("@/server/fleet/leader");
const { readLatestTraffic, readTrafficHistory, rollupAndPruneTraffic, writeTraffic } =
  await import("@/server/traffic/traffic-store");
afterAll(async () => (await getDb()).close());

const snapshot = (at: string, rps: number): TrafficSnapshot => ({
  at,
  balancer: { kind: "haproxy", reachable: true, error: null },
  globalHealth: { ok: true, status: 200, latencyMs: 3, servedBy: "us-east-1", error: null },
  regions: [
    {
      id: "us-east-1",
      state: "up",
      check: "L7OK 200",
      weight: 100,
      requestsPerSecond: rps,
      errorRate: 0,
      avgResponseMs: 3,
    },
  ],
  geographies: [
    {
      id: "americas",
      displayName: "Americas",
      home: "us-east-1",
      order: ["us-east-1"],
      requestsPerSecond: rps,
      errorRate: 0,
      p50Ms: 5,
      p95Ms: 20,
      shares: { "us-east-1": 1 },
      servedBy: "us-east-1",
    },
  ],
  usersWindowSeconds: 10,
});

async function lease(holder: string, term: number) {
  await (
    await getDb()
  ).query(
    `insert into collector_lease (id, holder, term, acquired_at, expires_at) values (1, $1, $2, now(), now() + interval '1 hour')
     on conflict (id) do update set holder = excluded.holder, term = excluded.term, expires_at = excluded.expires_at`,
    [holder, term],
  );
  return { holder, term, holds: () => true };
}

it("writes the latest snapshot under the lease's term and refuses a term that no longer leads", async () => {
  const a = await lease("console-a", 1);
  await writeTraffic(snapshot("2026-12-03T10:00:00.000Z", 10), true, a);
  expect((await readLatestTraffic())?.at).toBe("2026-12-03T10:00:00.000Z");
  const b = await lease("console-b", 2);
  await expect(writeTraffic(snapshot("2026-12-03T10:00:01.000Z", 11), true, a)).rejects.toBeInstanceOf(FencedError);
  await writeTraffic(snapshot("2026-12-03T10:00:02.000Z", 12), false, b);
  expect(await readLatestTraffic()).toMatchObject({
    at: "2026-12-03T10:00:02.000Z",
    regions: [{ requestsPerSecond: 12 }],
  });
  const points = await (await getDb()).query<{ term: number }>("select term::int from traffic_points order by at");
  expect(points.rows.map((r) => r.term)).toEqual([1, 1]);
  await expect(
    writeTraffic(snapshot("2026-12-03T10:00:03.000Z", 13), false, { ...b, holds: () => false }),
  ).rejects.toBeInstanceOf(FencedError);
});

it("folds finished minutes into averages, keeps raw points only for their retention, and serves each chart range", async () => {
  const db = await getDb();
  await db.query("delete from traffic_points");
  const now = new Date("2026-12-03T12:00:30Z");
  // Three hours of points every 20 s: requests rising 0, 10, 20 within each minute.
  const f = await lease("console-c", 3);
  for (let i = 0, t = now.getTime() - 3 * 3_600_000; t < now.getTime(); i++, t += 20_000)
    await writeTraffic(snapshot(new Date(t).toISOString(), (i % 3) * 10), true, f);
  for (let m = 170; m >= 0; m -= 10) await rollupAndPruneTraffic(new Date(now.getTime() - m * 60_000), 2, 30);

  const raw = await db.query<{ oldest: Date }>("select min(at) as oldest from traffic_points");
  expect(raw.rows[0]!.oldest.getTime()).toBeGreaterThanOrEqual(now.getTime() - 2 * 3_600_000);
  const minutes = await db.query<{ n: number; rps: number; samples: number }>(
    "select count(*)::int as n, avg((point->>'requestsPerSecond')::float8) as rps, max(samples) as samples from traffic_points_1m where kind = 'region'",
  );
  expect(minutes.rows[0]!.n).toBeGreaterThanOrEqual(175);
  expect(minutes.rows[0]!.rps).toBeCloseTo(10, 1);
  expect(minutes.rows[0]!.samples).toBe(3);

  const h15 = await readTrafficHistory("15m", now);
  expect(h15.bucketSeconds).toBe(5);
  expect(h15.regions["us-east-1"]!.length).toBe(45);
  expect(h15.geographies.americas!.at(-1)).toMatchObject({ p95Ms: 20, homeShare: 1 });
  const h1 = await readTrafficHistory("1h", now);
  expect(h1.bucketSeconds).toBe(20);
  expect(h1.regions["us-east-1"]!.length).toBe(180);
  const h24 = await readTrafficHistory("24h", now);
  expect(h24.bucketSeconds).toBe(60);
  expect(h24.geographies.americas!.length).toBeGreaterThanOrEqual(175);
  expect(h24.geographies.americas![10]).toMatchObject({ requestsPerSecond: 10, p95Ms: 20, homeShare: 1 });
  expect(h24.regions["us-east-1"]![10]).toMatchObject({ requestsPerSecond: 10, avgResponseMs: 3 });
});
