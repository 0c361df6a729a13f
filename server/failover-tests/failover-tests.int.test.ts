import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultRuleSettings } from "@/lib/alert-rules";
import type { ActionRun } from "@/lib/actions/run";
import { failoverTestPhase, type FailoverTestView } from "@/lib/failover-test";
import { injectFault, resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";
import { startWebhookReceiver } from "@/tests/support/webhook-receiver";

/**
 * The monthly failover test on the real lab: a lead schedules it (a public window and its record); the leading
 * console reminds the incident channel, then fills the record in as the test happens — the switchover requested and
 * approved as any action, with the write gap it measured, the 30 minutes of monitoring (held, or started over when a
 * real fault breaks them), and the failback. The 30 minutes are judged by a pass at a time the test chooses; the rest runs as it would.
 */

const labDir = await ownLabAndStore("failover-tests");
process.env.POLL_INTERVAL = "500";
const slack = await startWebhookReceiver();
process.env.SLACK_WEBHOOK_URL = slack.url;
delete process.env.PAGER_WEBHOOK_URL;

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const actions = await import("@/server/actions/action-service");
const svc = await import("@/server/failover-tests/failover-test-service");
const maintenance = await import("@/server/maintenance/maintenance-service");
const { readFailoverTest } = await import("@/server/failover-tests/failover-test-store");
const { leadingCollector } = await import("@/tests/support/collector-lease");
const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
type User = import("@/server/auth/users").User;

let viewer: User, engineer: User, lead: User;
let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
const key = () => `ft-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function finished(id: number): Promise<ActionRun> {
  return waitFor(
    `action #${id} to finish`,
    async () => {
      const run = await actions.getAction({ kind: "user", user: lead }, id);
      return run.status !== "running" && run.status !== "pending" ? run : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 200 },
  );
}

async function requestAndApprove(actionId: "db.switchover" | "db.failback", params: Record<string, unknown>) {
  const run = await actions.requestAction(engineer, { actionId, params, idempotencyKey: key() } as never);
  await actions.approveAction(lead, run.id, { paramsHash: run.paramsHash });
  const done = await finished(run.id);
  expect(done.status, done.error ?? "").toBe("succeeded");
  return done;
}

