import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFault, resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";
import { startWebhookReceiver } from "@/tests/support/webhook-receiver";

/**
 * Alert groups on the real lab: the us-east-1 primary stopped is one group that pages the on-call engineer once,
 * lists its consequences and proposes a triage incident; acknowledging stops the escalation and tells PagerDuty
 * with the page's own dedup_key.
 */

const labDir = await ownLabAndStore("alert-groups");
const pager = await startWebhookReceiver();
process.env.POLL_INTERVAL = "500";
process.env.PAGER_WEBHOOK_URL = pager.url;
process.env.PAGER_FORMAT = "pagerduty";
process.env.PAGERDUTY_ROUTING_KEY = "team-routing-key";

const { leadingCollector } = await import("@/tests/support/collector-lease");
const { readAlertGroups } = await import("@/server/alerts/alert-groups");
const svc = await import("@/server/alerts/alert-group-service");
const { sendDuePages } = await import("@/server/incidents/escalation");
const { readIncidentDetail } = await import("@/server/incidents/incident-store");
const { insertUser } = await import("@/server/auth/users");
const { saveRotation } = await import("@/server/oncall/oncall-service");
const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
const { getDb } = await import("@/server/db");
type User = import("@/server/auth/users").User;
type PdEvent = { event_action: string; dedup_key: string; payload?: { summary: string; severity: string } };

let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
let admin: User, lead: User, engineer: User, viewer: User;

const events = () => pager.bodies as PdEvent[];
const triggers = () => events().filter((e) => e.event_action === "trigger");
const openGroups = async () => (await readAlertGroups()).filter((g) => g.resolvedAt === null);
const healthy = async () => {
  const s = await readFleetSnapshot(getFleetConfig());
  return s.regions.every((r) => r.status === "healthy") && s.alerts.length === 0;
};

beforeAll(async () => {
  const db = await getDb();
  const user = (email: string, name: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name, role }));
  admin = await user("admin@groups.test", "Ada Admin", "admin");
  lead = await user("lead@groups.test", "Lee Lead", "lead");
  engineer = await user("eng@groups.test", "Eli Engineer", "engineer");
  viewer = await user("viewer@groups.test", "Vi Viewer", "viewer");
  // The on-call engineer is Eli; the tech lead is Lee, who is proposed to lead the triage incident.
  const rotation = { kind: "weekly", handoffTime: "09:00", handoffDay: 1, timeZone: "UTC", startDate: "2026-01-05" };
  await saveRotation(admin, { ...rotation, level: 0, members: [engineer.id] });
  await saveRotation(admin, { ...rotation, level: 1, members: [lead.id] });
  await startLab({ labDir });
  collector = await leadingCollector();
  await waitFor("every region healthy", healthy, { timeoutMs: 30_000, intervalMs: 200 });
});

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await pager.close();
  await (await getDb()).close();
});

