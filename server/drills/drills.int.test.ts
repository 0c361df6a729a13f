import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { causeOf } from "@/lib/alert-groups";
import { fleetFileRegion as region, regionView } from "@/tests/support/fleet-fixtures";
import { freshDatabase } from "@/tests/support/fresh-database";
import { startWebhookReceiver } from "@/tests/support/webhook-receiver";

/**
 * Drills on a real PostgreSQL store, without the lab: only leads and admins start and end them (a refusal writes
 * nothing); a fault goes in and out through the fleet file's hooks (here a stand-in script that records its
 * arguments, so the kind is seen arriving as one argument); the drill's alerts are expected; its incident pages the
 * participants only, never the chain nor the team webhook; the score comes from the real timestamps.
 */

const dir = mkdtempSync(path.join(tmpdir(), "switchyard-drills-"));
const hookLog = path.join(dir, "hook.log");
// The lab's fault injector, as a stand-in: records its arguments; "fail" in its own arguments makes it fail as the lab does.
const script = path.join(dir, "fault-hook.mjs");
writeFileSync(
  script,
  `import { appendFileSync } from "node:fs";
const args = process.argv.slice(2);
appendFileSync(${JSON.stringify(hookLog)}, JSON.stringify(args) + "\\n");
if (args[0] === "fail") { console.error("lab: " + args[1] + " API did not stop"); process.exit(2); }
console.log(args[1] + " " + args[2] + " done");
`,
);
chmodSync(script, 0o755);
const hooks = (region: string, inject = "inject") => ({
  injectFault: { argv: [process.execPath, script, inject, region] },
  clearFault: { argv: [process.execPath, script, "clear", region] },
});
writeFileSync(
  path.join(dir, "fleet.json"),
  JSON.stringify({
    version: 1,
    regions: [
      // the lab's regions: Switchyard injects faults itself
      region("us-east-1", "primary", 9201, { hooks: hooks("us-east-1") }),
      // a real fleet's region: no fault hooks, people cause the fault
      region("eu-west-1", "replica", 9202),
      // a lab whose injector fails
      region("ap-southeast-1", "replica", 9203, { hooks: hooks("ap-southeast-1", "fail") }),
    ],
  }),
);

const team = await startWebhookReceiver();
const personal = await startWebhookReceiver();
const slack = await startWebhookReceiver();
process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.FLEET_CONFIG = path.join(dir, "fleet.json");
process.env.PAGER_WEBHOOK_URL = team.url;
process.env.PAGER_FORMAT = "generic";
process.env.SLACK_WEBHOOK_URL = slack.url;
delete process.env.ALERT_WEBHOOK_URL;

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const drills = await import("@/server/drills/drill-service");
const incidents = await import("@/server/incidents/incident-service");
const { sendDuePages } = await import("@/server/incidents/escalation");
const { readIncidentDetail } = await import("@/server/incidents/incident-store");
const { addContactMethod } = await import("@/server/notify/contact-methods-service");
const { fireAlert } = await import("@/server/alerts/alert-store");
const { fileAlert } = await import("@/server/alerts/alert-groups");
const { postStatusUpdate } = await import("@/server/status/status-service");
type User = import("@/server/auth/users").User;

let admin: User, lead: User, engineer: User, viewer: User, pat: User, sam: User;
const db = await getDb();
const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;
const written = async () => ({
  drills: await count("select count(*)::int as n from drills"),
  windows: await count("select count(*)::int as n from maintenance_windows"),
  audit: await count("select count(*)::int as n from audit_log where action like 'drill.%'"),
});
const hookCalls = () =>
  readFileSync(hookLog, { encoding: "utf8", flag: "a+" })
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
const audits = (action: string) =>
  db.query<{ actor_email: string; target: string; detail: Record<string, unknown> }>(
    "select actor_email, target, detail from audit_log where action = $1 order by id",
    [action],
  );

const MIN = 60_000;
const labDrill = () => ({
  scenarioId: "primary-database-failure",
  severity: "P1",
  region: "us-east-1",
  fault: "db-down",
  participants: [pat.id, sam.id],
});

/** Ends whatever drill runs, so each test starts its own. */
async function endRunning() {
  const running = await drills.getRunningDrill(admin);
  if (running) await drills.endDrill(admin, { id: running.id, clearFault: false });
}

