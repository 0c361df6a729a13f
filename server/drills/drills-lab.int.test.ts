import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";
import { startWebhookReceiver } from "@/tests/support/webhook-receiver";

/**
 * A lab drill from start to scored report, through the services on the real lab: starting it stops the us-east-1
 * primary through the lab fleet file's injectFault hook; the alerts that causes are expected (the drill's window) and
 * page nobody — not the on-call engineer, not the team webhook; its incident pages the participant only; ending it
 * clears the fault through clearFault (the primary runs again, the fleet is healthy again) and keeps the score.
 * Needs the lab: run it with the other lab tests (`npm run test:integration`), never beside another lab.
 */

const labDir = await ownLabAndStore("drills");
const team = await startWebhookReceiver();
const personal = await startWebhookReceiver();
process.env.POLL_INTERVAL = "500";
process.env.PAGER_WEBHOOK_URL = team.url;
process.env.PAGER_FORMAT = "generic";
delete process.env.SLACK_WEBHOOK_URL;

const { leadingCollector } = await import("@/tests/support/collector-lease");
const { readAlertGroups } = await import("@/server/alerts/alert-groups");
const drills = await import("@/server/drills/drill-service");
const incidents = await import("@/server/incidents/incident-service");
const { sendDuePages } = await import("@/server/incidents/escalation");
const { insertUser } = await import("@/server/auth/users");
const { saveRotation } = await import("@/server/oncall/oncall-service");
const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
const { getDb } = await import("@/server/db");
const { addContactMethod } = await import("@/server/notify/contact-methods-service");
type User = import("@/server/auth/users").User;

let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
let admin: User, lead: User, onCall: User, pat: User;

const primaryDb = async () => (await labStatus({ labDir })).regions.find((r) => r.id === "us-east-1")!.db;
const healthy = async () => {
  const s = await readFleetSnapshot(getFleetConfig());
  return s.regions.every((r) => r.status === "healthy") && s.alerts.length === 0;
};
/** whom each page reached (its trigger; the participant also hears its resolve, on the same key) */
const who = () =>
  personal.requests
    .filter((r) => (r.body as { action?: string }).action === "trigger")
    .map((r) => new URL(r.path, "http://x").searchParams.get("who"));
const heardBy = () => new Set(personal.requests.map((r) => new URL(r.path, "http://x").searchParams.get("who")));

beforeAll(async () => {
  const db = await getDb();
  const user = (email: string, name: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name, role }));
  admin = await user("admin@drill-lab.test", "Ada Admin", "admin");
  lead = await user("lead@drill-lab.test", "Lee Lead", "lead");
  onCall = await user("oncall@drill-lab.test", "Oli On-call", "engineer");
  pat = await user("pat@drill-lab.test", "Pat Participant", "engineer");
  // Oli is on call: a real outage would page Oli; the drill must not.
  const rotation = { kind: "weekly", handoffTime: "09:00", handoffDay: 1, timeZone: "UTC", startDate: "2026-01-05" };
  await saveRotation(admin, { ...rotation, level: 0, members: [onCall.id] });
  await addContactMethod(onCall, { userId: onCall.id, kind: "webhook", address: `${personal.url}?who=oncall` });
  await addContactMethod(pat, { userId: pat.id, kind: "webhook", address: `${personal.url}?who=pat` });
  await startLab({ labDir });
  collector = await leadingCollector();
  await waitFor("every region healthy", healthy, { timeoutMs: 30_000, intervalMs: 200 });
});

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await team.close();
  await personal.close();
  await (await getDb()).close();
});

describe("a lab drill from start to scored report", () => {
  it("injects db-down itself, pages only the participant, clears the fault and scores the response", async () => {
    expect(drills.drillRegions().find((r) => r.id === "us-east-1")).toMatchObject({ role: "primary", canInject: true });
    const { id, faultInjectedAt } = await drills.startDrill(lead, {
      scenarioId: "primary-database-failure",
      severity: "P1",
      region: "us-east-1",
      fault: "db-down",
      participants: [pat.id],
    });
    expect(faultInjectedAt).not.toBeNull();
    expect(await primaryDb()).toBe("down");

    // The collector sees the primary down: its group is expected (the drill's window) and pages nobody.
    const group = await waitFor(
      "the stopped primary's alert group",
      async () =>
        (await readAlertGroups()).find((g) => g.resolvedAt === null && g.alerts.some((a) => a.region === "us-east-1")),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(group.maintenanceWindow?.title).toBe(`Drill #${id}: Scenario 2: Primary database failure`);
    expect(group.pages).toEqual([]);
    expect(group.triage).toBeNull();

    const incident = await incidents.declareIncident(lead, {
      title: "Drill: primary database down",
      scenarioId: "primary-database-failure",
      severity: "P1",
      regions: ["us-east-1"],
      leadId: lead.id,
      drillId: id,
    });
    await sendDuePages(new Date(Date.now() + 1000));
    expect(who()).toEqual(["pat"]);
    expect(team.bodies).toEqual([]);

    await incidents.sendComm(lead, incident.id, { kind: "initial", body: "Primary down: failing over (drill)" });
    await incidents.changeStatus(lead, incident.id, { status: "monitoring", expectedStatus: "investigating" });
    await incidents.changeStatus(lead, incident.id, { status: "resolved", expectedStatus: "monitoring" });

    const ended = await drills.endDrill(lead, { id, clearFault: true });
    expect(ended).toMatchObject({ faultCleared: true, note: null });
    expect(ended.score).toMatchObject({ severity: "P1", met: 4, percent: 100 });
    expect(await primaryDb()).toBe("up");
    await waitFor("every region healthy again", healthy, { timeoutMs: 60_000, intervalMs: 250 });

    // Nobody else heard of it while it lasted, nor after.
    expect(await sendDuePages(new Date(Date.now() + 2 * 3_600_000))).toBe(0);
    expect(who()).toEqual(["pat"]);
    expect([...heardBy()]).toEqual(["pat"]);
    expect(team.bodies).toEqual([]);
    const report = await drills.getDrill(lead, id);
    expect(report).toMatchObject({ status: "ended", incident: { id: incident.id, status: "resolved" } });
    expect(report.faultClearedAt).not.toBeNull();
  });
});
