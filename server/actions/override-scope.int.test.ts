import { rmSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { injectFault, labStatus, resetLab, startLab, type LabStatus } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { uncoveredChecks, waitingFor, type ActionRun, type Check } from "@/lib/actions/run";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * An override covers what its author saw (issue 11): the failing checks are stored with it, the pre-flight runs
 * again right before the start, and a run whose live failures differ from the covered ones does not start — it
 * waits with the new pre-flight, its override cleared, audited and on the incident's timeline — until a lead
 * overrides again. On the real lab: a region API killed between the override and the start is the new failure.
 */

const labDir = await ownLabAndStore("override");

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/actions/action-service");
const incidents = await import("@/server/incidents/incident-service");
const { readIncidentDetail } = await import("@/server/incidents/incident-store");
const { verifyAuditChain } = await import("@/server/audit/verify-audit");
type User = import("@/server/auth/users").User;

let engineer: User, lead: User, lead2: User;
let lab: LabStatus;
const EU = "eu-west-1";
const AP = "ap-southeast-1";
const apiUrl = (id: string) => lab.regions.find((r) => r.id === id)!.apiUrl;
const key = () => `test-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const caller = () => ({ kind: "user" as const, user: lead });
const count = async (sql: string, params: unknown[] = []) =>
  Number((await (await getDb()).query<{ n: string }>(sql, params)).rows[0]!.n);
const failingIds = (checks: Check[]) =>
  checks
    .filter((c) => !c.ok)
    .map((c) => c.id)
    .sort();
const audits = (action: string, run: ActionRun) =>
  count("select count(*) as n from audit_log where action = $1 and target = $2", [action, `${run.actionId}#${run.id}`]);

async function cdn(id: string): Promise<{ provider: string; enabled: boolean } | null> {
  try {
    const res = await fetch(`${apiUrl(id)}/v1/cdn/stats`, { signal: AbortSignal.timeout(3_000) });
    return (await res.json()) as { provider: string; enabled: boolean };
  } catch {
    return null;
  }
}

async function finished(id: number): Promise<ActionRun> {
  return waitFor(
    `action #${id} to finish`,
    async () => {
      const run = await svc.getAction(caller(), id);
      return run.status !== "running" && run.status !== "pending" ? run : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 100 },
  );
}

async function succeeded(run: ActionRun): Promise<ActionRun> {
  const done = await finished(run.id);
  const detail = await svc.getAction(caller(), run.id);
  expect(
    done.status,
    `#${run.id} ${done.actionId}: ${done.error}\n${detail.output.map((l) => l.text).join("\n")}`,
  ).toBe("succeeded");
  return done;
}

/** Nothing of the run happened: not started, no start in the audit log, no output. */
async function expectNothingRan(run: ActionRun) {
  const now = await svc.getAction(caller(), run.id);
  expect(now).toMatchObject({ status: "pending", startedAt: null, decidedBy: null });
  expect(now.output).toEqual([]);
  expect(await audits("action.start", run)).toBe(0);
}

beforeAll(async () => {
  await startLab({ labDir });
  lab = await labStatus({ labDir });
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [engineer, lead, lead2] = await Promise.all([
    mk("eng@x.test", "engineer"),
    mk("lead@x.test", "lead"),
    mk("lead2@x.test", "lead"),
  ]);
}, 180_000);

afterAll(async () => {
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
}, 120_000);

describe("what differs", () => {
  const c = (id: string, ok: boolean, observed = "x", confirm?: string): Check => ({
    id,
    label: id,
    ok,
    observed,
    ...(confirm ? { confirm } : {}),
  });

  it("compares the failing ids, and the value a check asks to type; never the observed strings", () => {
    const covered = [
      c("api:eu", false, "no answer within 2001 ms"),
      c("fenced", false, "seen", "us-east-1"),
      c("ok", true),
    ];
    // the same checks failing, with other latencies: covered
    expect(
      uncoveredChecks(covered, [
        c("api:eu", false, "no answer within 2017 ms"),
        c("fenced", false, "seen again", "us-east-1"),
      ]),
    ).toEqual([]);
    // fewer failures: covered
    expect(uncoveredChecks(covered, [c("api:eu", true), c("fenced", false, "seen", "us-east-1")])).toEqual([]);
    // a check failing now that passed then (or was not there): not covered
    expect(uncoveredChecks(covered, [c("api:eu", false), c("ok", false), c("new", false)]).map((x) => x.id)).toEqual([
      "ok",
      "new",
    ]);
    // the same check asking to type another region: the lead confirmed that one, not this one
    expect(uncoveredChecks(covered, [c("fenced", false, "seen", "eu-west-1")]).map((x) => x.id)).toEqual(["fenced"]);
    expect(uncoveredChecks([c("fenced", false)], [c("fenced", false, "seen", "us-east-1")]).map((x) => x.id)).toEqual([
      "fenced",
    ]);
  });
});

describe("an override covers what its author saw", () => {
  // Each test stops APIs of its own; whatever a test left stopped answers again before the next.
  beforeEach(async () => {
    for (const id of [EU, AP]) if (!(await cdn(id))) await injectFault(id, "api-up", { labDir });
  });

  it("lets the run start when the same checks still fail at the approval", async () => {
    await injectFault(AP, "api-down", { labDir });
    const run = await svc.requestAction(engineer, {
      actionId: "cdn.disable",
      params: { regions: [EU, AP] },
      idempotencyKey: key(),
    });
    expect(failingIds(run.preflight), JSON.stringify(run.preflight)).toEqual([`api:${AP}`, `cdn:${AP}`]);
    expect(waitingFor(run)).toBe("override");

    const overridden = await svc.overridePreflight(lead, run.id, {
      reason: "ap-southeast-1's API is down: its restart is the fix",
    });
    expect(overridden.status).toBe("pending");
    // Stored with the override: the checks the lead saw failing, with what they observed.
    expect(overridden.override?.covers).toEqual(run.preflight.filter((c) => !c.ok));
    expect(overridden.override?.covers[0]?.observed).toMatch(/^no answer from .* within \d+ ms$/);

    const started = await svc.approveAction(lead2, run.id, { paramsHash: run.paramsHash });
    expect(started.status).toBe("running");
    // It started with the live pre-flight, in which the covered checks still fail.
    expect(failingIds(started.preflight)).toEqual([`api:${AP}`, `cdn:${AP}`]);
    expect(started.recheck).toBeNull();
    await succeeded(run);
    expect(await audits("action.preflight-changed", run)).toBe(0);
    // The restart hook brought the killed API back, with the CDN off.
    expect(await cdn(AP)).toMatchObject({ enabled: false });
  });

  it("a low-risk action re-checks as its override starts it: a check failing since the request stops it", async () => {
    await injectFault(EU, "api-down", { labDir });
    const run = await svc.requestAction(engineer, {
      actionId: "cdn.enable",
      params: { regions: [EU, AP] },
      idempotencyKey: key(),
    });
    expect(run.status).toBe("pending");
    expect(failingIds(run.preflight)).toEqual([`api:${EU}`, `cdn:${EU}`]);
    // The page still shows the pre-flight of the request when ap-southeast-1's API stops too.
    await injectFault(AP, "api-down", { labDir });
    await expect(
      svc.overridePreflight(lead, run.id, { reason: "eu-west-1's API is down; enabling restarts it" }),
    ).rejects.toMatchObject({
      code: "precondition_failed",
      message: expect.stringMatching(new RegExp(`\\[api:${AP}\\] now fails.*A new override is needed\\.$`)),
    });
    await expectNothingRan(run);
    expect(await audits("action.override", run)).toBe(1);
    expect(await audits("action.preflight-changed", run)).toBe(1);
    expect((await svc.getAction(caller(), run.id)).override).toBeNull();

    const again = await svc.overridePreflight(lead, run.id, { reason: "Both APIs are down; enabling restarts them" });
    expect(again.status).toBe("running");
    expect(again.override?.covers.map((c) => c.id).sort()).toEqual([
      `api:${AP}`,
      `api:${EU}`,
      `cdn:${AP}`,
      `cdn:${EU}`,
    ]);
    await succeeded(run);
  });

  it("does not start when another check fails at the approval: names it, clears the override, audits it; a second override lets it run", async () => {
    const incident = await incidents.declareIncident(lead, {
      title: "CDN trouble in Europe and Asia",
      scenarioId: "cdn-provider-outage",
      severity: "P2",
      regions: [EU, AP],
      leadId: lead.id,
    });

    await injectFault(EU, "api-down", { labDir });
    const run = await svc.requestAction(engineer, {
      actionId: "cdn.disable",
      params: { regions: [EU, AP] },
      incidentId: incident.id,
      idempotencyKey: key(),
    });
    expect(failingIds(run.preflight), JSON.stringify(run.preflight)).toEqual([`api:${EU}`, `cdn:${EU}`]);
    const first = await svc.overridePreflight(lead, run.id, {
      reason: "eu-west-1's API is down; disabling restarts it",
    });
    expect(first.override?.covers.map((c) => c.id).sort()).toEqual([`api:${EU}`, `cdn:${EU}`]);

    // Between the override and the approval, a second region's API stops.
    await injectFault(AP, "api-down", { labDir });
    const refused = await svc.approveAction(lead2, run.id, { paramsHash: run.paramsHash }).then(
      () => null,
      (err: unknown) => err as { code: string; message: string },
    );
    expect(refused?.code).toBe("precondition_failed");
    expect(refused?.message).toMatch(/changed since lead's override/);
    expect(refused?.message).toContain(`"${AP} API answers" [api:${AP}] now fails`);
    expect(refused?.message).toContain(`[cdn:${AP}]`);
    expect(refused?.message).not.toContain(`[api:${EU}] now fails`);
    expect(refused?.message).toMatch(
      /A new override is needed, then a lead other than the requester must approve it\.$/,
    );

    await expectNothingRan(run);
    expect(await cdn(AP)).toBeNull(); // the API nothing restarted
    const blocked = await svc.getAction(caller(), run.id);
    expect(blocked.override).toBeNull();
    expect(waitingFor(blocked)).toBe("override");
    // Its stored pre-flight is the new one; the re-check says what changed and which override it voided.
    expect(failingIds(blocked.preflight)).toEqual([`api:${AP}`, `api:${EU}`, `cdn:${AP}`, `cdn:${EU}`]);
    expect(blocked.recheck?.changed.map((c) => c.id).sort()).toEqual([`api:${AP}`, `cdn:${AP}`]);
    expect(blocked.recheck?.lapsed).toMatchObject({
      by: { email: "lead@x.test" },
      reason: "eu-west-1's API is down; disabling restarts it",
    });
    expect(blocked.recheck?.lapsed?.covers.map((c) => c.id).sort()).toEqual([`api:${EU}`, `cdn:${EU}`]);

    const db = await getDb();
    const audit = await db.query<{
      actor_email: string;
      detail: { changed: Check[]; clearedOverride: { by: string; covered: Check[] } | null };
    }>("select actor_email, detail from audit_log where action = 'action.preflight-changed' and target = $1", [
      `cdn.disable#${run.id}`,
    ]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.actor_email).toBe("lead2@x.test");
    expect(audit.rows[0]!.detail.changed.map((c) => c.id).sort()).toEqual([`api:${AP}`, `cdn:${AP}`]);
    expect(audit.rows[0]!.detail.clearedOverride?.by).toBe("lead@x.test");
    const timeline = (await readIncidentDetail(incident.id)).events.map((e) => e.message);
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^Pre-flight of cdn\\.disable \\(#${run.id}\\) changed before it started: ${AP} API answers; .*lead's override no longer covers it and was cleared: a new override is needed; nothing ran\\.$`,
          ),
        ),
      ]),
    );

    // Approving again changes nothing: still refused, no second audit row, still nothing run.
    await expect(svc.approveAction(lead2, run.id, { paramsHash: run.paramsHash })).rejects.toMatchObject({
      code: "precondition_failed",
      message: expect.stringMatching(/A lead can override it/),
    });
    expect(await audits("action.preflight-changed", run)).toBe(1);
    await expectNothingRan(run);

    // A second override covers the new set: the approval starts it, and the restarts bring both APIs back.
    const second = await svc.overridePreflight(lead, run.id, { reason: "Both APIs are down; disabling restarts them" });
    expect(second.override?.covers.map((c) => c.id).sort()).toEqual([
      `api:${AP}`,
      `api:${EU}`,
      `cdn:${AP}`,
      `cdn:${EU}`,
    ]);
    const started = await svc.approveAction(lead2, run.id, { paramsHash: run.paramsHash });
    expect(started.status).toBe("running");
    await succeeded(run);
    expect(await audits("action.override", run)).toBe(2);
    for (const id of [EU, AP]) expect(await cdn(id)).toMatchObject({ enabled: false });
  });

  it("without an override, a check failing at the approval that passed at the request is recorded, so a lead can override what fails now", async () => {
    const run = await svc.requestAction(engineer, {
      actionId: "cdn.disable",
      params: { regions: [EU] },
      idempotencyKey: key(),
    });
    expect(failingIds(run.preflight), JSON.stringify(run.preflight)).toEqual([]);
    expect(waitingFor(run)).toBe("approval");
    await injectFault(EU, "api-down", { labDir });
    await expect(svc.approveAction(lead2, run.id, { paramsHash: run.paramsHash })).rejects.toMatchObject({
      code: "precondition_failed",
      message: expect.stringMatching(/A lead can override it/),
    });
    await expectNothingRan(run);
    const now = await svc.getAction(caller(), run.id);
    expect(failingIds(now.preflight)).toEqual([`api:${EU}`, `cdn:${EU}`]);
    expect(now.recheck).toMatchObject({ lapsed: null });
    expect(waitingFor(now)).toBe("override");
    expect(await audits("action.preflight-changed", run)).toBe(1);
    await svc.cancelAction(engineer, run.id);
  });

  it("kept the audit chain intact", async () => {
    expect(await verifyAuditChain(await getDb())).toMatchObject({ ok: true });
  });
});