beforeAll(async () => {
  const mk = (email: string, name: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name, role }));
  [admin, lead, engineer, viewer, pat, sam] = await Promise.all([
    mk("admin@drill.test", "Ada Admin", "admin"),
    mk("lead@drill.test", "Lee Lead", "lead"),
    mk("eng@drill.test", "Eli Engineer", "engineer"),
    mk("viewer@drill.test", "Vi Viewer", "viewer"),
    mk("pat@drill.test", "Pat Participant", "engineer"),
    mk("sam@drill.test", "Sam Participant", "viewer"),
  ]);
  // Each participant's own pager, and the on-call engineer's: only the participants may hear of a drill.
  await addContactMethod(pat, { userId: pat.id, kind: "webhook", address: `${personal.url}?who=pat` });
  await addContactMethod(sam, { userId: sam.id, kind: "webhook", address: `${personal.url}?who=sam` });
  await addContactMethod(engineer, { userId: engineer.id, kind: "webhook", address: `${personal.url}?who=oncall` });
});
beforeEach(endRunning);
afterAll(async () => {
  await db.close();
  await Promise.all([team.close(), personal.close(), slack.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("who may start and end a drill", () => {
  it("a viewer and an engineer are refused, and nothing is written nor injected", async () => {
    const before = await written();
    const calls = hookCalls().length;
    for (const u of [viewer, engineer]) {
      await expect(drills.startDrill(u, labDrill())).rejects.toMatchObject({
        code: "forbidden",
        message: "Only incident leads and admins can start or end a drill.",
      });
    }
    expect(await written()).toEqual(before);
    expect(hookCalls()).toHaveLength(calls);

    const { id } = await drills.startDrill(lead, { ...labDrill(), fault: null });
    const mid = await written();
    for (const u of [viewer, engineer])
      await expect(drills.endDrill(u, { id })).rejects.toMatchObject({ code: "forbidden" });
    expect(await written()).toEqual(mid);
    expect((await drills.getDrill(viewer, id)).status).toBe("running");
  });

  it("refuses what cannot be a drill of this fleet, writing nothing", async () => {
    const before = await written();
    const refused = async (raw: Record<string, unknown>, message: RegExp) =>
      expect(drills.startDrill(lead, { ...labDrill(), ...raw })).rejects.toMatchObject({
        code: "invalid",
        message: expect.stringMatching(message),
      });
    await refused({ region: "sa-east-1" }, /^Region: sa-east-1 is not a region of this fleet/);
    await refused({ region: "eu-west-1" }, /^Fault: eu-west-1 has no injectFault and clearFault hooks/);
    await refused({ participants: ["00000000-0000-4000-8000-000000000000"] }, /^Participants: .* is not people/);
    await refused({ participants: [] }, /^participants: pick at least one participant/);
    await refused({ scenarioId: "failover-test" }, /^fault: must be none for the failover test/);
    expect(await written()).toEqual(before);
  });

  it("one drill at a time", async () => {
    const { id } = await drills.startDrill(lead, { ...labDrill(), fault: null });
    const before = await written();
    await expect(drills.startDrill(admin, { ...labDrill(), fault: null })).rejects.toMatchObject({
      code: "conflict",
      message: `Drill #${id} is running; end it before starting another.`,
    });
    expect(await written()).toEqual(before);
  });
});

describe("a lab drill", () => {
  it("injects the fault through the hook (its kind one argument), makes its alerts expected, and clears it at the end", async () => {
    const started = new Date();
    const { id, faultInjectedAt } = await drills.startDrill(lead, labDrill(), started);
    expect(faultInjectedAt).not.toBeNull();
    expect(hookCalls().at(-1)).toEqual(["inject", "us-east-1", "db-down"]);
    const d = await drills.getDrill(viewer, id);
    expect(d).toMatchObject({
      status: "running",
      scenarioTitle: "Scenario 2: Primary database failure",
      fault: "db-down",
      startedBy: "Lee Lead",
      participants: [
        { id: pat.id, name: "Pat Participant" },
        { id: sam.id, name: "Sam Participant" },
      ],
      incident: null,
      score: null,
    });
    expect((await audits("drill.start")).rows.at(-1)).toMatchObject({
      actor_email: "lead@drill.test",
      target: `drill #${id}`,
      detail: { fault: "db-down", region: "us-east-1", participants: ["pat@drill.test", "sam@drill.test"] },
    });
    expect((await audits("drill.inject-fault")).rows.at(-1)?.detail).toMatchObject({
      output: "us-east-1 db-down done",
    });

    // Its window: not on the public status page; a stopped primary's alerts, in every region, are expected.
    const w = (
      await db.query<{ title: string; public: boolean; regions: string[]; components: string[]; ends_at: Date }>(
        "select title, public, regions, components, ends_at from maintenance_windows where id = $1",
        [d.maintenanceWindowId],
      )
    ).rows[0]!;
    expect(w).toMatchObject({
      title: `Drill #${id}: Scenario 2: Primary database failure`,
      public: false,
      regions: [],
      components: ["api", "database"],
    });
    const regions = [regionView("us-east-1", { role: "primary", status: "unhealthy" }), regionView("eu-west-1")];
    const labels = { region: "us-east-1" };
    const at = new Date(started.getTime() + 30_000);
    const fired = await fireAlert(
      {
        source: "rule",
        ruleId: "region-unhealthy",
        fingerprint: "region-unhealthy/us-east-1",
        name: "Region unhealthy",
        severity: "critical",
        labels,
        summary: "us-east-1 is unhealthy",
        value: 1,
        runbook: null,
      },
      at,
    );
    const cause = causeOf(
      { ruleId: "region-unhealthy", fingerprint: "region-unhealthy/us-east-1", name: "Region unhealthy", labels },
      regions,
    );
    const filed = await fileAlert({ ...fired!, ruleId: "region-unhealthy" }, cause, at, regions);
    expect(filed).toMatchObject({ expected: true, paging: false });
    expect(await count("select count(*)::int as n from incident_pages where group_id = $1", [filed.groupId])).toBe(0);

    const ended = await drills.endDrill(lead, { id, clearFault: true });
    expect(ended).toMatchObject({ faultCleared: true, note: null });
    expect(hookCalls().at(-1)).toEqual(["clear", "us-east-1", "db-down"]);
    const after = await drills.getDrill(viewer, id);
    expect(after).toMatchObject({ status: "ended", endedBy: "Lee Lead" });
    expect(after.faultClearedAt).not.toBeNull();
    // The alerts stay expected a few minutes more while the cleared fault's alerts resolve.
    const endsAt = (
      await db.query<{ ends_at: Date }>("select ends_at from maintenance_windows where id = $1", [
        d.maintenanceWindowId,
      ])
    ).rows[0]!.ends_at.getTime();
    expect(endsAt).toBeGreaterThan(Date.now() + 4 * MIN);
    expect(endsAt).toBeLessThan(Date.now() + 6 * MIN);
    await expect(drills.endDrill(lead, { id })).rejects.toMatchObject({ code: "conflict" });
  });

  it("a fault the lab cannot inject cancels the drill and says why", async () => {
    const before = await written();
    const err = await drills.startDrill(lead, { ...labDrill(), region: "ap-southeast-1" }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "precondition_failed",
      message: expect.stringMatching(/could not be injected in ap-southeast-1: .*lab: ap-southeast-1 API did not stop/),
    });
    const d = (await drills.listDrills(viewer))[0]!;
    expect(d).toMatchObject({ status: "cancelled", faultInjectedAt: null, region: "ap-southeast-1" });
    expect(d.faultNote).toMatch(/lab: ap-southeast-1 API did not stop/);
    expect(await written()).toMatchObject({ drills: before.drills + 1 });
    expect(await drills.getRunningDrill(viewer)).toBeNull();
  });

  it("on a real fleet people cause the fault: the drill only records its start", async () => {
    const calls = hookCalls().length;
    const { id, faultInjectedAt } = await drills.startDrill(lead, {
      ...labDrill(),
      scenarioId: "mirror-storage-failure",
      region: "eu-west-1",
      fault: null,
    });
    expect(faultInjectedAt).toBeNull();
    expect(hookCalls()).toHaveLength(calls);
    expect(await drills.endDrill(lead, { id, clearFault: true })).toMatchObject({ faultCleared: null });
  });
});

describe("the drill's incident", () => {
  const declare = (drillId: number | null, title = "Drill: primary database down") =>
    incidents.declareIncident(lead, {
      title,
      scenarioId: "primary-database-failure",
      severity: "P1",
      regions: ["us-east-1"],
      leadId: lead.id,
      drillId,
    });

  it("pages the participants only: never the chain, the on-call person nor the team webhook", async () => {
    const { id } = await drills.startDrill(lead, { ...labDrill(), fault: null });
    team.bodies.length = 0;
    personal.requests.length = 0;
    const incident = await declare(id);
    expect(incident.drillId).toBe(id);
    const d = await readIncidentDetail(incident.id);
    expect(d.pages.map((p) => [p.level, p.target])).toEqual([
      [100, "Drill participant Pat Participant"],
      [101, "Drill participant Sam Participant"],
    ]);
    expect(d.events[0]!.message).toContain(`as the incident of Drill #${id}: pages go to its participants only`);

    expect(await sendDuePages(new Date(Date.now() + 1000))).toBe(2);
    const who = personal.requests.map((r) => new URL(r.path, "http://x").searchParams.get("who")).sort();
    expect(who).toEqual(["pat", "sam"]);
    for (const r of personal.requests)
      expect((r.body as { summary: string }).summary).toMatch(/^\[DRILL\] \[P1\] INC-\d+ Drill: primary database down/);
    expect(team.bodies).toEqual([]);
    // Nothing else comes due for it later: no tech lead at 15 minutes, no CTO at an hour.
    expect(await sendDuePages(new Date(Date.now() + 2 * 3_600_000))).toBe(0);
    expect(team.bodies).toEqual([]);

    // Its messages say it is a drill; the public status page is not told.
    await incidents.sendComm(lead, incident.id, { kind: "initial", body: "Primary down (drill)" });
    expect(slack.bodies.at(-1)).toEqual({ text: "[DRILL] Primary down (drill)" });
    await expect(
      postStatusUpdate(lead, incident.id, { title: "Database trouble", body: "We are looking into it." }),
    ).rejects.toMatchObject({ code: "conflict" });

    // One incident per drill; a real incident declared meanwhile pages the chain as always.
    await expect(declare(id, "Second drill incident")).rejects.toMatchObject({ code: "conflict" });
    const real = await declare(null, "A real outage during the drill");
    expect(real.drillId).toBeNull();
    expect((await readIncidentDetail(real.id)).pages.map((p) => p.level)).toContain(0);
  });

  it("cannot be declared for a drill that ended", async () => {
    const { id } = await drills.startDrill(lead, { ...labDrill(), fault: null });
    await drills.endDrill(lead, { id });
    const before = await count("select count(*)::int as n from incidents");
    await expect(declare(id)).rejects.toMatchObject({ code: "conflict" });
    await expect(declare(999_999)).rejects.toMatchObject({ code: "invalid" });
    expect(await count("select count(*)::int as n from incidents")).toBe(before);
  });
});

describe("the score", () => {
  it("is computed from the real timestamps against the severity's targets, and kept when the drill ends", async () => {
    const { id, faultInjectedAt } = await drills.startDrill(lead, labDrill());
    const incident = await incidents.declareIncident(lead, {
      title: "Drill: primary down",
      scenarioId: "primary-database-failure",
      severity: "P2",
      leadId: lead.id,
      drillId: id,
    });
    await incidents.sendComm(lead, incident.id, { kind: "initial", body: "Investigating" });
    await incidents.changeStatus(lead, incident.id, { status: "monitoring", expectedStatus: "investigating" });
    await incidents.changeStatus(lead, incident.id, { status: "resolved", expectedStatus: "monitoring" });
    const i = (await readIncidentDetail(incident.id)).incident;

    const { score } = await drills.endDrill(lead, { id, clearFault: true });
    const ms = (a: string, b: string) => Date.parse(b) - Date.parse(a);
    // Scored against the drill's P1, not the P2 the incident was declared with.
    expect(score).toMatchObject({ severity: "P1", met: 4, total: 4, percent: 100 });
    expect(score.measures).toEqual([
      { measure: "declare", measuredMs: ms(faultInjectedAt!, i.declaredAt), targetMs: 5 * MIN, state: "met" },
      { measure: "firstMessage", measuredMs: ms(i.declaredAt, i.firstCommAt!), targetMs: 15 * MIN, state: "met" },
      { measure: "mitigated", measuredMs: ms(i.declaredAt, i.mitigatedAt!), targetMs: 60 * MIN, state: "met" },
      { measure: "resolved", measuredMs: ms(i.declaredAt, i.resolvedAt!), targetMs: 75 * MIN, state: "met" },
    ]);
    const kept = await drills.getDrill(viewer, id);
    expect(kept.score).toEqual(score);
    expect(kept.incident).toMatchObject({ id: incident.id, status: "resolved" });
    expect((await audits("drill.end")).rows.at(-1)?.detail).toMatchObject({ incident: incident.id, percent: 100 });
  });

  it("a drill ended before mitigation misses the marks not reached, and one without an incident misses all", async () => {
    const { id } = await drills.startDrill(lead, { ...labDrill(), fault: null });
    const incident = await incidents.declareIncident(lead, {
      title: "Drill: half done",
      scenarioId: null,
      severity: "P1",
      leadId: lead.id,
      drillId: id,
    });
    await incidents.sendComm(lead, incident.id, { kind: "initial", body: "Investigating" });
    // Ended two hours later: mitigation and resolution were never reached.
    const { score } = await drills.endDrill(lead, { id }, new Date(Date.now() + 2 * 3_600_000));
    expect(score.measures.map((m) => m.state)).toEqual(["met", "met", "missed", "missed"]);
    expect(score.percent).toBe(50);

    const { id: idle } = await drills.startDrill(lead, { ...labDrill(), fault: null });
    expect((await drills.endDrill(lead, { id: idle })).score.percent).toBe(0);

    // While a drill runs, its report reads the score so far: pending marks are not counted as missed.
    const { id: live } = await drills.startDrill(lead, { ...labDrill(), fault: null });
    const so = drills.drillScore(await drills.getDrill(viewer, live));
    expect(so.measures.map((m) => m.state)).toEqual(["pending", "pending", "pending", "pending"]);
  });
});