const record = async (id: number) => (await readFailoverTest(await getDb(), id))!;
const recordWhen = (id: number, what: string, ok: (t: FailoverTestView) => boolean) =>
  waitFor(
    `failover test #${id}: ${what}`,
    async () => {
      const t = await record(id);
      return ok(t) ? t : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
const healthySnapshot = () =>
  waitFor(
    "every region healthy in the collector's snapshot",
    async () => {
      const s = await readFleetSnapshot(getFleetConfig());
      return s.regions.length === 3 && s.regions.every((r) => r.status === "healthy") ? s : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );

beforeAll(async () => {
  await startLab({ labDir });
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [viewer, engineer, lead] = await Promise.all([
    mk("viewer@ft.test", "viewer"),
    mk("eng@ft.test", "engineer"),
    mk("lead@ft.test", "lead"),
  ]);
  collector = await leadingCollector();
  await healthySnapshot();
}, 180_000);

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await slack.close();
  await (await getDb()).close();
}, 120_000);

describe("scheduling the monthly failover test", () => {
  it("refuses viewers, engineers, the primary as candidate, a start in the past and an overlapping test, writing nothing", async () => {
    const db = await getDb();
    const count = async () =>
      Number((await db.query<{ n: string }>("select count(*) as n from maintenance_windows")).rows[0]!.n);
    const before = await count();
    const ok = { candidate: "eu-west-1", startsAt: minutesFromNow(600), minutes: 60, remindMinutes: 30 };
    await expect(svc.scheduleFailoverTest(viewer, ok)).rejects.toMatchObject({ code: "forbidden" });
    await expect(svc.scheduleFailoverTest(engineer, ok)).rejects.toMatchObject({ code: "forbidden" });
    await expect(svc.scheduleFailoverTest(lead, { ...ok, candidate: "us-east-1" })).rejects.toThrow(
      /us-east-1 is the primary; pick one of eu-west-1, ap-southeast-1/,
    );
    await expect(svc.scheduleFailoverTest(lead, { ...ok, startsAt: minutesFromNow(-5) })).rejects.toThrow(
      /Starts: must be in the future/,
    );
    await expect(svc.scheduleFailoverTest(lead, { ...ok, minutes: 20 })).rejects.toThrow(/at least 45/);
    expect(await count()).toBe(before);

    const { id } = await svc.scheduleFailoverTest(lead, ok);
    await expect(
      svc.scheduleFailoverTest(lead, { ...ok, startsAt: minutesFromNow(630), candidate: "ap-southeast-1" }),
    ).rejects.toThrow(new RegExp(`Failover test #${id}'s window overlaps`));
    expect(await count()).toBe(before + 1);
    const { id: windowId, ...window } = (
      await db.query<{ id: string; title: string; public: boolean; components: string[]; regions: string[] }>(
        "select w.id, w.title, w.public, w.components, w.regions from maintenance_windows w join failover_tests t on t.maintenance_window_id = w.id where t.id = $1",
        [id],
      )
    ).rows[0]!;
    expect(window).toEqual({
      title: "Monthly failover test",
      public: true,
      components: ["database", "api"],
      regions: [],
    });
    expect(await record(id)).toMatchObject({ primaryRegion: "us-east-1", candidate: "eu-west-1", remindedAt: null });
    // Not due for hours: no reminder yet. The window is cancelled so the next tests have the time to themselves.
    expect(slack.bodies.some((b) => JSON.stringify(b).includes(`failover-test-${id}`))).toBe(false);
    await maintenance.cancelMaintenance(lead, { id: Number(windowId) });
    const cancelled = (await svc.listFailoverTests(viewer)).find((t) => t.id === id)!;
    expect(failoverTestPhase(cancelled, new Date())).toBe("cancelled");
  });
});

describe("a failover test as it happens", () => {
  it("reminds the channel, records the switchover with its write gap, 30 minutes healthy, and the failback", async () => {
    const { id } = await svc.scheduleFailoverTest(lead, {
      candidate: "eu-west-1",
      startsAt: minutesFromNow(2),
      minutes: 60,
      remindMinutes: 10,
    });
    // Due at once: the leading console posts the reminder in the incident channel, once.
    const reminder = await slack.waitFor((r) => JSON.stringify(r.body).includes(`failover-test-${id}`), 30_000);
    expect((reminder.body as { text: string }).text).toMatch(/^🔧 Monthly failover test in [12] min: /);
    expect((reminder.body as { text: string }).text).toContain("eu-west-1 is promoted (db.switchover)");
    expect((await recordWhen(id, "reminded", (t) => !!t.remindedAt)).reminderNote).toBe(
      "posted to the incident channel",
    );

    const switchover = await requestAndApprove("db.switchover", { candidate: "eu-west-1" });
    expect(switchover.figures.writeGapMs).toBeGreaterThan(0);
    expect(switchover.figures.writeGapMs).toBeLessThan(30_000);
    const switched = await recordWhen(id, "switchover recorded and monitoring started", (t) => !!t.monitor.startedAt);
    expect(switched.switchover).toMatchObject({ id: switchover.id, requestedBy: "eng", approvedBy: "lead" });
    expect(switched.writeGapMs).toBe(Math.round(switchover.figures.writeGapMs!));
    expect(switched.monitor.result).toBeNull();

    // 29 minutes healthy: still monitoring; 30: held.
    const since = Date.parse(switched.monitor.startedAt!);
    const healthy = await healthySnapshot();
    await svc.tickFailoverTests(healthy, defaultRuleSettings(), new Date(since + 29 * 60_000));
    expect((await record(id)).monitor.result).toBeNull();
    await svc.tickFailoverTests(healthy, defaultRuleSettings(), new Date(since + 30 * 60_000 + 1));
    expect((await record(id)).monitor).toMatchObject({
      result: "held",
      breaks: 0,
      note: "every region healthy for 30 min without a break",
    });

    const failback = await requestAndApprove("db.failback", { region: "us-east-1" });
    const done = await recordWhen(id, "failback recorded", (t) => !!t.finishedAt);
    expect(done.failback).toMatchObject({ id: failback.id, actionId: "db.failback" });
    expect(done.monitor.result).toBe("held");
    expect(slack.bodies.filter((b) => JSON.stringify(b).includes(`failover-test-${id}`))).toHaveLength(1);
  }, 300_000);

  it("starts the 30 minutes over when a real fault breaks them, and finishes with the failback", async () => {
    const { id } = await svc.scheduleFailoverTest(lead, {
      candidate: "ap-southeast-1",
      startsAt: minutesFromNow(1),
      minutes: 60,
      remindMinutes: 5,
    });
    await requestAndApprove("db.switchover", { candidate: "ap-southeast-1" });
    const first = await recordWhen(id, "monitoring started", (t) => !!t.monitor.startedAt);
    await injectFault("eu-west-1", "api-down", { labDir });
    try {
      const broke = await recordWhen(id, "the monitoring broken", (t) => t.monitor.breaks === 1);
      expect(broke.monitor).toMatchObject({ result: null, startedAt: null });
      expect(broke.monitor.note).toMatch(/eu-west-1 (unhealthy|degraded).* after 0 min healthy/);
    } finally {
      await injectFault("eu-west-1", "api-up", { labDir });
    }
    // Healthy again: the 30 minutes start over from there, and the break stays on the record.
    const again = await recordWhen(id, "monitoring started over", (t) => !!t.monitor.startedAt);
    expect(Date.parse(again.monitor.startedAt!)).toBeGreaterThan(Date.parse(first.monitor.startedAt!));
    expect(again.monitor.breaks).toBe(1);
    await healthySnapshot();
    await requestAndApprove("db.switchover", { candidate: "us-east-1" });
    const done = await recordWhen(id, "failback recorded", (t) => !!t.finishedAt);
    expect(done.failback?.actionId).toBe("db.switchover");
    // Failed back before 30 minutes held: the monitoring was cut short, after its break.
    expect(done.monitor).toMatchObject({ result: "cut-short", breaks: 1 });
    expect(done.monitor.note).toMatch(/^Failed back after 0 of 30 min healthy$/);
  }, 300_000);
});
