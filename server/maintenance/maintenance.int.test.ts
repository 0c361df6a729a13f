import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { causeOf } from "@/lib/alert-groups";
import { fleetFileRegion as region, regionView, snapshotOf } from "@/tests/support/fleet-fixtures";
import { freshDatabase } from "@/tests/support/fresh-database";

/**
 * Maintenance windows on a real PostgreSQL store: leads and admins schedule and cancel (audited, in one transaction),
 * others are refused and nothing is written; inside a window, a new alert group about what it covers is expected and
 * pages nobody, outside it pages as usual; the status page announces the public windows.
 */

// The fleet the service checks a window's regions against: the lab's three regions, in a file of this test's own.
const fleetDir = mkdtempSync(path.join(tmpdir(), "switchyard-maintenance-"));
writeFileSync(
  path.join(fleetDir, "fleet.json"),
  JSON.stringify({
    version: 1,
    regions: [
      region("us-east-1", "primary", 9101),
      region("eu-west-1", "replica", 9102),
      region("ap-southeast-1", "replica", 9103),
    ],
  }),
);

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.FLEET_CONFIG = path.join(fleetDir, "fleet.json");
delete process.env.PAGER_WEBHOOK_URL;
delete process.env.SLACK_WEBHOOK_URL;
delete process.env.ALERT_WEBHOOK_URL;

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/maintenance/maintenance-service");
const store = await import("@/server/maintenance/maintenance-store");
const { fireAlert, resolveAlert } = await import("@/server/alerts/alert-store");
const { fileAlert, closeGroupIfQuiet, readAlertGroups, routeGroupsAfterMaintenance } =
  await import("@/server/alerts/alert-groups");
const status = await import("@/server/status/status-service");
type User = import("@/server/auth/users").User;

let admin: User, lead: User, engineer: User, viewer: User;
const db = await getDb();
const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;
const counts = async () => ({
  windows: await count("select count(*)::int as n from maintenance_windows"),
  cancelled: await count("select count(*)::int as n from maintenance_windows where cancelled_at is not null"),
  audit: await count("select count(*)::int as n from audit_log where action like 'maintenance.%'"),
});
const audits = (action: string) =>
  db.query<{ actor_email: string; target: string; detail: Record<string, unknown> }>(
    "select actor_email, target, detail from audit_log where action = $1 order by id",
    [action],
  );

const MIN = 60_000;
/** A datetime-local value in UTC, as the form posts it. */
const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const inHours = (h: number) => local(Date.now() + h * 3_600_000);

beforeAll(async () => {
  const mk = (email: string, name: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name, role }));
  [admin, lead, engineer, viewer] = await Promise.all([
    mk("admin@maint.test", "Ada Admin", "admin"),
    mk("lead@maint.test", "Lee Lead", "lead"),
    mk("eng@maint.test", "Eli Engineer", "engineer"),
    mk("viewer@maint.test", "Vi Viewer", "viewer"),
  ]);
});
afterAll(async () => {
  await db.close();
  rmSync(fleetDir, { recursive: true, force: true });
});

