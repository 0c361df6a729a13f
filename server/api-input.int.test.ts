import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";

/**
 * Bad input gets a 4xx, never a 500: ids beyond PostgreSQL's int4 in paths (404), queries and forms (400),
 * refused before the store sees them; an incident declared from an alert that does not exist; nothing written.
 */

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.LAB_DIR = "/nonexistent-lab"; // no fleet: decisions record no figures

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const { createApiToken } = await import("@/server/auth/api-tokens");
const { fireAlert } = await import("@/server/alerts/alert-store");
const incidents = await import("@/server/incidents/incident-service");
const { incidentId } = await import("@/server/incidents/incident-id");
const { maxInt4 } = await import("@/lib/ids");
const actionRoute = await import("@/app/api/v1/actions/[id]/route");
const actionsRoute = await import("@/app/api/v1/actions/route");
const incidentRoute = await import("@/app/api/v1/incidents/[id]/route");
const timelineRoute = await import("@/app/api/v1/incidents/[id]/timeline/route");
const postmortemRoute = await import("@/app/api/v1/incidents/[id]/postmortem/route");
const auditRoute = await import("@/app/api/v1/audit/route");
const healthRoute = await import("@/app/api/health/route");
type User = import("@/server/auth/users").User;
type Incident = import("@/lib/incident").Incident;

let lead: User, engineer: User;
let token: string;
let incident: Incident;

beforeAll(async () => {
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  const admin = await mk("admin@x.test", "admin");
  lead = await mk("lead@x.test", "lead");
  engineer = await mk("eng@x.test", "engineer");
  token = (await createApiToken(admin, { name: "reader" })).token;
  incident = await incidents.declareIncident(lead, {
    title: "Bad input",
    scenarioId: null,
    severity: "P3",
    leadId: lead.id,
  });
});
afterAll(async () => (await getDb()).close());

const tooBig = ["4294967296", "99999999999", String(maxInt4 + 1), "9".repeat(40)];
const request = (path: string) =>
  new Request(`http://console.test${path}`, { headers: { authorization: `Bearer ${token}` } });
const withId = (id: string) => ({ params: Promise.resolve({ id }) });

/** What the store wrote: each table a mutation here could touch. */
async function written() {
  const db = await getDb();
  const n = async (table: string) =>
    (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
  return {
    incidents: await n("incidents"),
    steps: await n("incident_steps"),
    events: await n("incident_events"),
    pages: await n("incident_pages"),
    runs: await n("action_runs"),
    audit: await n("audit_log"),
  };
}

/** Runs work, and fails if any query sent the store one of the bad ids. */
async function withoutAsking<T>(bad: string[], work: () => Promise<T>): Promise<T> {
  const db = await getDb();
  const query = vi.spyOn(db, "query");
  const transaction = vi.spyOn(db, "transaction");
  try {
    const result = await work();
    const sent = query.mock.calls.flatMap(([, params]) => (params ?? []).map(String));
    expect(sent.filter((p) => bad.includes(p) || bad.includes(`INC-${p}`))).toEqual([]);
    expect(transaction).not.toHaveBeenCalled();
    return result;
  } finally {
    query.mockRestore();
    transaction.mockRestore();
  }
}

describe("form ids", () => {
  it("makes a form's incident id beyond int4 a 400 naming the rule", () => {
    for (const bad of [...tooBig, "INC-4294967296", "abc", 0]) {
      expect(() => incidentId(bad)).toThrow(
        expect.objectContaining({
          code: "invalid",
          status: 400,
          message: expect.stringMatching(/not an incident id.*1 to 2147483647/),
        }),
      );
    }
    expect(incidentId("INC-2147483647")).toBe(maxInt4);
    expect(incidentId(incident.id)).toBe(incident.id);
  });
});

describe("path ids no row can have", () => {
  it("GET /api/v1/actions/<id> answers 404 without asking the store", async () => {
    for (const id of [...tooBig, "0", "abc", "1e3"]) {
      const res = await withoutAsking([id], () => actionRoute.GET(request(`/api/v1/actions/${id}`), withId(id)));
      expect(res.status, id).toBe(404);
      expect(await res.json()).toMatchObject({
        error: "not_found",
        message: expect.stringMatching(/^There is no action #/),
      });
    }
    // In range but absent: the store's own answer, still a 404.
    const res = await actionRoute.GET(request(`/api/v1/actions/${maxInt4}`), withId(String(maxInt4)));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ message: `There is no action #${maxInt4}.` });
  });

  it("GET /api/v1/incidents/<id>, its timeline and its post-mortem answer 404 without asking the store", async () => {
    const routes = [
      (id: string) => incidentRoute.GET(request(`/api/v1/incidents/${id}`), withId(id)),
      (id: string) => timelineRoute.GET(request(`/api/v1/incidents/${id}/timeline?format=csv`), withId(id)),
      (id: string) => postmortemRoute.GET(request(`/api/v1/incidents/${id}/postmortem`), withId(id)),
    ];
    for (const get of routes) {
      for (const id of [...tooBig, "INC-4294967296", "0", "abc"]) {
        const res = await withoutAsking([id], () => get(id));
        expect(res.status, id).toBe(404);
        expect(await res.json()).toMatchObject({
          error: "not_found",
          message: expect.stringMatching(/^There is no incident /),
        });
      }
      expect((await get(String(maxInt4))).status).toBe(404);
      expect((await get(`INC-${incident.id}`)).status).toBe(200);
    }
  });
});

