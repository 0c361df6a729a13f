import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshDatabase } from "@/tests/support/fresh-database";

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const { ingestAlertmanager, alertmanagerWebhook, updateRuleSettings } = await import("@/server/alerts/alerts-service");
const { readFiringAlerts, readRuleSettings } = await import("@/server/alerts/alert-store");
const { createApiToken, findActiveToken, listApiTokens, revokeApiToken } = await import("@/server/auth/api-tokens");
type User = import("@/server/auth/users").User;

let admin: User, engineer: User, viewer: User;
const auditCount = async () =>
  (await (await getDb()).query<{ n: number }>("select count(*)::int as n from audit_log")).rows[0]!.n;

beforeAll(async () => {
  const db = await getDb();
  admin = await db.transaction((tx) => insertUser(tx, { email: "admin@example.test", name: "A", role: "admin" }));
  engineer = await db.transaction((tx) => insertUser(tx, { email: "eng@example.test", name: "E", role: "engineer" }));
  viewer = await db.transaction((tx) => insertUser(tx, { email: "view@example.test", name: "V", role: "viewer" }));
});
afterAll(async () => (await getDb()).close());

const amBody = (status: "firing" | "resolved", fingerprint = "a1b2c3") =>
  alertmanagerWebhook.parse({
    version: "4",
    status,
    alerts: [
      {
        status,
        labels: { alertname: "PostgresDown", severity: "critical", region: "us-east-1" },
        annotations: { summary: "pg_up == 0 for us-east-1" },
        startsAt: "2026-11-25T12:00:00Z",
        endsAt: status === "resolved" ? "2026-11-25T12:05:00Z" : "0001-01-01T00:00:00Z",
        fingerprint,
      },
    ],
  });

describe("the Alertmanager receiver", () => {
  it("opens a firing alert once, however often it is re-sent, and resolves it", async () => {
    const token = { kind: "token" as const, tokenId: "t", name: "alertmanager" };
    expect(await ingestAlertmanager(token, amBody("firing"))).toEqual({ fired: 1, resolved: 0 });
    expect(await ingestAlertmanager(token, amBody("firing"))).toEqual({ fired: 0, resolved: 0 });
    const firing = await readFiringAlerts();
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({
      source: "alertmanager",
      name: "PostgresDown",
      severity: "critical",
      labels: { region: "us-east-1" },
      summary: "pg_up == 0 for us-east-1",
    });
    expect(await ingestAlertmanager(token, amBody("resolved"))).toEqual({ fired: 0, resolved: 1 });
    expect(await readFiringAlerts()).toHaveLength(0);
  });

  it("puts each post that changed something on the audit chain, with the token or the person", async () => {
    const token = { kind: "token" as const, tokenId: "t2", name: "alertmanager" };
    const ingests = async () =>
      (
        await (
          await getDb()
        ).query<{ actor_email: string | null; detail: Record<string, unknown> }>(
          "select actor_email, detail from audit_log where action = 'alert.ingest' order by id",
        )
      ).rows;
    const before = (await ingests()).length;
    await ingestAlertmanager(token, amBody("firing", "audit1"));
    await ingestAlertmanager(token, amBody("firing", "audit1")); // a re-send changes nothing: not written
    await ingestAlertmanager({ kind: "user", user: engineer }, amBody("resolved", "audit1"));
    expect((await ingests()).slice(before)).toEqual([
      {
        actor_email: null,
        detail: { fired: ["PostgresDown (audit1)"], resolved: [], token: "alertmanager", tokenId: "t2" },
      },
      { actor_email: engineer.email, detail: { fired: [], resolved: ["audit1"] } },
    ]);
  });

  it("refuses a viewer and writes nothing", async () => {
    await expect(ingestAlertmanager({ kind: "user", user: viewer }, amBody("firing", "viewer1"))).rejects.toMatchObject(
      { code: "forbidden" },
    );
    expect(await readFiringAlerts()).toHaveLength(0);
    await expect(ingestAlertmanager({ kind: "user", user: engineer }, amBody("firing", "eng1"))).resolves.toEqual({
      fired: 1,
      resolved: 0,
    });
  });

  it("rejects a body that is not Alertmanager's", () => {
    expect(
      alertmanagerWebhook.safeParse({
        status: "firing",
        alerts: [{ status: "firing", labels: {}, startsAt: "x", fingerprint: "; drop table" }],
      }).success,
    ).toBe(false);
  });
});

