import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FleetSnapshot, RegionView } from "@/lib/fleet-view";
import { injectFault, resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";
import { startWebhookReceiver } from "@/tests/support/webhook-receiver";

/** The collector against the real lab and a real PostgreSQL store: faults become statuses, lag and alerts. */

const labDir = await ownLabAndStore("collector");
const receiver = await startWebhookReceiver();
process.env.POLL_INTERVAL = "500";
process.env.ALERT_WEBHOOK_URL = receiver.url;

const { leadingCollector } = await import("@/tests/support/collector-lease");
const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
const { readRecentAlerts } = await import("@/server/alerts/alert-store");
const { getDb } = await import("@/server/db");

let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
const snapshot = () => readFleetSnapshot(getFleetConfig());
const region = (s: FleetSnapshot, id: string) => s.regions.find((r) => r.id === id)!;

async function until(what: string, check: (s: FleetSnapshot) => boolean, timeoutMs = 20_000): Promise<FleetSnapshot> {
  return waitFor(
    what,
    async () => {
      const s = await snapshot();
      return check(s) ? s : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

const firing = (s: FleetSnapshot, ruleId: string, regionId: string) =>
  s.alerts.some((a) => a.ruleId === ruleId && a.labels.region === regionId);
const healthyFleet = (s: FleetSnapshot) =>
  s.regions.every((r) => r.status === "healthy") &&
  s.alerts.length === 0 &&
  s.regions.filter((r) => r.sample?.lag).every((r) => r.sample!.lag!.seconds === 0);

async function recover(id: string) {
  await injectFault(id, "recover", { labDir });
  await until(`the fleet healthy again after recovering ${id}`, healthyFleet, 30_000);
}

beforeAll(async () => {
  await startLab({ labDir });
  collector = await leadingCollector();
  await until("every region healthy", healthyFleet, 30_000);
});

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await receiver.close();
  await (await getDb()).close();
});

describe("collector on the real lab", () => {
  it("sees the primary with two streaming replicas and active slots, and zero lag on a caught-up fleet", async () => {
    const s = await snapshot();
    const primary = region(s, "us-east-1").sample!.db!;
    expect(primary).toMatchObject({ up: true, inRecovery: false });
    if (!primary.up || primary.inRecovery) throw new Error("unreachable");
    expect(primary.links.map((l) => l.state).sort()).toEqual(["streaming", "streaming"]);
    expect(
      primary.slots
        .filter((sl) => sl.active)
        .map((sl) => sl.name)
        .sort(),
    ).toEqual(["ap_southeast_1", "eu_west_1"]);
    for (const id of ["eu-west-1", "ap-southeast-1"]) {
      const r: RegionView = region(s, id);
      expect(r.sample!.lag).toEqual({ bytes: 0, seconds: 0, streaming: true });
      expect(r.sample!.db).toMatchObject({
        up: true,
        inRecovery: true,
        replayPaused: false,
        receiver: { status: "streaming" },
      });
      expect(r.sample!.mirrors!.hitRate).toBeGreaterThan(60);
      expect(r.sample!.cdn!.provider).toBe("cloudflare");
    }
  });

  it("turns a stopped replica degraded and fires replication-stopped, then resolves both", async () => {
    await injectFault("ap-southeast-1", "db-down", { labDir });
    const s = await until(
      "ap-southeast-1 degraded with replication stopped",
      (x) => region(x, "ap-southeast-1").status === "degraded" && firing(x, "replication-stopped", "ap-southeast-1"),
    );
    expect(region(s, "ap-southeast-1").reasons.join()).toMatch(/Replica database unreachable/);
    expect(region(s, "us-east-1").status).toBe("healthy");
    await recover("ap-southeast-1");
    const alerts = await readRecentAlerts();
    expect(
      alerts.find((a) => a.ruleId === "replication-stopped" && a.labels.region === "ap-southeast-1"),
    ).toMatchObject({ state: "resolved" });
  });

  it("lets paused replay grow the lag, fires the lag alert past 5 s, and resolves it after replay resumes", async () => {
    await injectFault("eu-west-1", "lag", { labDir });
    const growing = await until(
      "eu-west-1 lag above 2 s",
      (x) => (region(x, "eu-west-1").sample?.lag?.seconds ?? 0) > 2,
    );
    expect(region(growing, "eu-west-1").sample!.lag!.bytes).toBeGreaterThan(0);
    expect(firing(growing, "replication-lag", "eu-west-1")).toBe(false);
    const fired = await until("the lag alert firing", (x) => firing(x, "replication-lag", "eu-west-1"));
    const alert = fired.alerts.find((a) => a.ruleId === "replication-lag")!;
    // Past 5 s when it fired; the value is rounded to hundredths, so a lag just past 5 s reads 5.
    expect(alert.value).toBeGreaterThanOrEqual(5);
    expect(alert.runbook).toEqual({ id: "replication-lag-increasing", title: "Replication lag increasing" });
    expect(region(fired, "eu-west-1").reasons.join()).toMatch(/WAL replay is paused/);
    await recover("eu-west-1");
    // The outgoing webhook said both, in Alertmanager's format.
    await waitFor("the webhook to hear the lag alert resolve", () =>
      receiver.bodies.some(
        (b) => JSON.stringify(b).includes('"status":"resolved"') && JSON.stringify(b).includes("Replication lag high"),
      ),
    );
    const firedBody = receiver.bodies.find(
      (b) => JSON.stringify(b).includes('"status":"firing"') && JSON.stringify(b).includes("Replication lag high"),
    ) as { version: string; alerts: { labels: Record<string, string> }[] };
    expect(firedBody.version).toBe("4");
    expect(firedBody.alerts[0]!.labels).toMatchObject({
      alertname: "Replication lag high",
      region: "eu-west-1",
      severity: "critical",
    });
  });

  it("turns us-east-1 unhealthy when the primary stops, and calls the replicas' lag unknown rather than zero", async () => {
    await injectFault("us-east-1", "db-down", { labDir });
    const s = await until(
      "us-east-1 unhealthy",
      (x) => region(x, "us-east-1").status === "unhealthy" && firing(x, "region-unhealthy", "us-east-1"),
    );
    const reason = region(s, "us-east-1").reasons[0]!;
    expect(reason).toMatch(/^Primary database unreachable: /);
    // Said in words (the alert and an incident's title read it); the code stays in the sample's details.
    expect(reason).not.toMatch(/57P0\d|ECONN|EHOST/);
    expect(region(s, "us-east-1").sample!.db).toMatchObject({
      up: false,
      error: reason.replace(/^Primary database unreachable: /, ""),
    });
    expect(s.alerts.find((a) => a.ruleId === "region-unhealthy")!.runbook!.id).toBe("primary-database-failure");
    const replicas = await until("replica lag unknown", (x) =>
      ["eu-west-1", "ap-southeast-1"].every((id) => region(x, id).sample?.lag?.seconds === null),
    );
    expect(region(replicas, "eu-west-1").sample!.lag!.bytes).toBeNull();
    await recover("us-east-1");
  });

  it("keeps chart history for every region", async () => {
    const db = await getDb();
    const r = await db.query<{ region_id: string; n: number }>(
      "select region_id, count(*)::int as n from region_samples group by 1 order by 1",
    );
    expect(r.rows.map((x) => x.region_id)).toEqual(["ap-southeast-1", "eu-west-1", "us-east-1"]);
    for (const row of r.rows) expect(row.n).toBeGreaterThan(5);
  });
});
