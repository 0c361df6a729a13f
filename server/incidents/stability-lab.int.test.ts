import { rmSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { defaultRuleSettings } from "@/lib/alert-rules";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { injectFault, resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * An incident's stability timer ("Monitor for stability", every region healthy for 15 minutes without a break) on
 * the real lab: the collector watches the real fleet, a real fault (a region API killed) breaks the timer and the
 * timeline says it starts over, and once the fault is cleared it ticks only after 15 minutes healthy. The live-check
 * passes run on the collector's own snapshots at times the test chooses, so the 15 minutes need no waiting.
 * Needs the lab: run it with the other lab tests (`npm run test:integration`), never beside another lab.
 */

const labDir = await ownLabAndStore("stability");
process.env.POLL_INTERVAL = "500";
delete process.env.PAGER_WEBHOOK_URL;
delete process.env.SLACK_WEBHOOK_URL;
delete process.env.ALERT_WEBHOOK_URL;

// The leading collector runs a live-check pass of its own each second at the wall clock's time, which would start
// and break the timer beside the test's passes. Its pass is switched off here (recorded, so the test can see the
// collector evaluating); the test runs the real one itself, on the collector's snapshots, at the times it chooses.
vi.mock("@/server/incidents/live-ticker", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/server/incidents/live-ticker")>()),
  tickLiveChecks: vi.fn(async () => 0),
}));
const collectorPass = vi.mocked((await import("@/server/incidents/live-ticker")).tickLiveChecks);
const { tickLiveChecks } = await vi.importActual<typeof import("@/server/incidents/live-ticker")>(
  "@/server/incidents/live-ticker",
);

const { leadingCollector } = await import("@/tests/support/collector-lease");
const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/incidents/incident-service");
const { readIncidentDetail } = await import("@/server/incidents/incident-store");
type User = import("@/server/auth/users").User;

const EU = "eu-west-1";
const AP = "ap-southeast-1";
const key = "incident-response/monitor-stability";

let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
let lead: User;
/** Regions with a fault still in: put back after each test, also when it failed. */
const faulted = new Set<string>();

const snapshot = () => readFleetSnapshot(getFleetConfig());
const status = (s: FleetSnapshot, id: string) => s.regions.find((r) => r.id === id)!.status;
const allHealthy = (s: FleetSnapshot) => s.regions.length === 3 && s.regions.every((r) => r.status === "healthy");

/** The collector's snapshot once `check` holds on it. */
function until(what: string, check: (s: FleetSnapshot) => boolean, timeoutMs = 60_000): Promise<FleetSnapshot> {
  return waitFor(
    what,
    async () => {
      const s = await snapshot();
      return check(s) ? s : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Kills `region`'s API and returns the collector's first snapshot that calls it unhealthy. */
async function killApi(region: string): Promise<FleetSnapshot> {
  faulted.add(region);
  await injectFault(region, "api-down", { labDir });
  return until(`${region} unhealthy`, (s) => status(s, region) === "unhealthy");
}

/** Starts `region`'s API again and returns the collector's first snapshot with every region healthy. */
async function restartApi(region: string): Promise<FleetSnapshot> {
  await injectFault(region, "api-up", { labDir });
  faulted.delete(region);
  return until(`every region healthy after ${region}'s API is back`, allHealthy, 90_000);
}

beforeAll(async () => {
  const db = await getDb();
  lead = await db.transaction((tx) => insertUser(tx, { email: "lead@stability.test", name: "Lee Lead", role: "lead" }));
  await startLab({ labDir });
  collector = await leadingCollector();
  await until("every region healthy", allHealthy, 60_000);
});

afterEach(async () => {
  for (const region of [...faulted]) {
    await injectFault(region, "recover", { labDir });
    faulted.delete(region);
  }
});

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
});

describe("the stability timer on the real lab", () => {
  it("starts over when a region's API is killed, and ticks only after 15 minutes healthy once it is back", async () => {
    const incident = await svc.declareIncident(lead, {
      title: "Primary database down",
      scenarioId: "primary-database-failure",
      severity: "P1",
      impact: "Writes fail",
      regions: ["us-east-1"],
      leadId: lead.id,
    });
    const detail = () => readIncidentDetail(incident.id);
    const step = async () => (await detail()).steps.find((s) => s.key === key)!;
    const restarts = async () =>
      (await detail()).events.filter((e) => e.actor === "Live check" && e.data.holdBroken === true);
    const t0 = Date.now();
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const tick = (s: FleetSnapshot, minutes: number) => tickLiveChecks(s, defaultRuleSettings(), null, at(minutes));

    // Healthy from the start: nothing was fixed yet, so no timer.
    await tick(await until("every region healthy", allHealthy), 0);
    expect(await step()).toMatchObject({ checked: false, holdingSince: null, holdMinutes: 15 });

    // A real break (ap-southeast-1's API killed) with no timer running: nothing to start over.
    const apDown = await killApi(AP);
    expect(apDown.regions.find((r) => r.id === AP)!.reasons.join()).toMatch(/Region API unreachable/);
    await tick(apDown, 1);
    expect(await step()).toMatchObject({ checked: false, holdingSince: null });
    expect(await restarts()).toEqual([]);

    // Fixed: healthy again, the timer starts at this pass.
    const healthy = await restartApi(AP);
    await tick(healthy, 2);
    expect(await step()).toMatchObject({ checked: false, holdingSince: at(2).toISOString() });
    await tick(healthy, 10);
    expect(await step()).toMatchObject({ checked: false, holdingSince: at(2).toISOString() });

    // eu-west-1's API killed at minute 12: the collector calls it unhealthy, the timer starts over, the timeline says why.
    const euDown = await killApi(EU);
    expect(euDown.regions.find((r) => r.id === EU)!.reasons.join()).toMatch(/Region API unreachable/);
    await tick(euDown, 12);
    expect(await step()).toMatchObject({ checked: false, holdingSince: null });
    const [restart, ...more] = await restarts();
    expect(more).toEqual([]);
    expect(restart!.message).toContain('"Monitor for stability": stability broken (');
    expect(restart!.message).toContain(`${EU} unhealthy`);
    expect(restart!.message).toContain("the 15-minute timer starts over");
    // The collector was evaluating the real fleet meanwhile; only its own live-check pass was left to the test.
    expect(collectorPass).toHaveBeenCalled();

    // Cleared at minute 13: a new timer from there. 14 minutes healthy is not enough; 15 without a break is.
    const healthyAgain = await restartApi(EU);
    await tick(healthyAgain, 13);
    expect(await step()).toMatchObject({ checked: false, holdingSince: at(13).toISOString() });
    await tick(healthyAgain, 27);
    expect(await step()).toMatchObject({ checked: false, holdingSince: at(13).toISOString() });
    await tick(healthyAgain, 28);
    expect(await step()).toMatchObject({
      checked: true,
      checkedBy: "Live check",
      observed: "every region healthy for 15 min without a break",
    });
    // The step's timeline: the one restart, then the tick.
    expect((await detail()).events.filter((e) => e.data.stepKey === key).map((e) => e.message)).toEqual([
      restart!.message,
      'Checked "Monitor for stability": every region healthy for 15 min without a break',
    ]);
  }, 300_000);
});