describe("scheduling", () => {
  it("a lead schedules a window: stored and audited, and everyone reads it as upcoming", async () => {
    const before = await counts();
    const { id } = await svc.scheduleMaintenance(lead, {
      title: "Monthly failover test",
      reason: "The runbook's failover test: promote the eu-west-1 replica, then fail back.",
      startsAt: inHours(48),
      endsAt: inHours(50),
      regions: ["eu-west-1"],
      components: ["api", "database"],
    });
    expect(await counts()).toEqual({ ...before, windows: before.windows + 1, audit: before.audit + 1 });
    const audit = (await audits("maintenance.schedule")).rows.at(-1)!;
    expect(audit).toMatchObject({
      actor_email: "lead@maint.test",
      target: "maintenance: Monthly failover test",
      detail: { id, regions: ["eu-west-1"], components: ["api", "database"], public: true },
    });
    for (const u of [viewer, engineer, lead, admin]) {
      const o = await svc.readMaintenanceOverview(u);
      const w = o.upcoming.find((x) => x.id === id);
      expect(w).toMatchObject({
        title: "Monthly failover test",
        createdBy: "Lee Lead",
        public: true,
        cancelledAt: null,
      });
    }
  });

  it("an admin schedules one too, times read in the chosen zone", async () => {
    const { id } = await svc.scheduleMaintenance(admin, {
      title: "CDN provider rotation",
      startsAt: "2099-01-02T09:00",
      endsAt: "2099-01-02T10:30",
      timeZone: "Europe/Berlin",
      components: ["cdn"],
      public: false,
    });
    const w = (await store.readWindow(db, id))!;
    expect([w.startsAt, w.endsAt, w.regions, w.components, w.public]).toEqual([
      "2099-01-02T08:00:00.000Z",
      "2099-01-02T09:30:00.000Z",
      [],
      ["cdn"],
      false,
    ]);
  });

  it("viewers and engineers are refused, and nothing is written", async () => {
    const before = await counts();
    for (const u of [viewer, engineer])
      await expect(
        svc.scheduleMaintenance(u, { title: "Sneaky", startsAt: inHours(1), endsAt: inHours(2) }),
      ).rejects.toMatchObject({
        code: "forbidden",
        message: "Only incident leads and admins can schedule or cancel maintenance.",
      });
    expect(await counts()).toEqual(before);
  });

  it("refuses invalid input with words, and writes nothing", async () => {
    const before = await counts();
    const ok = { title: "Patch", startsAt: inHours(1), endsAt: inHours(2) };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, title: "" }, /^title: is required/],
      [{ ...ok, endsAt: ok.startsAt }, /^endsAt: must be after the start/],
      [{ ...ok, endsAt: inHours(1 + 24 * 7 + 1) }, /^endsAt: must be at most 7 days/],
      [{ ...ok, components: ["kitchen"] }, /^components\.0/],
      [{ ...ok, regions: ["eu-central-9"] }, /^Regions: eu-central-9 is not a region of this fleet/],
      [{ ...ok, startsAt: inHours(-3), endsAt: inHours(-1) }, /^Ends: must be in the future/],
      // A public window's title goes on the status page: no people's names, no internals.
      [{ ...ok, title: "Lee Lead upgrades Postgres" }, /must not contain a person's name \(Lee Lead\)/],
      [{ ...ok, title: "Move 10.0.0.5 to the new rack" }, /must not contain an IP address/],
    ];
    for (const [raw, message] of bad)
      await expect(svc.scheduleMaintenance(lead, raw)).rejects.toMatchObject({ code: "invalid", message });
    expect(await counts()).toEqual(before);
    // Not announced, the same title is the console's own business (far ahead: it covers everything).
    await svc.scheduleMaintenance(lead, {
      title: "Lee Lead upgrades Postgres",
      startsAt: "2097-05-01T10:00",
      endsAt: "2097-05-01T11:00",
      public: false,
    });
    expect((await counts()).windows).toBe(before.windows + 1);
  });
});

describe("cancelling", () => {
  it("a lead cancels a window to come: stamped, audited, listed as past; a second cancel is refused", async () => {
    const { id } = await svc.scheduleMaintenance(lead, {
      title: "Mirror resync",
      startsAt: inHours(5),
      endsAt: inHours(6),
    });
    for (const u of [viewer, engineer]) {
      const before = await counts();
      await expect(svc.cancelMaintenance(u, { id })).rejects.toMatchObject({ code: "forbidden" });
      expect(await counts()).toEqual(before);
    }
    const before = await counts();
    await svc.cancelMaintenance(admin, { id });
    expect(await counts()).toEqual({ ...before, cancelled: before.cancelled + 1, audit: before.audit + 1 });
    expect((await audits("maintenance.cancel")).rows.at(-1)).toMatchObject({
      actor_email: "admin@maint.test",
      target: "maintenance: Mirror resync",
      detail: { id, inProgress: false },
    });
    const o = await svc.readMaintenanceOverview(viewer);
    expect(o.upcoming.some((w) => w.id === id)).toBe(false);
    expect(o.past.find((w) => w.id === id)).toMatchObject({ cancelledBy: "Ada Admin" });
    const after = await counts();
    await expect(svc.cancelMaintenance(lead, { id })).rejects.toMatchObject({
      code: "conflict",
      message: 'The maintenance window "Mirror resync" was cancelled already.',
    });
    expect(await counts()).toEqual(after);
  });

  it("an ended window cannot be cancelled; an unknown one is not found", async () => {
    // Far ahead, and cancelled as if after its end: a window over everything must not be in progress for the others.
    const start = Date.parse("2096-03-01T10:00:00Z");
    const { id } = await svc.scheduleMaintenance(lead, {
      title: "Short patch",
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 40 * MIN).toISOString(),
    });
    const before = await counts();
    await expect(svc.cancelMaintenance(lead, { id }, new Date(start + 41 * MIN))).rejects.toMatchObject({
      code: "conflict",
      message: 'The maintenance window "Short patch" has ended; it cannot be cancelled.',
    });
    await expect(svc.cancelMaintenance(lead, { id: 999_999 })).rejects.toMatchObject({ code: "not_found" });
    await expect(svc.cancelMaintenance(lead, { id: 0 })).rejects.toMatchObject({ code: "invalid" });
    expect(await counts()).toEqual(before);
  });
});

