import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, inject, it } from "vitest";
import type { RegionSample } from "@/lib/fleet-sample";
import { fleetFileRegion as region, regionView } from "@/tests/support/fleet-fixtures";
import { freshDatabase } from "@/tests/support/fresh-database";

/**
 * The leader's own pages read what its collector judged before the store has it, and what it stored without
 * reading the store again; anything the store says that is newer wins. On a real PostgreSQL store, without the lab.
 */

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-fleet-service-"));
writeFileSync(
  path.join(dir, "fleet.json"),
  JSON.stringify({ version: 1, regions: [region("us-east-1", "primary", 9301), region("eu-west-1", "replica", 9302)] }),
);
process.env.FLEET_CONFIG = path.join(dir, "fleet.json");
process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));

const { announceHere, subscribe } = await import("@/server/events/bus");
const { cachedFleetSnapshot, showJudged, publishStoredStatuses } = await import("@/server/fleet/fleet-service");
const { readFleetSnapshot, writeSamples } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
const { getDb } = await import("@/server/db");

afterAll(async () => {
  await (await getDb()).close();
  rmSync(dir, { recursive: true, force: true });
});

const fence = { term: 1, holder: "fleet-service-test", holds: () => true };
const sampleOf = (id: string, status: "healthy" | "unhealthy", at: Date): RegionSample => {
  const s = regionView(id, { role: id === "us-east-1" ? "primary" : "replica", status }).sample!;
  return {
    ...s,
    at: at.toISOString(),
    // down: the whole host, its API and database both, so "last seen" stays at the last sample that reached it
    ...(status === "unhealthy"
      ? {
          api: { up: false, latencyMs: 1, timedOut: false, error: "connection refused" },
          db: { up: false, error: "terminating connection", errorCode: "57P01" },
        }
      : {}),
    health: { status, reasons: status === "unhealthy" ? ["Primary database unreachable: the server is stopping"] : [] },
  };
};
const shown = async (id: string) => (await cachedFleetSnapshot()).regions.find((r) => r.id === id)!;
const stored = async (id: string) => (await readFleetSnapshot(getFleetConfig())).regions.find((r) => r.id === id)!;

it("hands a listener on the bus the fleet as it is after the change it was told of, not the read before it", async () => {
  // A page's stream subscribes before anything has read the fleet here (the first viewer of a standby console).
  const seen: (string | null)[] = [];
  const unsubscribe = subscribe("fleet", () => {
    void cachedFleetSnapshot().then((s) => seen.push(s.regions.find((r) => r.id === "eu-west-1")!.status));
  });
  try {
    const db = await getDb();
    const write = (status: string) =>
      db.query(
        `insert into region_status (region_id, status, reasons, sample, checked_at, changed_at)
         values ('eu-west-1', $1, '[]', null, now(), now())
         on conflict (region_id) do update set status = $1, checked_at = now()`,
        [status],
      );
    await write("healthy");
    expect((await cachedFleetSnapshot()).regions.find((r) => r.id === "eu-west-1")!.status).toBe("healthy");
    // Another console wrote, and its NOTIFY arrives here as a fleet event.
    await write("degraded");
    announceHere("fleet");
    await expect.poll(() => seen.length).toBe(1);
    expect(seen).toEqual(["degraded"]);
  } finally {
    unsubscribe();
  }
});

it("shows a judged status on this console at once, keeps it when the store is written, and yields to newer rows", async () => {
  const db = await getDb();
  await db.query(
    "insert into collector_lease (id, term, holder, acquired_at, expires_at) values (1, 1, $1, now(), now() + interval '1 hour')",
    [fence.holder],
  );
  const t0 = new Date(Date.now() - 1_500);
  publishStoredStatuses(
    await writeSamples([sampleOf("us-east-1", "healthy", t0), sampleOf("eu-west-1", "healthy", t0)], [], fence),
  );
  expect((await shown("us-east-1")).status).toBe("healthy");

  // Judged down: shown here before any write, with the moment it changed, and told at once to the pages' streams
  // (which read on the event); the store still says healthy.
  const t1 = new Date(t0.getTime() + 1_000);
  const told: Promise<string | null>[] = [];
  const unsubscribe = subscribe("fleet", () => told.push(shown("us-east-1").then((r) => r.status)));
  showJudged(sampleOf("us-east-1", "unhealthy", t1));
  unsubscribe();
  expect(await Promise.all(told)).toEqual(["unhealthy"]);
  const judged = await shown("us-east-1");
  expect(judged).toMatchObject({ status: "unhealthy", changedAt: t1.toISOString(), checkedAt: t1.toISOString() });
  expect(judged.reasons[0]).toContain("the server is stopping");
  expect(judged.lastSeenAt).toBe(t0.toISOString());
  expect((await stored("us-east-1")).status).toBe("healthy");
  expect((await shown("eu-west-1")).status).toBe("healthy");

  // Written: the rows the write returns are what this console shows, the same as a read of the store.
  publishStoredStatuses(await writeSamples([sampleOf("us-east-1", "unhealthy", t1)], [], fence));
  const after = await shown("us-east-1");
  const read = await stored("us-east-1");
  expect(read.status).toBe("unhealthy");
  expect({ ...after, ageSeconds: 0 }).toEqual({ ...read, ageSeconds: 0 });

  // A judgement older than what the store has (another leader wrote since) never hides the store's row.
  showJudged(sampleOf("us-east-1", "healthy", new Date(t1.getTime() - 500)));
  expect((await shown("us-east-1")).status).toBe("unhealthy");
});
