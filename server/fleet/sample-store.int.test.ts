import { afterAll, expect, inject, it } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
const { getDb } = await import("@/server/db");
const { rollupAndPrune, readHistory } = await import("@/server/fleet/sample-store");
afterAll(async () => (await getDb()).close());

it("folds finished minutes into averages, keeps raw points only for their retention, and serves each chart range", async () => {
  const db = await getDb();
  const now = new Date("2026-11-25T12:00:30Z");
  // Three hours of points every 20 s for one region: lag rising 0, 1, 2 within each minute.
  for (let i = 0, t = now.getTime() - 3 * 3_600_000; t < now.getTime(); i++, t += 20_000) {
    const lagSeconds = i % 3;
    await db.query("insert into region_samples (region_id, at, point) values ('eu-west-1', $1, $2)", [
      new Date(t).toISOString(),
      JSON.stringify({ lagSeconds, mirrorHitRate: 80 }),
    ]);
  }
  // The rollup folds the last ten finished minutes each pass; run it as the collector would have, minute by minute.
  for (let m = 170; m >= 0; m -= 10) await rollupAndPrune(new Date(now.getTime() - m * 60_000), 2, 30);

  const raw = await db.query<{ oldest: Date }>("select min(at) as oldest from region_samples");
  expect(raw.rows[0]!.oldest.getTime()).toBeGreaterThanOrEqual(now.getTime() - 2 * 3_600_000);
  const minutes = await db.query<{ n: number; lag: number; samples: number }>(
    "select count(*)::int as n, avg((point->>'lagSeconds')::float8) as lag, max(samples) as samples from region_samples_1m",
  );
  expect(minutes.rows[0]!.n).toBeGreaterThanOrEqual(175);
  expect(minutes.rows[0]!.lag).toBeCloseTo(1, 1);
  expect(minutes.rows[0]!.samples).toBe(3);

  const h15 = await readHistory("15m", now);
  expect(h15.bucketSeconds).toBe(1);
  expect(h15.series["eu-west-1"]!.length).toBe(45);
  const h1 = await readHistory("1h", now);
  expect(h1.bucketSeconds).toBe(10);
  expect(h1.series["eu-west-1"]!.length).toBe(180);
  const h24 = await readHistory("24h", now);
  expect(h24.bucketSeconds).toBe(60);
  expect(h24.series["eu-west-1"]!.length).toBeGreaterThanOrEqual(175);
  expect(h24.series["eu-west-1"]![10]).toMatchObject({ mirrorHitRate: 80, lagSeconds: 1 });
});
