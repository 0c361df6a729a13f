import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { freshDatabase } from "@/tests/support/fresh-database";

/** A region API that accepts connections and never answers must not hold up the other regions or any read. */

const labDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-hung-lab-"));
const sockets: Socket[] = [];
const hung = createServer((s) => sockets.push(s)); // accepts, never writes
await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
const hungUrl = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.POLL_INTERVAL = "500";
delete process.env.ALERT_WEBHOOK_URL;

let collector: { stop(): void } | undefined;
let getDbClose: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  await startLab({ labDir });
  // The operator's fleet file: the lab's, with eu-west-1's API swapped for the hung one.
  const fleet = JSON.parse(readFileSync(path.join(labDir, "fleet.json"), "utf8"));
  fleet.regions.find((r: { id: string }) => r.id === "eu-west-1").apiUrl = hungUrl;
  const fleetFile = path.join(labDir, "fleet-with-hung-api.json");
  writeFileSync(fleetFile, JSON.stringify(fleet));
  process.env.FLEET_CONFIG = fleetFile;
  const { leadingCollector } = await import("@/tests/support/collector-lease");
  const { getDb } = await import("@/server/db");
  getDbClose = async () => (await getDb()).close();
  collector = await leadingCollector();
});

afterAll(async () => {
  collector?.stop();
  sockets.forEach((s) => s.destroy());
  hung.close();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await getDbClose();
});

it("keeps probing the other regions every interval and keeps reads fast while one API hangs", async () => {
  const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
  const { getFleetConfig } = await import("@/server/fleet/config");
  const read = () => readFleetSnapshot(getFleetConfig());

  const slow = await waitFor("eu-west-1 reported slow and the others healthy", async () => {
    const s = await read();
    const eu = s.regions.find((r) => r.id === "eu-west-1");
    const othersHealthy = s.regions.filter((r) => r.id !== "eu-west-1").every((r) => r.status === "healthy");
    return othersHealthy && eu?.status === "degraded" && eu.reasons.some((x) => /Region API slow/.test(x))
      ? s
      : undefined;
  });
  // Its database is still probed: the hung API holds up nothing else in that region either.
  expect(slow.regions.find((r) => r.id === "eu-west-1")!.sample!.db).toMatchObject({ up: true, inRecovery: true });

  // Over the next 5 s the healthy regions are re-checked about every 500 ms, and every read answers at once.
  const seen: Record<string, Set<string>> = { "us-east-1": new Set(), "ap-southeast-1": new Set() };
  let slowestReadMs = 0;
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    const t = performance.now();
    const s = await read();
    slowestReadMs = Math.max(slowestReadMs, performance.now() - t);
    for (const id of Object.keys(seen)) {
      const r = s.regions.find((x) => x.id === id)!;
      expect(r.status, `${id}: ${r.reasons.join("; ")}`).toBe("healthy");
      seen[id]!.add(r.checkedAt!);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const id of Object.keys(seen)) expect(seen[id]!.size, `${id} re-checked`).toBeGreaterThanOrEqual(7);
  expect(slowestReadMs).toBeLessThan(250);
});