describe("alert groups on the real lab", () => {
  it("a stopped primary is one group with its consequences, one page to the on-call engineer, and a proposed P0 triage incident", async () => {
    const t0 = Date.now();
    await injectFault("us-east-1", "db-down", { labDir });
    await waitFor("the first page", () => triggers().length > 0, { timeoutMs: 20_000, intervalMs: 50 });
    const pagedAfterMs = Date.now() - t0;
    console.log(`[alert-groups] db-down to the page received: ${pagedAfterMs} ms`);
    expect(pagedAfterMs).toBeLessThan(10_000);

    // Both replicas stop replicating: their alerts join the primary's group.
    const group = await waitFor(
      "the replicas' alerts in the primary's group",
      async () => {
        const [g] = await openGroups();
        const rules = g?.alerts.filter((a) => a.firing).map((a) => `${a.name}/${a.region}`) ?? [];
        return rules.includes("Replication stopped/eu-west-1") && rules.includes("Replication stopped/ap-southeast-1")
          ? g
          : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(await openGroups()).toHaveLength(1);
    expect(group.title).toBe("us-east-1 primary database down");
    expect(group.alerts[0]).toMatchObject({ name: "Region unhealthy", region: "us-east-1" });
    expect(group.triage).toMatchObject({
      state: "proposed",
      severity: "P0",
      scenarioId: "primary-database-failure",
      lead: { id: lead.id, name: "Lee Lead" },
    });
    const page = group.pages.find((p) => p.sentAt)!;
    expect(page).toMatchObject({ level: 0, target: "On-call engineer", recipient: "Eli Engineer" });

    // Exactly one page, however many alerts and passes follow.
    await new Promise((r) => setTimeout(r, 3000));
    expect(triggers()).toHaveLength(1);
    expect(triggers()[0]).toMatchObject({
      dedup_key: `switchyard-page-${page.id}`,
      payload: { severity: "critical", summary: "us-east-1 primary database down: paging On-call engineer" },
    });
  });

  it("a viewer cannot acknowledge; an engineer's acknowledgement stops the escalation and acknowledges in PagerDuty", async () => {
    const [group] = await openGroups();
    await expect(svc.acknowledgeGroup(viewer, { groupId: group!.id })).rejects.toMatchObject({ code: "forbidden" });
    expect((await openGroups())[0]!.acknowledgedAt).toBeNull();

    await svc.acknowledgeGroup(engineer, { groupId: group!.id });
    const dedupKey = triggers()[0]!.dedup_key;
    await waitFor("the PagerDuty acknowledge", () =>
      events().some((e) => e.event_action === "acknowledge" && e.dedup_key === dedupKey),
    );
    await expect(svc.acknowledgeGroup(engineer, { groupId: group!.id })).rejects.toMatchObject({ code: "conflict" });

    // An hour on, nobody further is paged for this group: the tech lead's page was cancelled.
    expect(await sendDuePages(new Date(Date.now() + 3_600_000))).toBe(0);
    const after = (await openGroups())[0]!;
    expect(after.acknowledgedBy).toBe("Eli Engineer");
    expect(after.pages.filter((p) => !p.sentAt).every((p) => p.cancelled)).toBe(true);
  });

  it("a lead confirms the triage incident in one click: declared as proposed, already acknowledged, not paged twice", async () => {
    const [group] = await openGroups();
    await expect(svc.confirmTriage(engineer, { groupId: group!.id })).rejects.toMatchObject({ code: "forbidden" });
    const incident = await svc.confirmTriage(lead, { groupId: group!.id });
    expect(incident).toMatchObject({
      title: "us-east-1 primary database down",
      severity: "P0",
      scenarioId: "primary-database-failure",
      regions: ["us-east-1"],
      lead: { id: lead.id },
    });
    const detail = await readIncidentDetail(incident.id);
    expect(detail.incident.acknowledgedAt).not.toBeNull();
    // The on-call engineer was paged by the group; the incident's chain starts at the tech lead.
    expect(detail.pages.map((p) => p.target)).not.toContain("On-call engineer");
    await expect(svc.confirmTriage(lead, { groupId: group!.id })).rejects.toMatchObject({ code: "conflict" });
    expect((await openGroups())[0]!.triage).toMatchObject({ state: "confirmed", incidentId: incident.id });
  });

  it("the group resolves with its last alert, and PagerDuty hears the resolution", async () => {
    const [group] = await openGroups();
    await injectFault("us-east-1", "recover", { labDir });
    await waitFor("the fleet healthy again", healthy, { timeoutMs: 30_000, intervalMs: 200 });
    await waitFor("the group resolved", async () => (await openGroups()).length === 0);
    const dedupKey = `switchyard-page-${group!.pages.find((p) => p.sentAt)!.id}`;
    await waitFor("the PagerDuty resolve", () =>
      events().some((e) => e.event_action === "resolve" && e.dedup_key === dedupKey),
    );
  });

  it("a group nobody acknowledged says so when it resolves, and its proposal is withdrawn", async () => {
    pager.bodies.length = 0;
    await injectFault("eu-west-1", "api-down", { labDir });
    await waitFor("eu-west-1's page", () => triggers().length > 0, { timeoutMs: 20_000, intervalMs: 50 });
    const [group] = await openGroups();
    expect(group).toMatchObject({
      title: "Region unhealthy in eu-west-1",
      triage: { state: "proposed", severity: "P1" },
    });
    await injectFault("eu-west-1", "recover", { labDir });
    await waitFor("the fleet healthy again", healthy, { timeoutMs: 30_000, intervalMs: 200 });
    const closed = (await readAlertGroups()).find((g) => g.id === group!.id)!;
    expect(closed.resolvedAt).not.toBeNull();
    expect(closed.acknowledgedAt).toBeNull();
    expect(closed.triage?.state).toBe("withdrawn");
    await waitFor("the PagerDuty resolve", () =>
      events().some((e) => e.event_action === "resolve" && e.dedup_key === triggers()[0]!.dedup_key),
    );
    await expect(svc.confirmTriage(lead, { groupId: group!.id })).rejects.toThrow(/withdrawn/);
  });

  it("routing is the admin's: a warning group pages nobody by default, and a route can make it page", async () => {
    await expect(
      svc.updateAlertRoute(lead, { ruleId: "mirror-hit-rate", severity: "warning", pageLevel: 0, openTriage: false }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      svc.updateAlertRoute(admin, { ruleId: "no-such-rule", severity: "warning", pageLevel: 0, openTriage: false }),
    ).rejects.toMatchObject({ code: "invalid" });
    await expect(
      svc.updateAlertRoute(admin, { ruleId: "mirror-hit-rate", severity: "warning", pageLevel: 42, openTriage: false }),
    ).rejects.toThrow(/not in the escalation chain/);
    expect(await svc.listAlertRoutes({ kind: "user", user: viewer })).toHaveLength(2);
    await svc.updateAlertRoute(admin, {
      ruleId: "mirror-hit-rate",
      severity: "warning",
      pageLevel: 0,
      openTriage: false,
    });
    const routes = await svc.listAlertRoutes({ kind: "user", user: viewer });
    expect(routes).toContainEqual({ ruleId: "mirror-hit-rate", severity: "warning", pageLevel: 0, openTriage: false });
  });
});
