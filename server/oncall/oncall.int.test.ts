import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";

/** On-call schedules on a real PostgreSQL store: admins edit (audited), others read, and who is on call now. */

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.LAB_DIR = "/nonexistent-lab";

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/oncall/oncall-service");
type User = import("@/server/auth/users").User;

let admin: User, lead: User, engineer: User, viewer: User, ana: User, bo: User, cy: User;
const count = async (sql: string) => (await (await getDb()).query<{ n: number }>(sql)).rows[0]!.n;
const audits = (action: string) =>
  getDb().then((db) =>
    db.query<{ actor_email: string; target: string; detail: Record<string, unknown> }>(
      "select actor_email, target, detail from audit_log where action = $1 order by id",
      [action],
    ),
  );

beforeAll(async () => {
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [admin, lead, engineer, viewer, ana, bo, cy] = await Promise.all([
    mk("admin@x.test", "admin"),
    mk("lead@x.test", "lead"),
    mk("eng@x.test", "engineer"),
    mk("viewer@x.test", "viewer"),
    mk("ana@x.test", "engineer"),
    mk("bo@x.test", "engineer"),
    mk("cy@x.test", "lead"),
  ]);
});
afterAll(async () => {
  await (await getDb()).close();
});

const engineerRotation = () => ({
  level: 0,
  kind: "daily",
  handoffTime: "09:00",
  handoffDay: 1,
  timeZone: "Europe/Berlin",
  startDate: "2026-03-01",
  members: [ana.id, bo.id, cy.id],
});

describe("editing rotations", () => {
  it("an admin's rotation is stored and audited in the same transaction", async () => {
    await svc.saveRotation(admin, engineerRotation());
    const a = (await audits("oncall.rotation.update")).rows;
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({
      actor_email: "admin@x.test",
      target: "on-call rotation: On-call engineer",
      detail: { level: 0, timeZone: "Europe/Berlin", members: ["ana@x.test", "bo@x.test", "cy@x.test"], created: true },
    });
    // Saving again replaces it (members reordered), one more audit row.
    await svc.saveRotation(admin, { ...engineerRotation(), members: [bo.id, ana.id] });
    expect(await count("select count(*)::int as n from oncall_rotation_members where level = 0")).toBe(2);
    expect((await audits("oncall.rotation.update")).rows).toHaveLength(2);
    await svc.saveRotation(admin, engineerRotation());
  });

  it("is refused to a lead, an engineer and a viewer, writing nothing", async () => {
    const before = await count("select count(*)::int as n from audit_log");
    for (const u of [lead, engineer, viewer]) {
      await expect(svc.saveRotation(u, { ...engineerRotation(), level: 1 })).rejects.toMatchObject({
        code: "forbidden",
      });
      await expect(
        svc.addOverride(u, {
          level: 0,
          userId: u.id,
          timeZone: "Europe/Berlin",
          start: "2026-03-13T18:00",
          end: "2026-03-14T08:00",
        }),
      ).rejects.toMatchObject({ code: "forbidden" });
      await expect(svc.removeOverride(u, { id: 1 })).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await count("select count(*)::int as n from oncall_rotations where level = 1")).toBe(0);
    expect(await count("select count(*)::int as n from oncall_overrides")).toBe(0);
    expect(await count("select count(*)::int as n from audit_log")).toBe(before);
  });

  it("refuses invalid input, writing nothing", async () => {
    const before = await count("select count(*)::int as n from audit_log");
    const bad = [
      { ...engineerRotation(), timeZone: "Mars/Olympus_Mons" },
      { ...engineerRotation(), handoffTime: "24:00" },
      { ...engineerRotation(), startDate: "2026-02-30" },
      { ...engineerRotation(), kind: "hourly" },
      { ...engineerRotation(), members: [] },
      { ...engineerRotation(), members: ["00000000-0000-4000-8000-000000000000"] },
    ];
    for (const raw of bad) await expect(svc.saveRotation(admin, raw)).rejects.toMatchObject({ code: "invalid" });
    // A level the escalation chain does not have.
    await expect(svc.saveRotation(admin, { ...engineerRotation(), level: 42 })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      svc.addOverride(admin, {
        level: 0,
        userId: ana.id,
        timeZone: "Europe/Berlin",
        start: "2026-03-14T08:00",
        end: "2026-03-13T18:00",
      }),
    ).rejects.toMatchObject({ code: "invalid", message: expect.stringContaining("end") });
    await expect(svc.removeOverride(admin, { id: 999_999 })).rejects.toMatchObject({ code: "not_found" });
    expect(await count("select count(*)::int as n from audit_log")).toBe(before);
    const stored = (await svc.readOnCallBoard(viewer, new Date("2026-03-02T12:00:00Z"))).levels[0]!;
    expect(stored.rotation?.members.map((m) => m.email)).toEqual(["ana@x.test", "bo@x.test", "cy@x.test"]);
  });
});

