import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { freshDatabase } from "@/tests/support/fresh-database";

/** The public status page on a real PostgreSQL store: posting from an incident, the public view builder, the uptime history. */

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.LAB_DIR = "/nonexistent-lab"; // no fleet: the tests hand the builder their own snapshots
delete process.env.SLACK_WEBHOOK_URL;
delete process.env.PAGER_WEBHOOK_URL;

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const incidents = await import("@/server/incidents/incident-service");
const { readIncidentDetail } = await import("@/server/incidents/incident-store");
const status = await import("@/server/status/status-service");
const { writeStatusMinute } = await import("@/server/status/status-store");
const { statusHistoryRecorder } = await import("@/server/status/status-history");
type User = import("@/server/auth/users").User;

let lead: User, engineer: User, viewer: User, admin: User;
const db = await getDb();
const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;
const counts = async () => ({
  updates: await count("select count(*)::int as n from status_updates"),
  audit: await count("select count(*)::int as n from audit_log where action = 'incident.status-page-post'"),
  events: await count("select count(*)::int as n from incident_events"),
});

/** us-east-1 primary with its PostgreSQL stopped (the lab's db-down), its replicas well. */
const dbDown = regionView("us-east-1", {
  role: "primary",
  status: "unhealthy",
  sample: {
    db: { up: false, error: "connection refused", errorCode: "ECONNREFUSED" },
    api: {
      up: true,
      latencyMs: 4,
      health: { status: "down", db: { connected: false, writable: false, lastError: "connect ECONNREFUSED" } },
    },
  },
});
const healthy = () =>
  snapshotOf([regionView("us-east-1", { role: "primary" }), regionView("eu-west-1"), regionView("ap-southeast-1")]);
const down = () => snapshotOf([dbDown, regionView("eu-west-1"), regionView("ap-southeast-1")]);
const stateOf = (s: Awaited<ReturnType<typeof status.buildPublicStatus>>, id: string) =>
  s.components.find((c) => c.id === id)?.state;

beforeAll(async () => {
  const mk = (email: string, name: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name, role }));
  [lead, engineer, viewer, admin] = await Promise.all([
    mk("lead@status.test", "Lena Lead", "lead"),
    mk("eng@status.test", "Enzo Engineer", "engineer"),
    mk("viewer@status.test", "Vera Viewer", "viewer"),
    mk("admin@status.test", "Ada Admin", "admin"),
  ]);
});
afterAll(async () => (await getDb()).close());

const declare = (over: Partial<Parameters<typeof incidents.declareIncident>[1]> = {}) =>
  incidents.declareIncident(lead, {
    title: "us-east-1 primary database down",
    scenarioId: "primary-database-failure",
    severity: "P1",
    impact: "Writes fail",
    regions: ["us-east-1"],
    leadId: lead.id,
    ...over,
  });

