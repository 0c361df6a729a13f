import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";
import { startPagerDutyReceiver } from "@/tests/support/pagerduty-receiver";
import { startSmtpReceiver } from "@/tests/support/smtp-receiver";
import { startWebhookReceiver } from "@/tests/support/webhook-receiver";

/**
 * Paging channels on real parts: contact methods in a real PostgreSQL store (own methods for everyone, anyone's for
 * admins, audited, refusals writing nothing), and pages delivered to a PagerDuty Events API v2 stand-in, a real SMTP
 * server and a JSON webhook, each over the network as in production.
 */

const pd = await startPagerDutyReceiver();
// The SMTP server refuses what the test asks it to: 550 for good, 451 for the first try only.
const tempFailed = new Set<string>();
const smtp = await startSmtpReceiver({
  refuse: (to) => {
    if (to.startsWith("nobody@")) return { code: 550, message: "5.1.1 No such mailbox" };
    if (to.startsWith("busy@") && !tempFailed.has(to)) {
      tempFailed.add(to);
      return { code: 451, message: "4.3.0 Try again later" };
    }
    return null;
  },
});
const hook = await startWebhookReceiver();

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.LAB_DIR = "/nonexistent-lab";
process.env.PAGERDUTY_EVENTS_URL = pd.url;
process.env.SMTP_URL = smtp.url;
process.env.SMTP_FROM = "Switchyard <pager@switchyard.test>";

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/notify/contact-methods-service");
const { readContactMethods } = await import("@/server/notify/contact-methods-store");
const { deliverPage } = await import("@/server/notify/deliver-page");
type User = import("@/server/auth/users").User;
type ContactMethod = import("@/lib/contact-methods").ContactMethod;
type PageMessage = import("@/server/notify/deliver-page").PageMessage;

const anaKey = "R0ANAANAANAANAANAANAANAANAANA123";
const boKey = "R0BOBOBOBOBOBOBOBOBOBOBOBOBOB456";

let admin: User, ana: User, bo: User, cy: User;
const count = async (sql: string, params: unknown[] = []) =>
  (await (await getDb()).query<{ n: number }>(sql, params)).rows[0]!.n;
const written = async () => ({
  methods: await count("select count(*)::int as n from contact_methods"),
  audit: await count("select count(*)::int as n from audit_log"),
});
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
  [admin, ana, bo, cy] = await Promise.all([
    mk("admin@x.test", "admin"),
    mk("ana@x.test", "viewer"),
    mk("bo@x.test", "engineer"),
    mk("cy@x.test", "lead"),
  ]);
});
afterAll(async () => {
  await (await getDb()).close();
  await Promise.all([pd.close(), smtp.close(), hook.close()]);
});

