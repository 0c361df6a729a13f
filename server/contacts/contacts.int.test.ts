import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";

/** The contacts directory on a real PostgreSQL store: seeded from the runbook, admins edit (audited), others read. */

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.LAB_DIR = "/nonexistent-lab";

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/contacts/contacts-service");
const oncall = await import("@/server/oncall/oncall-service");
type User = import("@/server/auth/users").User;

let admin: User, lead: User, engineer: User, viewer: User;
const count = async (sql: string) => (await (await getDb()).query<{ n: number }>(sql)).rows[0]!.n;
const contactsSnapshot = async () =>
  JSON.stringify((await (await getDb()).query("select * from contacts order by id")).rows);
const audits = (action: string) =>
  getDb().then((db) =>
    db.query<{ actor_email: string; target: string; detail: Record<string, unknown> }>(
      "select actor_email, target, detail from audit_log where action = $1 order by id",
      [action],
    ),
  );
const byName = async (name: string) => {
  const found = (await svc.listContacts(viewer)).find((c) => c.name === name);
  if (!found) throw new Error(`no contact named ${name}`);
  return found;
};
const fieldsOf = (c: Awaited<ReturnType<typeof byName>>) => ({
  id: c.id,
  name: c.name,
  category: c.category,
  provider: c.provider,
  purpose: c.purpose,
  phone: c.phone,
  email: c.email,
  url: c.url,
  statusPageUrl: c.statusPageUrl,
  notes: c.notes,
});

beforeAll(async () => {
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [admin, lead, engineer, viewer] = await Promise.all([
    mk("admin@x.test", "admin"),
    mk("lead@x.test", "lead"),
    mk("eng@x.test", "engineer"),
    mk("viewer@x.test", "viewer"),
  ]);
});
afterAll(async () => {
  await (await getDb()).close();
});

