import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { injectFault, resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/** Without PostgreSQL server binaries the lab simulates its database tier; the console says so and still tells faults apart. */

const labDir = await ownLabAndStore("simulated");
process.env.POLL_INTERVAL = "500";
delete process.env.ALERT_WEBHOOK_URL;

const { leadingCollector } = await import("@/tests/support/collector-lease");
const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
const { getDb } = await import("@/server/db");
let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;

const until = (what: string, check: (s: FleetSnapshot) => boolean) =>
  waitFor(
    what,
    async () => {
      const s = await readFleetSnapshot(getFleetConfig());
      return check(s) ? s : undefined;
    },
    { timeoutMs: 30_000 },
  );

beforeAll(async () => {
  await startLab({ labDir, simulated: true });
  collector = await leadingCollector();
});

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
});

it("labels the fleet simulated, reads health from the region APIs, and still sees a stopped primary", async () => {
  const healthy = await until("every simulated region healthy", (s) => s.regions.every((r) => r.status === "healthy"));
  expect(healthy.simulated).toBe(true);
  expect(healthy.regions.every((r) => r.sample!.db === null)).toBe(true);
  await injectFault("us-east-1", "db-down", { labDir });
  const down = await until(
    "us-east-1 unhealthy",
    (s) => s.regions.find((r) => r.id === "us-east-1")!.status === "unhealthy",
  );
  expect(down.regions.find((r) => r.id === "us-east-1")!.reasons[0]).toMatch(/Primary database unreachable/);
  await injectFault("us-east-1", "recover", { labDir });
  await until("healthy again", (s) => s.regions.every((r) => r.status === "healthy"));
});