describe("contact methods", () => {
  it("a viewer adds their own, in order, each audited with no secret in the log", async () => {
    const a = await svc.addContactMethod(ana, { userId: ana.id, kind: "pagerduty", address: anaKey, label: "Phone" });
    expect(a).toMatchObject({ kind: "pagerduty", shown: "…A123", label: "Phone" });
    await svc.addContactMethod(ana, { userId: ana.id, kind: "email", address: " Ana@X.test " });
    await svc.addContactMethod(ana, { userId: ana.id, kind: "webhook", address: `${hook.url}?token=s3cret` });

    const methods = await readContactMethods(await getDb(), ana.id);
    expect(methods.map((m) => [m.kind, m.address, m.position])).toEqual([
      ["pagerduty", anaKey, 0],
      ["email", "ana@x.test", 1],
      ["webhook", `${hook.url}?token=s3cret`, 2],
    ]);
    expect((await svc.listContactMethods(ana, { userId: ana.id })).map((m) => m.shown)).toEqual([
      "…A123",
      "ana@x.test",
      `${new URL(hook.url).origin}/…`,
    ]);
    const added = (await audits("contact_method.add")).rows;
    expect(added).toHaveLength(3);
    expect(added[0]).toMatchObject({
      actor_email: "ana@x.test",
      target: "contact methods: ana@x.test",
      detail: { owner: "ana@x.test", kind: "pagerduty", address: "…A123", label: "Phone" },
    });
    expect(JSON.stringify(added)).not.toContain(anaKey);
    expect(JSON.stringify(added)).not.toContain("s3cret");
  });

  it("refuses an invalid address, a duplicate and a method past the limit, writing nothing", async () => {
    const before = await written();
    for (const bad of [
      { kind: "pagerduty", address: "not-a-key" },
      { kind: "webhook", address: "ftp://files.example.com/page" },
      { kind: "email", address: "ana at x.test" },
      { kind: "sms", address: "+15550100" },
      { kind: "email", address: "ana2@x.test", label: "x".repeat(61) },
    ])
      await expect(svc.addContactMethod(ana, { userId: ana.id, ...bad })).rejects.toMatchObject({ code: "invalid" });
    await expect(
      svc.addContactMethod(ana, { userId: ana.id, kind: "email", address: "ANA@x.test" }),
    ).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("already one of your") });
    expect(await written()).toEqual(before);

    for (let i = 0; i < 7; i++)
      await svc.addContactMethod(cy, { userId: cy.id, kind: "email", address: `cy${i}@x.test` });
    const full = await written();
    await svc.addContactMethod(cy, { userId: cy.id, kind: "email", address: "cy7@x.test" });
    await svc.addContactMethod(cy, { userId: cy.id, kind: "email", address: "cy8@x.test" });
    await svc.addContactMethod(cy, { userId: cy.id, kind: "email", address: "cy9@x.test" });
    const ten = await written();
    expect(ten.methods - full.methods).toBe(3);
    await expect(
      svc.addContactMethod(cy, { userId: cy.id, kind: "email", address: "cy10@x.test" }),
    ).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("10 contact methods already") });
    expect(await written()).toEqual(ten);
  });

  it("someone else's are refused to anyone but an admin, writing nothing", async () => {
    const bos = await svc.addContactMethod(bo, { userId: bo.id, kind: "pagerduty", address: boKey });
    const before = await written();
    for (const u of [ana, cy]) {
      await expect(
        svc.addContactMethod(u, { userId: bo.id, kind: "email", address: "evil@x.test" }),
      ).rejects.toMatchObject({ code: "forbidden" });
      // Refused before the input is read: an invalid one for someone else is still a refusal.
      await expect(svc.addContactMethod(u, { userId: bo.id, kind: "sms", address: "" })).rejects.toMatchObject({
        code: "forbidden",
      });
      await expect(svc.removeContactMethod(u, { userId: bo.id, id: bos.id })).rejects.toMatchObject({
        code: "forbidden",
      });
      await expect(svc.listContactMethods(u, { userId: bo.id })).rejects.toMatchObject({ code: "forbidden" });
    }
    // Naming their own id with someone else's method id finds nothing to remove.
    await expect(svc.removeContactMethod(ana, { userId: ana.id, id: bos.id })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await written()).toEqual(before);
    expect((await readContactMethods(await getDb(), bo.id)).map((m) => m.address)).toEqual([boKey]);
  });

  it("an admin sees, adds and removes anyone's, audited under the admin's name", async () => {
    const added = await svc.addContactMethod(admin, {
      userId: bo.id,
      kind: "email",
      address: "bo@x.test",
      label: "Work",
    });
    expect((await svc.listContactMethods(admin, { userId: bo.id })).map((m) => m.kind)).toEqual(["pagerduty", "email"]);
    await svc.removeContactMethod(admin, { userId: bo.id, id: added.id });
    expect((await readContactMethods(await getDb(), bo.id)).map((m) => m.kind)).toEqual(["pagerduty"]);
    expect((await audits("contact_method.remove")).rows.at(-1)).toMatchObject({
      actor_email: "admin@x.test",
      target: "contact methods: bo@x.test",
      detail: { id: added.id, owner: "bo@x.test", kind: "email", address: "bo@x.test" },
    });
    await expect(
      svc.addContactMethod(admin, {
        userId: "00000000-0000-4000-8000-000000000000",
        kind: "email",
        address: "ghost@x.test",
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(svc.removeContactMethod(admin, { userId: bo.id, id: added.id })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("a person removes their own", async () => {
    const mine = await svc.addContactMethod(bo, { userId: bo.id, kind: "webhook", address: "https://hooks.x.test/bo" });
    const before = await written();
    await svc.removeContactMethod(bo, { userId: bo.id, id: mine.id });
    expect(await written()).toEqual({ methods: before.methods - 1, audit: before.audit + 1 });
  });
});

describe("deliverPage", () => {
  const msg: PageMessage = {
    dedupKey: "switchyard-inc-7-level-0",
    summary: "[P1] INC-7 Replica lag in eu-west-1: paging On-call engineer",
    severity: "error",
    url: "http://console.test/incidents/7",
    details: { incident: 7, lead: "cy", impact: null },
  };

  it("sends a page to every method of the person: PagerDuty, email and webhook", async () => {
    const methods = await readContactMethods(await getDb(), ana.id);
    const r = await deliverPage(methods, "trigger", msg);
    expect(r).toMatchObject({ delivered: true, detail: "pagerduty ok, email ok, webhook ok" });
    expect(r.results.map((x) => [x.kind, x.address, x.delivered])).toEqual([
      ["pagerduty", "…A123", true],
      ["email", "ana@x.test", true],
      ["webhook", `${new URL(hook.url).origin}/…`, true],
    ]);

    expect(await pd.waitFor((e) => e.dedup_key === msg.dedupKey)).toEqual({
      routing_key: anaKey,
      event_action: "trigger",
      dedup_key: msg.dedupKey,
      payload: {
        summary: msg.summary,
        source: "switchyard",
        severity: "error",
        custom_details: { incident: 7, lead: "cy", impact: null },
      },
      links: [{ href: msg.url, text: "Open in Switchyard" }],
    });
    const mail = await smtp.waitForMessage((m) => m.subject === `[PAGE] ${msg.summary}`);
    expect(mail.envelope).toEqual({ from: "pager@switchyard.test", to: ["ana@x.test"] });
    expect(mail.text).toContain("Open in Switchyard: http://console.test/incidents/7");
    expect(mail.headers["x-switchyard-page"]).toBe(msg.dedupKey);
    const body = await hook.waitFor((h) => (h.body as { action?: string }).action === "trigger");
    expect(body.path).toBe("/hook?token=s3cret");
    expect(body.body).toEqual({
      type: "page",
      action: "trigger",
      dedupKey: msg.dedupKey,
      summary: msg.summary,
      severity: "error",
      url: msg.url,
      details: { incident: 7, lead: "cy", impact: null },
    });
  });

  it("acknowledges and resolves under the same dedup key everywhere, the mails in the page's thread", async () => {
    const methods = await readContactMethods(await getDb(), ana.id);
    expect((await deliverPage(methods, "acknowledge", msg)).detail).toBe("pagerduty ok, email ok, webhook ok");
    expect(await pd.waitFor((e) => e.event_action === "acknowledge")).toEqual({
      routing_key: anaKey,
      event_action: "acknowledge",
      dedup_key: msg.dedupKey,
    });
    const trigger = smtp.messages.find((m) => m.subject.startsWith("[PAGE]"))!;
    const ack = await smtp.waitForMessage((m) => m.subject === `[ACK] ${msg.summary}`);
    expect(ack.headers["in-reply-to"]).toBe(trigger.headers.references);
    expect(ack.headers["message-id"]).not.toBe(trigger.headers["message-id"]);
    await hook.waitFor((h) => (h.body as { action?: string }).action === "acknowledge");

    expect((await deliverPage(methods, "resolve", msg)).delivered).toBe(true);
    await pd.waitFor((e) => e.event_action === "resolve" && e.dedup_key === msg.dedupKey);
    await smtp.waitForMessage((m) => m.subject === `[RESOLVED] ${msg.summary}`);
    expect(pd.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ["trigger", msg.dedupKey],
      ["acknowledge", msg.dedupKey],
      ["resolve", msg.dedupKey],
    ]);
  });

  const method = (kind: ContactMethod["kind"], address: string, id: number): ContactMethod => ({
    id,
    userId: bo.id,
    kind,
    address,
    label: "",
    position: id,
    createdAt: new Date(),
  });

  it("says which methods failed and why; delivered when any one took it", async () => {
    const page = { ...msg, dedupKey: "switchyard-inc-8-level-1" };
    const sentBefore = pd.requests.length;
    const r = await deliverPage(
      [
        // PagerDuty refuses a key it does not know (400): not tried again.
        method("pagerduty", "short", 1),
        method("email", "nobody@x.test", 2),
        method("webhook", hook.url, 3),
      ],
      "trigger",
      page,
    );
    expect(r.delivered).toBe(true);
    expect(r.detail).toMatch(/^pagerduty failed \(HTTP 400\), email failed \(.*550.*\), webhook ok$/);
    expect(pd.requests.length - sentBefore).toBe(1);
    expect(smtp.messages.some((m) => m.envelope.to.includes("nobody@x.test"))).toBe(false);
  });

  it("tries an email again after a temporary SMTP refusal", async () => {
    const r = await deliverPage([method("email", "busy@x.test", 1)], "trigger", msg);
    expect(r).toMatchObject({ delivered: true, detail: "email ok" });
    expect(tempFailed.has("busy@x.test")).toBe(true);
    await smtp.waitForMessage((m) => m.envelope.to.includes("busy@x.test"));
  });

  it("is not delivered to a person with no contact methods, and says so", async () => {
    expect(await deliverPage([], "trigger", msg)).toEqual({
      delivered: false,
      detail: "no contact methods",
      results: [],
    });
  });
});
