import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { defaultRuleSettings } from "@/lib/alert-rules";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { freshDatabase } from "@/tests/support/fresh-database";
import { startWebhookReceiver } from "@/tests/support/webhook-receiver";

/** Incidents on a real PostgreSQL store: roles, concurrent checks, escalation timers across a restart, comms. */

const pager = await startWebhookReceiver();
const slack = await startWebhookReceiver();
process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.PAGER_WEBHOOK_URL = pager.url;
process.env.PAGER_FORMAT = "pagerduty";
process.env.PAGERDUTY_ROUTING_KEY = "test-routing-key";
process.env.SLACK_WEBHOOK_URL = slack.url;
process.env.LAB_DIR = "/nonexistent-lab"; // no fleet: decisions record no figures

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/incidents/incident-service");
const { readIncidentDetail } = await import("@/server/incidents/incident-store");
const { sendDuePages, updatePolicy } = await import("@/server/incidents/escalation");
const { tickLiveChecks } = await import("@/server/incidents/live-ticker");
type User = import("@/server/auth/users").User;

let lead: User, lead2: User, engineer: User, engineer2: User, viewer: User, admin: User;
const count = async (sql: string, params: unknown[] = []) =>
  (await (await getDb()).query<{ n: number }>(sql, params)).rows[0]!.n;

beforeAll(async () => {
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [lead, lead2, engineer, engineer2, viewer, admin] = await Promise.all([
    mk("lead@x.test", "lead"),
    mk("lead2@x.test", "lead"),
    mk("eng@x.test", "engineer"),
    mk("eng2@x.test", "engineer"),
    mk("viewer@x.test", "viewer"),
    mk("admin@x.test", "admin"),
  ]);
});
afterAll(async () => {
  await (await getDb()).close();
  await pager.close();
  await slack.close();
});

const declareP1 = (title = "Primary database down") =>
  svc.declareIncident(lead, {
    title,
    scenarioId: "primary-database-failure",
    severity: "P1",
    impact: "Writes fail",
    regions: ["us-east-1"],
    leadId: lead.id,
  });