describe("query ids beyond int4", () => {
  it("GET /api/v1/actions?incidentId= answers 400 naming the field, without asking the store", async () => {
    for (const id of [...tooBig, "0", "abc"]) {
      const res = await withoutAsking([id], () => actionsRoute.GET(request(`/api/v1/actions?incidentId=${id}`)));
      expect(res.status, id).toBe(400);
      expect(await res.json()).toEqual({
        error: "invalid",
        message: "incidentId: must be a whole number from 1 to 2147483647",
      });
    }
    const res = await actionsRoute.GET(request(`/api/v1/actions?incidentId=${incident.id}&status=open`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ runs: [] });
    expect((await actionsRoute.GET(request(`/api/v1/actions?incidentId=${maxInt4}`))).status).toBe(200);
  });
});

describe("form input beyond int4", () => {
  it("a checklist version beyond int4 is a 400, and nothing is written", async () => {
    const before = await written();
    await expect(
      incidents.checkStep(engineer, incident.id, { stepKey: "x/y", checked: true, expectedVersion: 99999999999 }),
    ).rejects.toMatchObject({ code: "invalid", message: expect.stringMatching(/^expectedVersion: /) });
    expect(await written()).toEqual(before);
  });
});

describe("declaring an incident from an alert", () => {
  it("refuses an alert that does not exist with a 400, writing nothing", async () => {
    const before = await written();
    for (const fromAlertId of [987654, maxInt4 + 1, Number.MAX_SAFE_INTEGER]) {
      await expect(
        incidents.declareIncident(lead, {
          title: "From a ghost alert",
          scenarioId: "primary-database-failure",
          severity: "P1",
          leadId: lead.id,
          fromAlertId,
        }),
      ).rejects.toMatchObject({ code: "invalid", status: 400, message: `Alert #${fromAlertId} does not exist.` });
    }
    expect(await written()).toEqual(before);
  });

  it("links an alert that exists", async () => {
    const alert = await fireAlert(
      {
        source: "alertmanager",
        ruleId: null,
        fingerprint: "api-input-1",
        name: "PostgresDown",
        severity: "critical",
        labels: {},
        summary: "down",
        value: null,
        runbook: null,
      },
      new Date(),
    );
    const declared = await incidents.declareIncident(lead, {
      title: "From a real alert",
      scenarioId: null,
      severity: "P2",
      leadId: lead.id,
      fromAlertId: alert!.id,
    });
    expect(declared.fromAlertId).toBe(alert!.id);
  });
});

describe("CSV exports", () => {
  it("neutralise a cell a spreadsheet would run as a formula, in the timeline and the audit log", async () => {
    const formula = '=HYPERLINK("http://x.test","open")';
    await incidents.addNote(engineer, incident.id, { text: formula });
    const timeline = await timelineRoute.GET(
      request(`/api/v1/incidents/${incident.id}/timeline?format=csv&kind=note`),
      withId(String(incident.id)),
    );
    expect(timeline.status).toBe(200);
    expect((await timeline.text()).split("\r\n")[1]).toMatch(
      /,eng,note,"'=HYPERLINK\(""http:\/\/x\.test"",""open""\)"$/,
    );

    const db = await getDb();
    const { appendAudit } = await import("@/server/audit/append-audit");
    await db.transaction((tx) => appendAudit(tx, { actor: engineer, action: "test.formula", target: "@SUM(A1:A9)" }));
    const audit = await auditRoute.GET(request("/api/v1/audit?action=test.formula&format=csv"));
    expect(audit.status).toBe(200);
    expect((await audit.text()).split("\r\n")[1]).toContain(",eng@x.test,test.formula,'@SUM(A1:A9),");
  });
});

describe("GET /api/health", () => {
  it("says the store is unavailable without its raw error, which goes to the log once", async () => {
    const db = await getDb();
    const raw = "connect ECONNREFUSED 10.9.8.7:5432";
    const query = vi.spyOn(db, "query").mockRejectedValue(new Error(raw));
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      for (let i = 0; i < 2; i++) {
        const res = await healthRoute.GET();
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(JSON.parse(text)).toMatchObject({ status: "degraded", store: "unavailable" });
        expect(text).not.toMatch(/ECONNREFUSED|10\.9\.8\.7|:5432/);
      }
      expect(logged.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes(raw))).toEqual([
        `[store] cannot reach the store (DATABASE_URL): ${raw}`,
      ]);
    } finally {
      query.mockRestore();
      logged.mockRestore();
    }
    expect(await (await healthRoute.GET()).json()).toMatchObject({ store: "ok" });
  });
});