describe("reading windows at an instant", () => {
  it("active: started and not ended, not cancelled; upcoming and active: not ended", async () => {
    const t = Date.parse("2098-06-01T12:00:00Z");
    const mk = async (title: string, fromMin: number, toMin: number) =>
      (
        await svc.scheduleMaintenance(lead, {
          title,
          startsAt: new Date(t + fromMin * MIN).toISOString(),
          endsAt: new Date(t + toMin * MIN).toISOString(),
        })
      ).id;
    const past = await mk("Before", -120, -60);
    const now = await mk("Now", -10, 50);
    const edge = await mk("Starts exactly now", 0, 5);
    const later = await mk("Later", 60, 90);
    const cancelled = await mk("Cancelled", -10, 50);
    await svc.cancelMaintenance(lead, { id: cancelled }, new Date(t - 200 * MIN));
    const at = new Date(t);
    const ids = (ws: { id: number }[]) =>
      ws.map((w) => w.id).filter((id) => [past, now, edge, later, cancelled].includes(id));
    expect(ids(await store.readActiveWindows(db, at))).toEqual([edge, now]);
    expect(ids(await store.readUpcomingAndActive(db, at))).toEqual([now, edge, later]);
  });
});

describe("alerts inside a window", () => {
  const regions = [
    regionView("us-east-1", { role: "primary" }),
    regionView("eu-west-1", { status: "unhealthy", reasons: ["region API unreachable"] }),
    regionView("ap-southeast-1", { status: "unhealthy", reasons: ["region API unreachable"] }),
  ];
  const unhealthy = async (regionId: string, at: Date) => {
    const labels = { region: regionId };
    const fingerprint = `region-unhealthy/${regionId}`;
    const fired = await fireAlert(
      {
        source: "rule",
        ruleId: "region-unhealthy",
        fingerprint,
        name: "Region unhealthy",
        severity: "critical",
        labels,
        summary: `${regionId} is unhealthy: region API unreachable`,
        value: 1,
        runbook: null,
      },
      at,
    );
    expect(fired).not.toBeNull();
    const cause = causeOf({ ruleId: "region-unhealthy", fingerprint, name: "Region unhealthy", labels }, regions);
    return { fired: fired!, filed: await fileAlert({ ...fired!, ruleId: "region-unhealthy" }, cause, at, regions) };
  };
  const groupRow = (id: number) =>
    db
      .query<{ triage_state: string | null; maintenance_window_id: number | null }>(
        "select triage_state, maintenance_window_id::int as maintenance_window_id from alert_groups where id = $1",
        [id],
      )
      .then((r) => r.rows[0]!);
  const pagesOf = (groupId: number) =>
    count("select count(*)::int as n from incident_pages where group_id = $1", [groupId]);

  let windowId: number;
  let windowEnd: number;
  beforeAll(async () => {
    const start = Date.now() - 10 * MIN;
    windowEnd = Date.now() + 60 * MIN;
    windowId = (
      await svc.scheduleMaintenance(lead, {
        title: "eu-west-1 failover test",
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(windowEnd).toISOString(),
        regions: ["eu-west-1"],
        components: ["api", "database"],
      })
    ).id;
  });

  it("a group about what the window covers is expected: it records the window, pages nobody, proposes no triage", async () => {
    const { filed } = await unhealthy("eu-west-1", new Date());
    expect(filed).toMatchObject({ opened: true, paging: false, expected: true });
    expect(await pagesOf(filed.groupId)).toBe(0);
    expect(await groupRow(filed.groupId)).toEqual({ triage_state: null, maintenance_window_id: windowId });
    const view = (await readAlertGroups()).find((g) => g.id === filed.groupId)!;
    expect(view.maintenanceWindow).toEqual({
      id: windowId,
      title: "eu-west-1 failover test",
      endsAt: new Date(windowEnd).toISOString(),
    });
    expect(view.pages).toEqual([]);
    expect(view.triage).toBeNull();
  });

  it("a group outside it pages as usual and proposes a triage incident", async () => {
    const { filed } = await unhealthy("ap-southeast-1", new Date());
    expect(filed).toMatchObject({ opened: true, paging: true, expected: false });
    expect(await pagesOf(filed.groupId)).toBeGreaterThan(0);
    expect(await groupRow(filed.groupId)).toEqual({ triage_state: "proposed", maintenance_window_id: null });
    expect((await readAlertGroups()).find((g) => g.id === filed.groupId)!.maintenanceWindow).toBeNull();
  });

  it("once the window has ended, the same alert pages again", async () => {
    const after = new Date(windowEnd + MIN);
    // The expected group resolves first (its alert stops), so that the next alert opens a group of its own.
    const open = (await readAlertGroups()).find((g) => g.maintenanceWindow?.id === windowId && !g.resolvedAt)!;
    await resolveAlert("region-unhealthy/eu-west-1", after);
    expect((await closeGroupIfQuiet(open.id, after)).closed).toBe(true);
    const { filed } = await unhealthy("eu-west-1", new Date(after.getTime() + 1000));
    expect(filed).toMatchObject({ opened: true, paging: true, expected: false });
    expect(await pagesOf(filed.groupId)).toBeGreaterThan(0);
  });

  it("a group still open when its window is cancelled is routed then: it pages and proposes a triage incident, once", async () => {
    const { id } = await svc.scheduleMaintenance(lead, {
      title: "us-east-1 API rollout",
      startsAt: new Date(Date.now() - MIN).toISOString(),
      endsAt: new Date(Date.now() + 30 * MIN).toISOString(),
      regions: ["us-east-1"],
      components: ["api", "database"],
    });
    const { filed } = await unhealthy("us-east-1", new Date());
    expect(filed).toMatchObject({ expected: true });
    expect(await routeGroupsAfterMaintenance(regions, new Date())).toBe(0);
    await svc.cancelMaintenance(lead, { id });
    expect(await routeGroupsAfterMaintenance(regions, new Date())).toBe(1);
    expect(await pagesOf(filed.groupId)).toBeGreaterThan(0);
    expect(await groupRow(filed.groupId)).toEqual({ triage_state: "proposed", maintenance_window_id: id });
    expect(await routeGroupsAfterMaintenance(regions, new Date())).toBe(0);
  });
});