describe("declaring", () => {
  it("creates the guided checklist and a declared event", async () => {
    const incident = await declareP1();
    const d = await readIncidentDetail(incident.id);
    expect(d.incident).toMatchObject({
      status: "investigating",
      severity: "P1",
      scenarioTitle: "Scenario 2: Primary database failure",
      lead: { id: lead.id },
    });
    expect(d.steps.length).toBeGreaterThan(15);
    expect(d.steps.every((s) => !s.checked && s.version === 0)).toBe(true);
    expect(d.events.map((e) => e.kind)).toEqual(["declared"]);
  });

  it("is refused to an engineer and a viewer, writing nothing", async () => {
    const before = await count("select count(*)::int as n from incidents");
    for (const u of [engineer, viewer]) {
      await expect(
        svc.declareIncident(u, { title: "Nope", scenarioId: null, severity: "P3", leadId: lead.id }),
      ).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(
      svc.declareIncident(lead, { title: "Bad lead", scenarioId: null, severity: "P3", leadId: engineer.id }),
    ).rejects.toMatchObject({ code: "invalid" });
    await expect(
      svc.declareIncident(lead, { title: "x", scenarioId: null, severity: "P9" as "P1", leadId: lead.id }),
    ).rejects.toMatchObject({ code: "invalid" });
    expect(await count("select count(*)::int as n from incidents")).toBe(before);
  });
});

describe("the checklist", () => {
  it("lets exactly one of two simultaneous checks of the same step through; the other sees the conflict", async () => {
    const incident = await declareP1("Concurrent checks");
    const key = "primary-database-failure/verify-primary-down";
    const results = await Promise.allSettled([
      svc.checkStep(engineer, incident.id, { stepKey: key, checked: true, expectedVersion: 0 }),
      svc.checkStep(engineer2, incident.id, { stepKey: key, checked: true, expectedVersion: 0 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/was just checked by eng2?/),
    });
    const d = await readIncidentDetail(incident.id);
    expect(d.steps.find((s) => s.key === key)).toMatchObject({ checked: true, version: 1 });
    expect(d.events.filter((e) => e.kind === "step")).toHaveLength(1);
    // Unchecking with the version now shown works; a stale one does not.
    await svc.checkStep(engineer, incident.id, { stepKey: key, checked: false, expectedVersion: 1 });
    await expect(
      svc.checkStep(engineer2, incident.id, { stepKey: key, checked: true, expectedVersion: 1 }),
    ).rejects.toMatchObject({ code: "conflict" });
  });

  it("refuses a viewer's check and unknown steps", async () => {
    const incident = await declareP1("Viewer check");
    await expect(
      svc.checkStep(viewer, incident.id, {
        stepKey: "incident-response/create-channel",
        checked: true,
        expectedVersion: 0,
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      svc.checkStep(engineer, incident.id, {
        stepKey: "incident-response/no-such-step",
        checked: true,
        expectedVersion: 0,
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect((await readIncidentDetail(incident.id)).steps.every((s) => !s.checked)).toBe(true);
  });

  it("ticks a step by itself when its live check holds, with the value observed", async () => {
    const incident = await declareP1("Live check");
    const primaryDown = regionView("us-east-1", {
      role: "primary",
      status: "unhealthy",
      sample: { db: { up: false, error: "connect ECONNREFUSED 127.0.0.1:5432" } },
    });
    await tickLiveChecks(snapshotOf([primaryDown, regionView("eu-west-1")]), defaultRuleSettings());
    const step = (await readIncidentDetail(incident.id)).steps.find(
      (s) => s.key === "primary-database-failure/verify-primary-down",
    )!;
    expect(step).toMatchObject({
      checked: true,
      checkedBy: "Live check",
      observed: "us-east-1: connect ECONNREFUSED 127.0.0.1:5432",
    });
    expect(step.checkedAt).not.toBeNull();
    // Ticked once, not again on the next pass.
    await tickLiveChecks(snapshotOf([primaryDown, regionView("eu-west-1")]), defaultRuleSettings());
    expect(
      (await readIncidentDetail(incident.id)).events.filter(
        (e) => e.actor === "Live check" && e.message.includes("Verify the primary is down"),
      ),
    ).toHaveLength(1);
  });

  it("ticks a step that says something was fixed only after seeing it broken", async () => {
    const incident = await declareP1("Fixed only after broken");
    const healthy = snapshotOf([regionView("us-east-1", { role: "primary" }), regionView("eu-west-1")]);
    const key = "incident-response/verify-resolution";
    const ticked = async () => (await readIncidentDetail(incident.id)).steps.find((s) => s.key === key)!.checked;
    await tickLiveChecks(healthy, defaultRuleSettings());
    expect(await ticked()).toBe(false);
    await tickLiveChecks(
      snapshotOf([regionView("us-east-1", { role: "primary", status: "unhealthy" }), regionView("eu-west-1")]),
      defaultRuleSettings(),
    );
    expect(await ticked()).toBe(false);
    await tickLiveChecks(healthy, defaultRuleSettings());
    expect(await ticked()).toBe(true);
  });

  it("a stability timer ticks its step after 15 minutes healthy without a break, and starts over when one breaks it", async () => {
    const incident = await declareP1("Stability");
    const healthy = snapshotOf([regionView("us-east-1", { role: "primary" }), regionView("eu-west-1")]);
    const broken = snapshotOf([
      regionView("us-east-1", { role: "primary", status: "unhealthy" }),
      regionView("eu-west-1"),
    ]);
    const key = "incident-response/monitor-stability";
    const step = async () => (await readIncidentDetail(incident.id)).steps.find((s) => s.key === key)!;
    const t0 = Date.now();
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    // Healthy from the start: nothing was fixed yet, so no timer.
    await tickLiveChecks(healthy, defaultRuleSettings(), null, at(0));
    expect(await step()).toMatchObject({ checked: false, holdingSince: null, holdMinutes: 15 });
    await tickLiveChecks(broken, defaultRuleSettings(), null, at(1));
    await tickLiveChecks(healthy, defaultRuleSettings(), null, at(2));
    expect((await step()).holdingSince).toBe(at(2).toISOString());
    await tickLiveChecks(healthy, defaultRuleSettings(), null, at(10));
    expect((await step()).checked).toBe(false);
    // A break at minute 12 starts it over, and the timeline says why.
    await tickLiveChecks(broken, defaultRuleSettings(), null, at(12));
    expect((await step()).holdingSince).toBeNull();
    const events = (await readIncidentDetail(incident.id)).events.map((e) => e.message);
    expect(events.some((m) => m.includes("stability broken") && m.includes("15-minute timer starts over"))).toBe(true);
    await tickLiveChecks(healthy, defaultRuleSettings(), null, at(13));
    await tickLiveChecks(healthy, defaultRuleSettings(), null, at(27));
    expect((await step()).checked).toBe(false);
    await tickLiveChecks(healthy, defaultRuleSettings(), null, at(28));
    expect(await step()).toMatchObject({ checked: true, checkedBy: "Live check" });
    expect((await step()).observed).toContain("for 15 min without a break");
  });
});

describe("status, hand-over and comms", () => {
  it("moves through the flow, records mitigation and resolution, reopens, and refuses stale or impossible moves", async () => {
    const i = await declareP1("Flow");
    await expect(
      svc.changeStatus(engineer, i.id, { status: "mitigating", expectedStatus: "investigating" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await svc.changeStatus(lead, i.id, { status: "mitigating", expectedStatus: "investigating" });
    // A second lead who still saw Investigating is told, and nothing moves.
    await expect(
      svc.changeStatus(lead2, i.id, { status: "monitoring", expectedStatus: "investigating" }),
    ).rejects.toMatchObject({ code: "conflict" });
    // A message sent meanwhile is no reason to refuse.
    await svc.acknowledge(engineer, i.id);
    const mon = await svc.changeStatus(lead, i.id, { status: "monitoring", expectedStatus: "mitigating" });
    expect(mon.mitigatedAt).not.toBeNull();
    await expect(
      svc.changeStatus(lead, i.id, { status: "investigating", expectedStatus: "monitoring" }),
    ).rejects.toMatchObject({ code: "conflict" });
    const res = await svc.changeStatus(lead, i.id, { status: "resolved", expectedStatus: "monitoring" });
    expect(res.resolvedAt).not.toBeNull();
    const reopened = await svc.changeStatus(lead, i.id, { status: "investigating", expectedStatus: "resolved" });
    expect(reopened).toMatchObject({ status: "investigating", resolvedAt: null });
    const handed = await svc.handOver(lead, i.id, lead2.id);
    expect(handed.lead.id).toBe(lead2.id);
    const kinds = (await readIncidentDetail(i.id)).events.map((e) => e.message);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "Status Investigating → Mitigating",
        "Status Monitoring → Resolved",
        "Reopened the incident",
        "Handed over from lead to lead2",
      ]),
    );
  });

  it("posts a message to the incident channel, lands it on the timeline and stops the Communicate clock", async () => {
    const i = await declareP1("Comms");
    await expect(svc.sendComm(engineer, i.id, { kind: "initial", body: "hello" })).rejects.toMatchObject({
      code: "forbidden",
    });
    const r = await svc.sendComm(lead, i.id, { kind: "initial", body: "🚨 INCIDENT: Comms\nSeverity: P1" });
    expect(r.delivered).toBe(true);
    expect(slack.bodies).toContainEqual({ text: "🚨 INCIDENT: Comms\nSeverity: P1" });
    const d = await readIncidentDetail(i.id);
    expect(d.incident.firstCommAt).not.toBeNull();
    expect(d.events.find((e) => e.kind === "comm")).toMatchObject({
      message: "Sent Initial Alert to the incident channel",
      data: { body: "🚨 INCIDENT: Comms\nSeverity: P1" },
    });
  });
});

describe("the open incidents list", () => {
  it("is read once per change, and shows each change at once: a declaration, a hand-over, a resolution", async () => {
    const caller = { kind: "user", user: viewer } as const;
    const open = () => svc.listIncidents(caller, { status: "open" });
    const [a, b] = [open(), open()];
    expect(await a).toBe(await b); // one read for both, not the store twice
    const i = await declareP1("Listed");
    expect((await open()).map((x) => x.id)).toContain(i.id);
    await svc.handOver(lead, i.id, lead2.id);
    expect((await open()).find((x) => x.id === i.id)?.lead.id).toBe(lead2.id);
    await svc.changeStatus(lead2, i.id, { status: "resolved", expectedStatus: "investigating" });
    expect((await open()).map((x) => x.id)).not.toContain(i.id);
    expect((await svc.listIncidents(caller, { status: "resolved" })).map((x) => x.id)).toContain(i.id);
  });
});

describe("the audit chain", () => {
  const auditOf = async (id: number) =>
    (
      await (
        await getDb()
      ).query<{ action: string; actor_email: string; detail: Record<string, unknown> }>(
        "select action, actor_email, detail from audit_log where target = $1 order by id",
        [`INC-${id}`],
      )
    ).rows;

  it("gets every change to an incident, by whom, in the change's own transaction", async () => {
    const i = await declareP1("Audited");
    const key = "primary-database-failure/verify-primary-down";
    await svc.checkStep(engineer, i.id, { stepKey: key, checked: true, expectedVersion: 0 });
    await svc.checkStep(engineer, i.id, { stepKey: key, checked: false, expectedVersion: 1 });
    await svc.changeStatus(lead, i.id, { status: "mitigating", expectedStatus: "investigating" });
    await svc.updateDetails(lead, i.id, {
      impact: "Writes fail in one region",
      eta: "30 min",
      rootCause: "",
      severity: "P0",
    });
    await svc.acknowledge(engineer, i.id);
    await svc.handOver(lead, i.id, lead2.id);
    await svc.sendComm(lead2, i.id, { kind: "update", body: "Still failing over" });
    await svc.addNote(engineer2, i.id, { text: "replica caught up" });
    await svc.savePostmortem(lead2, i.id, { markdown: "# What happened" });
    const rows = await auditOf(i.id);
    expect(rows.map((r) => [r.action, r.actor_email])).toEqual([
      ["incident.declare", lead.email],
      ["incident.step-check", engineer.email],
      ["incident.step-uncheck", engineer.email],
      ["incident.status", lead.email],
      ["incident.details", lead.email],
      ["incident.severity", lead.email],
      ["incident.acknowledge", engineer.email],
      ["incident.hand-over", lead.email],
      ["incident.comm", lead2.email],
      ["incident.note", engineer2.email],
      ["incident.postmortem-write", lead2.email],
    ]);
    expect(rows[0]!.detail).toMatchObject({ title: "Audited", severity: "P1", leadId: lead.id });
    expect(rows[3]!.detail).toEqual({ from: "investigating", to: "mitigating" });
    expect(rows[5]!.detail).toEqual({ from: "P1", to: "P0" });
    expect(rows[7]!.detail).toEqual({ from: lead.email, to: lead2.email });
    expect(rows[9]!.detail).toEqual({ text: "replica caught up" });
    const { verifyAuditChain } = await import("@/server/audit/verify-audit");
    expect(await verifyAuditChain(await getDb())).toMatchObject({ ok: true });
  });

  it("writes nothing for a refused or conflicting change", async () => {
    const i = await declareP1("Refused");
    const before = await auditOf(i.id);
    await expect(
      svc.changeStatus(engineer, i.id, { status: "mitigating", expectedStatus: "investigating" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      svc.changeStatus(lead, i.id, { status: "monitoring", expectedStatus: "mitigating" }),
    ).rejects.toMatchObject({ code: "conflict" });
    await expect(svc.addNote(viewer, i.id, { text: "x" })).rejects.toMatchObject({ code: "forbidden" });
    expect(await auditOf(i.id)).toEqual(before);
  });
});

describe("escalation", () => {
  // Each test counts only its own incidents' pages.
  beforeEach(async () => {
    await (
      await getDb()
    ).query("update incident_pages set cancelled_at = now() where sent_at is null and cancelled_at is null");
  });

  it("pages on time from timers kept in the store, across a restart, once each, and skips the backup after an acknowledgement", async () => {
    await expect(updatePolicy(lead, { levels: [] })).rejects.toMatchObject({ code: "forbidden" });
    await updatePolicy(admin, {
      levels: [
        { level: 0, afterSeconds: 0, target: "On-call engineer" },
        { level: 1, afterSeconds: 900, target: "Tech lead", contact: "#tech-leads" },
        {
          level: 10,
          afterSeconds: 300,
          target: "Backup on-call engineer",
          severities: ["P0"],
          onlyIfUnacknowledged: true,
        },
      ],
    });
    const p0 = await svc.declareIncident(lead, {
      title: "Everything is down",
      scenarioId: null,
      severity: "P0",
      leadId: lead.id,
    });
    const acked = await svc.declareIncident(lead, {
      title: "Acknowledged quickly",
      scenarioId: null,
      severity: "P0",
      leadId: lead.id,
    });
    const t0 = Date.parse(p0.declaredAt);
    pager.bodies.length = 0;

    // At once: the on-call engineer of both incidents.
    expect(await sendDuePages(new Date(t0 + 1000))).toBe(2);
    await svc.acknowledge(engineer, acked.id);

    // The console restarts: a new store connection; nothing in memory survives.
    await (await getDb()).close();
    (globalThis as { __switchyardDb?: unknown }).__switchyardDb = undefined;

    // Six minutes on, two consoles look at once: the unacknowledged P0's backup goes out exactly once.
    const [a, b] = await Promise.all([
      sendDuePages(new Date(t0 + 6 * 60_000)),
      sendDuePages(new Date(t0 + 6 * 60_000)),
    ]);
    expect(a + b).toBe(1);
    // Fifteen minutes on: the tech lead, for both.
    expect(await sendDuePages(new Date(t0 + 15 * 60_000 + 1000))).toBe(2);
    expect(await sendDuePages(new Date(t0 + 20 * 60_000))).toBe(0);

    // Triggers only: the acknowledgement also tells PagerDuty (an "acknowledge" event without a payload).
    const triggers = (
      pager.bodies as {
        event_action: string;
        payload: { summary: string; severity: string };
        dedup_key: string;
        routing_key: string;
      }[]
    ).filter((x) => x.event_action === "trigger");
    const summaries = triggers.map((x) => x.payload.summary);
    expect(summaries.filter((s) => s.includes("Backup on-call engineer"))).toEqual([
      `[P0] INC-${p0.id} Everything is down: paging Backup on-call engineer`,
    ]);
    expect(summaries.filter((s) => s.includes("Tech lead"))).toHaveLength(2);
    expect(triggers[0]).toMatchObject({
      routing_key: "test-routing-key",
      event_action: "trigger",
      payload: { source: "switchyard", severity: "critical" },
    });
    const d = await readIncidentDetail(acked.id);
    expect(d.pages.find((p) => p.level === 10)).toMatchObject({ sentAt: null });
    expect(d.pages.find((p) => p.level === 10)!.cancelledAt).not.toBeNull();
    expect(d.events.filter((e) => e.kind === "escalation").map((e) => e.message)).toEqual([
      "Paged On-call engineer",
      "Paged Tech lead (#tech-leads)",
    ]);
  });

  it("stops paging once the incident is resolved", async () => {
    const i = await svc.declareIncident(lead, {
      title: "Resolved fast",
      scenarioId: null,
      severity: "P1",
      leadId: lead.id,
    });
    await svc.changeStatus(lead, i.id, { status: "resolved", expectedStatus: "investigating" });
    expect(await sendDuePages(new Date(Date.parse(i.declaredAt) + 3_600_000))).toBe(0);
  });
});