describe("posting to the status page", () => {
  it("is refused to engineers and viewers, and a refused or invalid post writes nothing", async () => {
    const incident = await declare();
    const before = await counts();
    for (const u of [engineer, viewer])
      await expect(
        status.postStatusUpdate(u, incident.id, { title: "Uploads failing", body: "We are on it." }),
      ).rejects.toMatchObject({ code: "forbidden" });
    const refusals: [string, string, RegExp][] = [
      ["", "We are on it.", /title is empty/],
      ["Uploads failing", "   ", /update is empty/],
      ["Uploads failing", "The primary at db-1.internal:5432 stopped.", /must not contain a host or port/],
      ["Uploads failing", "Lena Lead is on it.", /must not contain a person's name \(Lena Lead\)/],
      ["Uploads failing", "Write to ops@status.test", /must not contain an email address/],
      ["Replay stuck at 0/5000A28", "Looking.", /WAL position/],
    ];
    for (const [title, body, why] of refusals)
      await expect(status.postStatusUpdate(lead, incident.id, { title, body })).rejects.toMatchObject({
        code: "invalid",
        message: expect.stringMatching(why),
      });
    await expect(status.postStatusUpdate(lead, 999_999, { title: "x", body: "y" })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await counts()).toEqual(before);
  });

  it("stores the update with the incident's status, audits it, puts it on the timeline and ticks the step", async () => {
    const incident = await declare();
    const before = await counts();
    const posted = await status.postStatusUpdate(admin, incident.id, {
      title: "  Uploads failing in North America ",
      body: "We are investigating failed uploads.",
    });
    expect(posted.status).toBe("investigating");
    expect(await counts()).toEqual({
      updates: before.updates + 1,
      audit: before.audit + 1,
      events: before.events + 2, // the post, and the ticked step
    });
    const row = (
      await db.query<{ title: string; status: string; body: string; posted_by: string }>(
        "select title, status, body, posted_by from status_updates where id = $1",
        [posted.updateId],
      )
    ).rows[0];
    expect(row).toEqual({
      title: "Uploads failing in North America",
      status: "investigating",
      body: "We are investigating failed uploads.",
      posted_by: admin.id,
    });
    const audit = (
      await db.query<{ actor_email: string; target: string; detail: Record<string, unknown> }>(
        "select actor_email, target, detail from audit_log where action = 'incident.status-page-post' order by id desc limit 1",
      )
    ).rows[0];
    expect(audit).toMatchObject({
      actor_email: admin.email,
      target: `INC-${incident.id}`,
      detail: { title: "Uploads failing in North America", status: "investigating" },
    });
    const d = await readIncidentDetail(incident.id);
    expect(d.incident.firstCommAt).not.toBeNull();
    expect(d.events.find((e) => e.kind === "comm")).toMatchObject({
      actor: "Ada Admin",
      data: { kind: "status-page", title: "Uploads failing in North America" },
    });
    expect(d.steps.find((s) => s.key === "incident-response/update-status-page")).toMatchObject({ checked: true });
  });
});

describe("the public view", () => {
  it("shows us-east-1's API down during db-down and operational once healthy, and only incidents put on the page", async () => {
    // A fresh store state for this test: no open incidents left from the ones above.
    await db.query("update incidents set status = 'resolved', resolved_at = now()");
    expect(stateOf(await status.buildPublicStatus(down()), "api-us-east-1")).toBe("major_outage");
    const ok = await status.buildPublicStatus(healthy());
    expect(ok.components.every((c) => c.state === "operational")).toBe(true);
    expect(ok.description).toBe("All systems operational");

    // Declared but never posted: the page neither lists it nor raises anything for it.
    const internal = await declare({
      title: "ap-southeast-1 CDN on fire",
      scenarioId: "cdn-provider-outage",
      severity: "P0",
    });
    const hidden = await status.buildPublicStatus(healthy());
    expect(hidden.incidents.map((i) => i.id)).not.toContain(`inc-${internal.id}`);
    expect(stateOf(hidden, "cdn")).toBe("operational");

    // Posted: listed with its public title and update, and its P0 makes CDN delivery a major outage.
    await status.postStatusUpdate(lead, internal.id, {
      title: "Videos slow to start",
      body: "We are looking into it.",
    });
    const shown = await status.buildPublicStatus(healthy());
    expect(stateOf(shown, "cdn")).toBe("major_outage");
    expect(shown.incidents[0]).toMatchObject({
      id: `inc-${internal.id}`,
      title: "Videos slow to start",
      status: "investigating",
      impact: "major_outage",
      components: ["cdn"],
      updates: [{ status: "investigating", body: "We are looking into it." }],
    });

    // Mitigating, a second update, then resolved: newest first, and the CDN operational again.
    await incidents.changeStatus(lead, internal.id, { status: "mitigating", expectedStatus: "investigating" });
    await status.postStatusUpdate(lead, internal.id, { title: "Videos slow to start", body: "A fix is rolling out." });
    await incidents.changeStatus(lead, internal.id, { status: "resolved", expectedStatus: "mitigating" });
    const after = await status.buildPublicStatus(healthy());
    expect(stateOf(after, "cdn")).toBe("operational");
    const past = after.incidents.find((i) => i.id === `inc-${internal.id}`)!;
    expect(past).toMatchObject({ status: "resolved", impact: "none" });
    expect(past.updates.map((u) => u.status)).toEqual(["identified", "investigating"]);
    expect(past.resolvedAt).not.toBeNull();

    // Nothing of the people behind it, nor of the samples.
    const text = JSON.stringify(after) + JSON.stringify(await status.buildPublicStatus(down()));
    for (const x of [
      "Lena",
      "Ada",
      "@status.test",
      "ECONNREFUSED",
      "127.0.0.1",
      "0/5000000",
      "CDN on fire",
      "Writes fail",
    ])
      expect(text, x).not.toContain(x);
  });

  it("keeps serving the last good view, with its age, while the store or the fleet cannot be read", async () => {
    let fail = false;
    const reader = status.publicStatusReader(async () => {
      if (fail) throw new Error("the console's store cannot be reached");
      return healthy();
    });
    await expect(status.publicStatusReader(async () => Promise.reject(new Error("store away"))).read()).rejects.toThrow(
      "store away",
    );
    const first = await reader.read();
    expect(first.fromMemory).toBe(false);
    fail = true;
    await new Promise((r) => setTimeout(r, 1100)); // past the rebuild interval
    const kept = await reader.read();
    expect(kept).toMatchObject({ fromMemory: true, status: { asOf: first.status.asOf } });
    expect(Date.parse(kept.servedAt)).toBeGreaterThan(Date.parse(first.status.asOf));
    fail = false;
    await new Promise((r) => setTimeout(r, 1100));
    expect((await reader.read()).fromMemory).toBe(false);
  });
});

describe("the uptime history", () => {
  const fence = { holder: "status-test", term: 7, holds: () => true };
  beforeAll(async () => {
    await db.query(
      "insert into collector_lease (id, holder, term, acquired_at, expires_at) values (1, $1, $2, now(), now() + interval '1 hour') on conflict (id) do update set holder = $1, term = $2, expires_at = now() + interval '1 hour'",
      [fence.holder, fence.term],
    );
  });

  it("adds each component's worst state per minute to its day, once per minute, and the bars show it", async () => {
    await db.query("update incidents set status = 'resolved', resolved_at = now()");
    const record = statusHistoryRecorder(fence);
    const t0 = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:10:00Z`); // today, within one UTC day
    // Minute 1 healthy, then a pass with us-east-1's database down within minute 2, then minute 3 starts.
    await record(healthy().regions, t0 + 5_000);
    await record(down().regions, t0 + 65_000);
    await record(healthy().regions, t0 + 70_000);
    await record(healthy().regions, t0 + 125_000);
    const rows = await db.query<{ component_id: string; operational: number; major_outage: number }>(
      "select component_id, operational, major_outage from status_days where component_id in ('api-us-east-1', 'cdn')",
    );
    const byId = Object.fromEntries(rows.rows.map((r) => [r.component_id, r]));
    expect(byId["api-us-east-1"]).toMatchObject({ operational: 1, major_outage: 1 });
    expect(byId.cdn).toMatchObject({ operational: 2, major_outage: 0 });

    // The same minute again (another pass, another console) is not counted twice.
    await writeStatusMinute(new Date(t0 + 60_000), new Map([["api-us-east-1", "major_outage"]]), fence, "2000-01-01");
    expect(
      (await db.query<{ n: number }>("select major_outage as n from status_days where component_id = 'api-us-east-1'"))
        .rows[0]!.n,
    ).toBe(1);

    // A console without the lease writes nothing.
    await writeStatusMinute(
      new Date(t0 + 180_000),
      new Map([["cdn", "major_outage"]]),
      { ...fence, term: 6 },
      "2000-01-01",
    );
    expect(
      (await db.query<{ n: number }>("select major_outage as n from status_days where component_id = 'cdn'")).rows[0]!
        .n,
    ).toBe(0);

    const view = await status.buildPublicStatus(healthy() as FleetSnapshot, new Date(t0 + 130_000));
    const api = view.components.find((c) => c.id === "api-us-east-1")!;
    expect(api.uptime.daysWithData).toBe(1);
    expect(api.uptime.days.at(-1)).toMatchObject({ state: "major_outage", uptimePercent: 50 });
    expect(api.uptime.days.at(-1)!.label).toMatch(/50% uptime, 1 min major outage$/);
    expect(api.uptime.days.at(-2)!.label).toMatch(/: no data$/);
  });
});
