import { createHmac } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFault, resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";
import { startPagerDutyReceiver } from "@/tests/support/pagerduty-receiver";
import { startSmtpReceiver } from "@/tests/support/smtp-receiver";
import { startWebhookReceiver } from "@/tests/support/webhook-receiver";

/**
 * Alert groups on the real lab: the us-east-1 primary stopped is one group that pages the on-call engineer once —
 * by their own PagerDuty service and email, and the team's pager webhook — lists its consequences and proposes a
 * triage incident; acknowledging stops the escalation and tells PagerDuty with the page's own dedup_key, and
 * PagerDuty's signed webhook acknowledges in Switchyard.
 */

const labDir = await ownLabAndStore("alert-groups");
const pager = await startWebhookReceiver();
const pagerDuty = await startPagerDutyReceiver();
const smtp = await startSmtpReceiver();
const webhookSecret = "whsec-alert-groups-test";
process.env.POLL_INTERVAL = "500";
process.env.PAGERDUTY_EVENTS_URL = pagerDuty.url;
process.env.SMTP_URL = smtp.url;
process.env.PAGERDUTY_WEBHOOK_SECRET = webhookSecret;
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
const { addContactMethod } = await import("@/server/notify/contact-methods-service");
const pagerDutyWebhook = await import("@/app/api/v1/integrations/pagerduty/route");
const groupsRoute = await import("@/app/api/v1/alerts/groups/route");
const { createApiToken } = await import("@/server/auth/api-tokens");
type User = import("@/server/auth/users").User;
type AlertGroupView = import("@/lib/alert-groups").AlertGroupView;
type PdEvent = { event_action: string; dedup_key: string; payload?: { summary: string; severity: string } };
const engineerKey = "0123456789abcdef0123456789abcdef";

/** PagerDuty's v3 webhook for an acknowledged incident whose incident_key is `dedupKey`, signed with `secret`. */
function acknowledgedInPagerDuty(dedupKey: string, secret = webhookSecret) {
  const body = JSON.stringify({
    event: {
      id: "01DEN7W0NQ",
      event_type: "incident.acknowledged",
      resource_type: "incident",
      occurred_at: new Date().toISOString(),
      data: { id: "PGR0VU2", type: "incident", status: "acknowledged", incident_key: dedupKey },
    },
  });
  const signature = `v1=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
  return pagerDutyWebhook.POST(
    new Request("http://console.test/api/v1/integrations/pagerduty", {
      method: "POST",
      headers: { "content-type": "application/json", "x-pagerduty-signature": signature },
      body,
    }),
  );
}

let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
let admin: User, lead: User, engineer: User, viewer: User;
let apiToken: string;

/** GET /api/v1/alerts/groups with the given query, as an API client reads it. */
async function groupsFromApi(query = ""): Promise<{ status: number; groups: AlertGroupView[] }> {
  const res = await groupsRoute.GET(
    new Request(`http://console.test/api/v1/alerts/groups${query}`, {
      headers: { authorization: `Bearer ${apiToken}` },
    }),
  );
  const body = (await res.json()) as { groups?: AlertGroupView[] };
  return { status: res.status, groups: body.groups ?? [] };
}