describe("alert rule settings", () => {
  it("lets an admin change a threshold, audited", async () => {
    const before = await auditCount();
    await updateRuleSettings(admin, { ruleId: "mirror-hit-rate", threshold: 55, forSeconds: 30, enabled: true });
    expect((await readRuleSettings())["mirror-hit-rate"]).toEqual({ threshold: 55, forSeconds: 30, enabled: true });
    expect(await auditCount()).toBe(before + 1);
  });

  it("refuses an engineer and bad values, changing nothing", async () => {
    const before = await readRuleSettings();
    const audits = await auditCount();
    await expect(
      updateRuleSettings(engineer, { ruleId: "mirror-hit-rate", threshold: 10, forSeconds: 0, enabled: false }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      updateRuleSettings(admin, { ruleId: "mirror-hit-rate", threshold: 150, forSeconds: 0, enabled: true }),
    ).rejects.toMatchObject({ code: "invalid" });
    await expect(
      updateRuleSettings(admin, { ruleId: "region-unhealthy", threshold: 3, forSeconds: 0, enabled: true }),
    ).rejects.toMatchObject({ code: "invalid" });
    expect(await readRuleSettings()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });
});

describe("API tokens", () => {
  it("shows the secret once, keeps only its hash, authenticates it, and stops after revocation", async () => {
    const { token, record } = await createApiToken(admin, { name: "grafana" });
    expect(token).toMatch(/^sy_/);
    const stored = await (
      await getDb()
    ).query<{ token_hash: string }>("select token_hash from api_tokens where id = $1", [record.id]);
    expect(stored.rows[0]!.token_hash).not.toContain(token);
    expect(await findActiveToken(token)).toMatchObject({ name: "grafana" });
    expect((await listApiTokens(admin)).find((t) => t.id === record.id)?.lastUsedAt).not.toBeNull();
    await revokeApiToken(admin, record.id);
    expect(await findActiveToken(token)).toBeNull();
    await expect(revokeApiToken(admin, record.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses non-admins and writes nothing", async () => {
    const before = (await listApiTokens(admin)).length;
    await expect(createApiToken(engineer, { name: "sneaky" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(listApiTokens(viewer)).rejects.toMatchObject({ code: "forbidden" });
    expect((await listApiTokens(admin)).length).toBe(before);
  });
});

describe("the alert engine", () => {
  it("fires a breach only once it has held for the rule's `for` duration, and resolves it when it clears", async () => {
    const { AlertEngine } = await import("@/server/alerts/engine");
    const { regionView } = await import("@/tests/support/fleet-fixtures");
    await updateRuleSettings(admin, { ruleId: "mirror-hit-rate", threshold: 60, forSeconds: 30, enabled: true });
    const engine = new AlertEngine({ holds: () => true });
    const low = regionView("eu-west-1");
    low.sample!.mirrors!.hitRate = 12;
    const t0 = Date.parse("2026-11-25T12:00:00Z");
    const firingMirror = async () => (await readFiringAlerts()).filter((a) => a.ruleId === "mirror-hit-rate");

    await engine.evaluate([low], new Date(t0));
    await engine.evaluate([low], new Date(t0 + 29_000));
    expect(await firingMirror()).toHaveLength(0);
    await engine.evaluate([low], new Date(t0 + 30_000));
    expect(await firingMirror()).toMatchObject([
      {
        labels: { region: "eu-west-1" },
        value: 12,
        startedAt: "2026-11-25T12:00:30.000Z",
        runbook: { id: "low-mirror-hit-rate" },
      },
    ]);
    await engine.evaluate([regionView("eu-west-1")], new Date(t0 + 40_000));
    expect(await firingMirror()).toHaveLength(0);
  });
});