describe("the status page", () => {
  it("puts a public window in progress under maintenance and announces it, without internals; a private one never", async () => {
    const now = new Date();
    const shown = await svc.scheduleMaintenance(lead, {
      title: "Europe API upgrade",
      reason: "Lee Lead runs it from 10.0.0.7",
      startsAt: new Date(now.getTime() - 5 * MIN).toISOString(),
      endsAt: new Date(now.getTime() + 55 * MIN).toISOString(),
      regions: ["eu-west-1"],
      components: ["api"],
    });
    const hidden = await svc.scheduleMaintenance(lead, {
      title: "Quiet mirror check",
      startsAt: new Date(now.getTime() - 5 * MIN).toISOString(),
      endsAt: new Date(now.getTime() + 55 * MIN).toISOString(),
      regions: ["us-east-1"],
      components: ["mirrors"],
      public: false,
    });
    const fleet = snapshotOf([
      regionView("us-east-1", { role: "primary" }),
      regionView("eu-west-1"),
      regionView("ap-southeast-1"),
    ]);
    const view = await status.buildPublicStatus(fleet, now);
    expect(view.components.find((c) => c.id === "api-eu-west-1")?.state).toBe("under_maintenance");
    expect(view.components.find((c) => c.id === "mirrors-us-east-1")?.state).toBe("operational");
    expect(view.maintenances.find((m) => m.id === `mnt-${shown.id}`)).toMatchObject({
      title: "Europe API upgrade",
      status: "in_progress",
      components: ["api-eu-west-1"],
    });
    expect(view.maintenances.some((m) => m.id === `mnt-${hidden.id}`)).toBe(false);
    // Scheduled ones to come are announced too; cancelled ones are not.
    expect(view.maintenances.some((m) => m.title === "Monthly failover test" && m.status === "scheduled")).toBe(true);
    expect(view.maintenances.some((m) => m.title === "Mirror resync")).toBe(false);
    const text = JSON.stringify(view);
    for (const internal of ["Lee Lead", "Ada Admin", "10.0.0.7", "Quiet mirror check"])
      expect(text).not.toContain(internal);
  });
});