describe("the seeded directory", () => {
  it("has the runbook's external contacts: a line per CDN provider, database support, the infrastructure provider", async () => {
    const all = await svc.listContacts(viewer);
    expect(all.map((c) => [c.category, c.name])).toEqual([
      ["cdn", "Cloudflare support"],
      ["cdn", "Bunny support"],
      ["cdn", "AWS CloudFront support"],
      ["database", "Database support"],
      ["infrastructure", "Infrastructure provider"],
    ]);
    expect(all.slice(0, 3).map((c) => c.statusPageUrl)).toEqual([
      "https://www.cloudflarestatus.com",
      "https://status.bunny.net",
      "https://health.aws.amazon.com/health/status",
    ]);
    for (const c of all.slice(0, 3)) expect(c.url).toMatch(/^https:\/\//);
    // The runbook's `[Contact info]` placeholders: not set, for admins to fill.
    const db = all.find((c) => c.category === "database")!;
    expect([db.phone, db.email, db.url, db.statusPageUrl, db.provider]).toEqual(["", "", "", "", ""]);
    expect(db.updatedBy).toBeNull();
  });

  it("is read by every role", async () => {
    for (const u of [viewer, engineer, lead, admin]) expect(await svc.listContacts(u)).toHaveLength(5);
  });
});

describe("an incident's contacts", () => {
  it("are the CDN providers' lines for a CDN outage", async () => {
    const r = await svc.readIncidentContacts(viewer, "cdn-provider-outage");
    expect(r.narrowed).toBe(true);
    expect(r.groups.map((g) => [g.category, g.contacts.map((c) => c.name)])).toEqual([
      ["cdn", ["Cloudflare support", "Bunny support", "AWS CloudFront support"]],
    ]);
  });

  it("are database support and the infrastructure provider for a database failure", async () => {
    const r = await svc.readIncidentContacts(viewer, "primary-database-failure");
    expect(r.groups.map((g) => [g.category, g.contacts.map((c) => c.name)])).toEqual([
      ["database", ["Database support"]],
      ["infrastructure", ["Infrastructure provider"]],
    ]);
  });

  it("keep a needed category with nobody in it, and show every contact without a scenario", async () => {
    const storage = await svc.readIncidentContacts(viewer, "mirror-storage-failure");
    expect(storage.groups.map((g) => [g.category, g.contacts.length])).toEqual([
      ["storage", 0],
      ["infrastructure", 1],
    ]);
    const none = await svc.readIncidentContacts(viewer, null);
    expect(none.narrowed).toBe(false);
    expect(none.groups.flatMap((g) => g.contacts)).toHaveLength(5);
  });
});

describe("editing contacts", () => {
  it("an admin's change is stored and audited in the same transaction, naming what changed", async () => {
    const before = await byName("Database support");
    const { changed } = await svc.updateContact(admin, {
      ...fieldsOf(before),
      provider: "Acme Postgres Hosting",
      phone: "+1 (555) 010-2030 ext. 12",
      email: "support@acme-pg.example",
      url: "https://support.acme-pg.example",
    });
    expect(changed).toEqual(["provider", "phone", "email", "url"]);
    const after = await byName("Database support");
    expect(after).toMatchObject({ phone: "+1 (555) 010-2030 ext. 12", email: "support@acme-pg.example" });
    expect(after.updatedBy).toBe("admin");
    const a = (await audits("contact.update")).rows;
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({
      actor_email: "admin@x.test",
      target: "contact: Database support",
      detail: {
        id: before.id,
        changes: {
          phone: { from: "", to: "+1 (555) 010-2030 ext. 12" },
          provider: { from: "", to: "Acme Postgres Hosting" },
        },
      },
    });
    // Saving the same fields again changes nothing and writes no audit row.
    expect((await svc.updateContact(admin, fieldsOf(after))).changed).toEqual([]);
    expect((await audits("contact.update")).rows).toHaveLength(1);
  });

  it("an admin adds, moves and deletes a contact, each audited", async () => {
    const { id } = await svc.createContact(admin, {
      name: "Mirror storage vendor",
      category: "storage",
      statusPageUrl: "http://status.storage.example/",
    });
    expect((await audits("contact.create")).rows.at(-1)).toMatchObject({
      target: "contact: Mirror storage vendor",
      detail: { id, category: "storage", phone: "" },
    });
    const r = await svc.readIncidentContacts(engineer, "mirror-storage-failure");
    expect(r.groups[0]!.contacts.map((c) => c.name)).toEqual(["Mirror storage vendor"]);

    // CloudFront to the top of the CDN lines: up twice; a third time it cannot go further and nothing is written.
    const aws = await byName("AWS CloudFront support");
    expect(await svc.moveContact(admin, { id: aws.id, direction: "up" })).toEqual({ moved: true });
    expect(await svc.moveContact(admin, { id: aws.id, direction: "up" })).toEqual({ moved: true });
    expect((await audits("contact.move")).rows).toHaveLength(2);
    expect(await svc.moveContact(admin, { id: aws.id, direction: "up" })).toEqual({ moved: false });
    expect((await audits("contact.move")).rows).toHaveLength(2);
    const cdn = () => svc.readIncidentContacts(viewer, "cdn-provider-outage").then((r) => r.groups[0]!.contacts);
    expect((await cdn()).map((c) => c.name)).toEqual(["AWS CloudFront support", "Cloudflare support", "Bunny support"]);
    // And back down to where it was.
    await svc.moveContact(admin, { id: aws.id, direction: "down" });
    await svc.moveContact(admin, { id: aws.id, direction: "down" });
    expect((await cdn()).map((c) => c.name)).toEqual(["Cloudflare support", "Bunny support", "AWS CloudFront support"]);

    await svc.deleteContact(admin, { id });
    expect((await audits("contact.delete")).rows.at(-1)).toMatchObject({
      actor_email: "admin@x.test",
      detail: { id, name: "Mirror storage vendor" },
    });
    expect(await count(`select count(*)::int as n from contacts where id = ${id}`)).toBe(0);
    await expect(svc.deleteContact(admin, { id })).rejects.toMatchObject({ code: "not_found" });
  });

  it("is refused to a lead, an engineer and a viewer, writing nothing", async () => {
    const auditBefore = await count("select count(*)::int as n from audit_log");
    const contactsBefore = await contactsSnapshot();
    const target = await byName("Infrastructure provider");
    for (const u of [viewer, engineer, lead]) {
      await expect(svc.updateContact(u, { ...fieldsOf(target), phone: "+44 20 7946 0000" })).rejects.toMatchObject({
        code: "forbidden",
        message: "Only admins can change contacts.",
      });
      await expect(svc.createContact(u, { name: "Sneaky", category: "other" })).rejects.toMatchObject({
        code: "forbidden",
      });
      await expect(svc.deleteContact(u, { id: target.id })).rejects.toMatchObject({ code: "forbidden" });
      await expect(svc.moveContact(u, { id: target.id, direction: "down" })).rejects.toMatchObject({
        code: "forbidden",
      });
    }
    expect(await contactsSnapshot()).toBe(contactsBefore);
    expect(await count("select count(*)::int as n from audit_log")).toBe(auditBefore);
  });

  it("refuses invalid input with the field's problem, writing nothing", async () => {
    const auditBefore = await count("select count(*)::int as n from audit_log");
    const contactsBefore = await contactsSnapshot();
    const target = fieldsOf(await byName("Cloudflare support"));
    const bad: [Record<string, unknown>, string][] = [
      [{ ...target, statusPageUrl: "javascript:alert(1)" }, "statusPageUrl: must be an http:// or https:// address"],
      [{ ...target, url: "ftp://support.example" }, "url: must be an http:// or https:// address"],
      [{ ...target, url: "cloudflare.com" }, "url: must be an http:// or https:// address"],
      [{ ...target, email: "not-an-email" }, "email: must be an email address"],
      [{ ...target, phone: "call me maybe" }, "phone: must be a phone number"],
      [{ ...target, name: "   " }, "name: is required"],
      [{ ...target, category: "aliens" }, "category: must be one of"],
      [{ ...target, notes: "x".repeat(2001) }, "notes: must be at most 2000 characters"],
      [{ ...target, id: 0 }, "id: must be"],
    ];
    for (const [raw, message] of bad)
      await expect(svc.updateContact(admin, raw)).rejects.toMatchObject({
        code: "invalid",
        message: expect.stringContaining(message),
      });
    await expect(svc.createContact(admin, { name: "x", category: "cdn", url: "mailto:x@y.z" })).rejects.toMatchObject({
      code: "invalid",
      message: expect.stringContaining("url:"),
    });
    await expect(svc.moveContact(admin, { id: target.id, direction: "sideways" })).rejects.toMatchObject({
      code: "invalid",
    });
    await expect(svc.updateContact(admin, { ...target, id: 999_999 })).rejects.toMatchObject({ code: "not_found" });
    expect(await contactsSnapshot()).toBe(contactsBefore);
    expect(await count("select count(*)::int as n from audit_log")).toBe(auditBefore);
  });
});

describe("the directory's people", () => {
  it("are the console's users with their roles, their on-call levels and whether they are on call now", async () => {
    await oncall.saveRotation(admin, {
      level: 1,
      kind: "weekly",
      handoffTime: "09:00",
      handoffDay: 1,
      timeZone: "UTC",
      startDate: "2026-03-02",
      members: [lead.id, engineer.id],
    });
    // Tuesday 3 March 2026: the first week of the Tech lead rotation, the lead's.
    const dir = await svc.readContactDirectory(viewer, new Date("2026-03-03T12:00:00Z"));
    expect(dir.contacts.length).toBeGreaterThanOrEqual(5);
    expect(dir.people.map((p) => [p.email, p.role])).toEqual([
      ["admin@x.test", "admin"],
      ["eng@x.test", "engineer"],
      ["lead@x.test", "lead"],
      ["viewer@x.test", "viewer"],
    ]);
    const leadRow = dir.people.find((p) => p.email === "lead@x.test")!;
    expect(leadRow.levels).toEqual([{ level: 1, target: "Tech lead" }]);
    expect(leadRow.onCallNow).toEqual([{ level: 1, target: "Tech lead" }]);
    const eng = dir.people.find((p) => p.email === "eng@x.test")!;
    expect(eng.levels).toEqual([{ level: 1, target: "Tech lead" }]);
    expect(eng.onCallNow).toEqual([]);
    expect(dir.onCall.levels.find((l) => l.level === 1)!.now.person?.email).toBe("lead@x.test");
  });
});