const events = () => pager.bodies as PdEvent[];
const triggers = () => events().filter((e) => e.event_action === "trigger");
/** The open groups as the pages read them: once per change (listAlertGroups), not from the store each time. */
const openGroups = async () =>
  (await svc.listAlertGroups({ kind: "user", user: viewer })).filter((g) => g.resolvedAt === null);
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
  apiToken = (await createApiToken(admin, { name: "alert groups reader" })).token;
  // The on-call engineer is Eli; the tech lead is Lee, who is proposed to lead the triage incident.
  const rotation = { kind: "weekly", handoffTime: "09:00", handoffDay: 1, timeZone: "UTC", startDate: "2026-01-05" };
  await saveRotation(admin, { ...rotation, level: 0, members: [engineer.id] });
  await saveRotation(admin, { ...rotation, level: 1, members: [lead.id] });
  // Eli is paged on their own PagerDuty service and by email.
  await addContactMethod(engineer, { userId: engineer.id, kind: "pagerduty", address: engineerKey, label: "" });
  await addContactMethod(engineer, { userId: engineer.id, kind: "email", address: "eli@groups.test", label: "" });
  await startLab({ labDir });
  collector = await leadingCollector();
  await waitFor("every region healthy", healthy, { timeoutMs: 30_000, intervalMs: 200 });
});

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await pager.close();
  await pagerDuty.close();
  await smtp.close();
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
    // The cause leads its group even when a consequence's alert started first: they may start in the same moment.
    const db = await getDb();
    await db.query("update alerts set started_at = started_at + interval '5 seconds' where id = $1", [
      group.alerts[0]!.id,
    ]);
    const reread = (await readAlertGroups()).find((g) => g.id === group.id)!;
    expect(reread.alerts[0]).toMatchObject({ name: "Region unhealthy", region: "us-east-1" });
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
    // Eli's own PagerDuty service and mailbox got the same page, once.
    expect(pagerDuty.events.filter((e) => e.event_action === "trigger")).toEqual([
      expect.objectContaining({ routing_key: engineerKey, dedup_key: `switchyard-page-${page.id}` }),
    ]);
    const mail = await smtp.waitForMessage((m) => m.envelope.to.includes("eli@groups.test"));
    expect(mail.subject).toContain("us-east-1 primary database down");
    expect(smtp.messages).toHaveLength(1);
  });

  it("a viewer cannot acknowledge; an engineer's acknowledgement stops the escalation and acknowledges in PagerDuty", async () => {
    const [group] = await openGroups();
    await expect(svc.acknowledgeGroup(viewer, { groupId: group!.id })).rejects.toMatchObject({ code: "forbidden" });
    expect((await openGroups())[0]!.acknowledgedAt).toBeNull();

    // A webhook signed with another secret is refused and acknowledges nothing.
    const dedupKey = triggers()[0]!.dedup_key;
    expect((await acknowledgedInPagerDuty(dedupKey, "not-the-secret")).status).toBe(401);
    expect((await openGroups())[0]!.acknowledgedAt).toBeNull();

    // Pages asking at once share one read; the acknowledgement shows on the next read at once.
    const [a, b] = [
      svc.listAlertGroups({ kind: "user", user: viewer }),
      svc.listAlertGroups({ kind: "user", user: viewer }),
    ];
    expect(await a).toBe(await b);
    await svc.acknowledgeGroup(engineer, { groupId: group!.id });
    expect((await openGroups())[0]!.acknowledgedBy).toBe("Eli Engineer");
    await waitFor("the PagerDuty acknowledge", () =>
      events().some((e) => e.event_action === "acknowledge" && e.dedup_key === dedupKey),
    );
    await pagerDuty.waitFor((e) => e.event_action === "acknowledge" && e.dedup_key === dedupKey);
    // PagerDuty's own acknowledgement of it, arriving after, changes nothing.
    expect(await (await acknowledgedInPagerDuty(dedupKey)).json()).toEqual({ result: "already" });
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
    // The overview reads only the open groups (?status=open); the alerts page the last hour's (the default).
    const open = await groupsFromApi("?status=open");
    expect(open.status).toBe(200);
    expect(open.groups.map((g) => g.id)).toContain(group!.id);
    expect(open.groups.map((g) => g.id)).toEqual((await openGroups()).map((g) => g.id));
    expect((await groupsFromApi("?status=closed")).status).toBe(400);
    await injectFault("us-east-1", "recover", { labDir });
    await waitFor("the fleet healthy again", healthy, { timeoutMs: 30_000, intervalMs: 200 });
    await waitFor("the group resolved", async () => (await openGroups()).length === 0);
    expect((await groupsFromApi("?status=open")).groups).toEqual([]);
    expect((await groupsFromApi()).groups.find((g) => g.id === group!.id)?.resolvedAt).not.toBeNull();
    const dedupKey = `switchyard-page-${group!.pages.find((p) => p.sentAt)!.id}`;
    await waitFor("the PagerDuty resolve", () =>
      events().some((e) => e.event_action === "resolve" && e.dedup_key === dedupKey),
    );
  });

  it("a group nobody acknowledged says so when it resolves, and its proposal is withdrawn", async () => {
    pager.bodies.length = 0;
    await injectFault("eu-west-1", "api-down", { labDir });
    let groupId: number;
    try {
      await waitFor("eu-west-1's page", () => triggers().length > 0, { timeoutMs: 20_000, intervalMs: 50 });
      const [group] = await openGroups();
      expect(group).toMatchObject({
        title: "Region unhealthy in eu-west-1",
        triage: { state: "proposed", severity: "P1" },
      });
      groupId = group!.id;
    } finally {
      await injectFault("eu-west-1", "recover", { labDir });
      await waitFor("the fleet healthy again", healthy, { timeoutMs: 30_000, intervalMs: 200 });
    }
    const closed = (await readAlertGroups()).find((g) => g.id === groupId)!;
    expect(closed.resolvedAt).not.toBeNull();
    expect(closed.acknowledgedAt).toBeNull();
    expect(closed.triage?.state).toBe("withdrawn");
    const resolution = await pagerDuty.waitFor(
      (e) => e.event_action === "resolve" && e.dedup_key === triggers()[0]!.dedup_key,
    );
    expect(resolution).toBeTruthy();
    const mail = await smtp.waitForMessage((m) => m.subject.includes("[RESOLVED]") && m.subject.includes("eu-west-1"));
    expect(mail.subject).toContain("resolved before anyone acknowledged");
    await expect(svc.confirmTriage(lead, { groupId })).rejects.toThrow(/withdrawn/);
  });

  it("an acknowledgement in PagerDuty comes back through its signed webhook and stops the escalation", async () => {
    pager.bodies.length = 0;
    await injectFault("ap-southeast-1", "api-down", { labDir });
    try {
      await waitFor("ap-southeast-1's page", () => triggers().length > 0, { timeoutMs: 20_000, intervalMs: 50 });
      const dedupKey = triggers()[0]!.dedup_key;
      const res = await acknowledgedInPagerDuty(dedupKey);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ result: "acknowledged" });
      const [group] = await openGroups();
      expect(group).toMatchObject({
        title: "Region unhealthy in ap-southeast-1",
        acknowledgedBy: "Eli Engineer in PagerDuty",
      });
      // An hour on (the incident declared above still pages its own chain), this group pages nobody further.
      await sendDuePages(new Date(Date.now() + 3_600_000));
      const after = (await readAlertGroups()).find((g) => g.id === group!.id)!;
      expect(after.pages.filter((p) => p.sentAt)).toHaveLength(1);
      expect(await (await acknowledgedInPagerDuty("switchyard-page-999999999")).json()).toEqual({ result: "unknown" });
    } finally {
      await injectFault("ap-southeast-1", "recover", { labDir });
      await waitFor("the fleet healthy again", healthy, { timeoutMs: 30_000, intervalMs: 200 });
    }
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