describe("who is on call", () => {
  it("comes from the stored rotations and overrides, for every level of the chain, read by anyone signed in", async () => {
    await svc.saveRotation(admin, {
      level: 1,
      kind: "weekly",
      handoffTime: "10:00",
      handoffDay: 1,
      timeZone: "America/New_York",
      startDate: "2026-03-02",
      members: [cy.id, lead.id],
    });
    // Friday 13 March 2026 in Berlin; shift 12 of the daily rotation (ana, bo, cy) is ana's.
    const { id } = await svc.addOverride(admin, {
      level: 0,
      userId: bo.id,
      timeZone: "Europe/Berlin",
      start: "2026-03-13T18:00",
      end: "2026-03-14T08:00",
      note: "I take Friday night",
    });
    // A later override inside it wins where they overlap.
    await svc.addOverride(admin, {
      level: 0,
      userId: engineer.id,
      timeZone: "Europe/Berlin",
      start: "2026-03-13T22:00",
      end: "2026-03-14T01:00",
    });
    const adds = (await audits("oncall.override.add")).rows;
    expect(adds[0]).toMatchObject({ detail: { member: "bo@x.test", start: "2026-03-13T17:00:00.000Z" } });

    const afternoon = await svc.readOnCallBoard(viewer, new Date("2026-03-13T15:00:00Z"));
    expect(afternoon.levels.map((l) => l.target)).toEqual([
      "On-call engineer",
      "Backup on-call engineer",
      "Tech lead",
      "Engineering manager",
      "CTO",
    ]);
    const eng = afternoon.levels[0]!;
    expect(eng.now.person?.email).toBe("ana@x.test");
    expect(eng.now.startText).toBe("Fri 13 Mar 2026, 09:00 CET");
    expect(eng.next.map((s) => [s.person?.email, s.startText, s.overrideId !== null])).toEqual([
      ["bo@x.test", "Fri 13 Mar 2026, 18:00 CET", true],
      ["eng@x.test", "Fri 13 Mar 2026, 22:00 CET", true],
      ["bo@x.test", "Sat 14 Mar 2026, 01:00 CET", true],
    ]);
    const techLead = afternoon.levels.find((l) => l.level === 1)!;
    expect(techLead.now.person?.email).toBe("lead@x.test"); // 2nd week of cy, lead
    expect(techLead.now.startText).toBe("Mon 9 Mar 2026, 10:00 EDT");
    expect(afternoon.levels.find((l) => l.level === 2)!.now.person).toBeNull();

    const night = await svc.readOnCallBoard(engineer, new Date("2026-03-13T23:00:00Z"));
    expect(night.levels[0]!.now.person?.email).toBe("eng@x.test");

    // Removing bo's override: ana keeps the shift, except where the later override still stands.
    await svc.removeOverride(admin, { id });
    expect((await audits("oncall.override.remove")).rows[0]).toMatchObject({
      actor_email: "admin@x.test",
      detail: { id, member: "bo@x.test" },
    });
    const after = await svc.readOnCallBoard(viewer, new Date("2026-03-13T19:00:00Z"));
    expect(after.levels[0]!.now.person?.email).toBe("ana@x.test");
    expect(after.levels[0]!.next[0]).toMatchObject({ startText: "Fri 13 Mar 2026, 22:00 CET" });
  });
});
