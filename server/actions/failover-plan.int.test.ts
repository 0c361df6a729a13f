import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFault, labStatus, resetLab, restartApi, startLab, type LabStatus } from "@/lab/index";
import { pgQuery } from "@/lab/postgres";
import { waitFor } from "@/lab/wait";
import type { ActionRun } from "@/lib/actions/run";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * The failover as one plan on the real lab (db.failover) and the way back (db.failback): one request, one
 * approval, each step verified on the run; a step that fails stops the plan and says where the fleet stands.
 */

const labDir = await ownLabAndStore("plans");
process.env.POLL_INTERVAL = "500";

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/actions/action-service");
const { leadingCollector } = await import("@/tests/support/collector-lease");
const incidents = await import("@/server/incidents/incident-service");
const { readIncidentDetail } = await import("@/server/incidents/incident-store");
type User = import("@/server/auth/users").User;

let engineer: User, lead: User;
let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
let lab: LabStatus;
const ALL = ["us-east-1", "eu-west-1", "ap-southeast-1"];
const pgAt = (id: string) => {
  const r = lab.regions.find((x) => x.id === id)!;
  return { host: r.address, port: r.pgPort };
};
const key = () => `plan-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const caller = () => ({ kind: "user" as const, user: lead });
const inRecovery = async (id: string) =>
  (await pgQuery<{ r: boolean }>(pgAt(id), "select pg_is_in_recovery() as r"))[0]!.r;
const stageStates = (run: ActionRun) => run.stages?.map((s) => `${s.key}:${s.status}`);

async function health(
  id: string,
): Promise<{ db: { writable: boolean; lastAckedSeq: number | null }; dbPort?: number }> {
  const url = lab.regions.find((r) => r.id === id)!.apiUrl;
  return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })).json();
}

async function finished(id: number, timeoutMs = 180_000): Promise<ActionRun> {
  return waitFor(
    `action #${id} to finish`,
    async () => {
      const run = await svc.getAction(caller(), id);
      return run.status !== "running" && run.status !== "pending" ? run : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** A request by the engineer and the lead's one approval (overriding first when asked to). */
async function requestAndApprove(
  actionId: "db.failover" | "db.failback",
  params: Record<string, unknown>,
  opts: { incidentId?: number; stepKey?: string; override?: string; confirm?: string } = {},
): Promise<ActionRun> {
  const run = await svc.requestAction(engineer, {
    actionId,
    params,
    incidentId: opts.incidentId ?? null,
    stepKey: opts.stepKey ?? null,
    idempotencyKey: key(),
  } as never);
  expect(run.status).toBe("pending");
  // With the primary up, two replicas' received positions read a heartbeat apart can make "most-advanced" fail
  // between the override and the approval: the console then clears the override and asks for a new one, which a
  // lead gives (at most three times here).
  for (let attempt = 1; ; attempt++) {
    if (opts.override)
      await svc.overridePreflight(lead, run.id, {
        reason: opts.override,
        ...(opts.confirm ? { confirm: opts.confirm } : {}),
      } as never);
    try {
      await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
      return finished(run.id);
    } catch (err) {
      if (!opts.override || attempt === 3 || !/^The pre-flight changed since/.test((err as Error).message)) throw err;
    }
  }
}

/** The DB_HOST written ahead for the candidate was put back: every API's env names us-east-1, so a restart still points at it. */
async function expectEnvPutBack(run: ActionRun) {
  const us = lab.regions.find((r) => r.id === "us-east-1")!;
  const lines = (await svc.getAction(caller(), run.id)).output.map((l) => l.text);
  for (const id of ALL) {
    const sets = lines.filter((l) => l.startsWith(`${id}: set DB_HOST=`));
    expect(sets.length, id).toBe(2);
    expect(sets.at(-1), id).toBe(`${id}: set DB_HOST=${us.address} DB_PORT=${us.pgPort} (restart-api to apply)`);
  }
}

beforeAll(async () => {
  await startLab({ labDir });
  lab = await labStatus({ labDir });
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [engineer, lead] = await Promise.all([mk("eng@plan.test", "engineer"), mk("lead@plan.test", "lead")]);
  collector = await leadingCollector();
  await waitFor(
    "the collector to record the primary's position",
    async () =>
      Number(
        (await db.query<{ n: string }>("select count(*) as n from region_status where observed ? 'primaryLsn'"))
          .rows[0]!.n,
      ) > 0,
    { timeoutMs: 30_000 },
  );
  await waitFor(
    "every API to have written heartbeats",
    async () => (await Promise.all(ALL.map(health))).every((h) => (h.db.lastAckedSeq ?? 0) > 2),
    { timeoutMs: 20_000 },
  );
}, 180_000);

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
}, 120_000);

describe("db.failover, one plan under one approval", () => {
  it("stops at its first step when the old primary still takes writes, though a lead overrode the pre-flight: nothing is promoted", async () => {
    const run = await requestAndApprove(
      "db.failover",
      { candidate: "eu-west-1", regions: ALL },
      { override: "Testing the plan's own guard against two primaries", confirm: "us-east-1" },
    );
    expect(run.status).toBe("failed");
    expect(stageStates(run)).toEqual(["old-primary:failed", "promote:skipped", "repoint:skipped", "verify:skipped"]);
    expect(run.error).toMatch(/^Stopped at step 1 of 4 \(us-east-1 is down or fenced\)/);
    expect(run.error).toMatch(/The fleet now: us-east-1 primary/);
    expect(run.error).toMatch(/Next: Nothing was promoted, and no region API was touched/);
    expect(await inRecovery("eu-west-1")).toBe(true);
    expect(await inRecovery("us-east-1")).toBe(false);
    await expectEnvPutBack(run);
  });

  it("stops at the promotion when the candidate's server is down, with the region APIs untouched", async () => {
    await injectFault("us-east-1", "db-down", { labDir });
    await injectFault("ap-southeast-1", "db-down", { labDir });
    try {
      const run = await requestAndApprove(
        "db.failover",
        { candidate: "ap-southeast-1", regions: ALL },
        { override: "Testing a plan that stops at its second step" },
      );
      expect(run.status).toBe("failed");
      expect(stageStates(run)).toEqual(["old-primary:passed", "promote:failed", "repoint:skipped", "verify:skipped"]);
      const promote = run.stages!.find((s) => s.key === "promote")!;
      expect(promote.checks.find((c) => c.id === "candidate-replica")).toMatchObject({ ok: false });
      expect(run.error).toMatch(/^Stopped at step 2 of 4 \(Promote ap-southeast-1\): its pre-flight failed/);
      expect(run.error).toMatch(/Next: No region API was touched/);
      // the other replicas could not be pointed at a candidate that is down, and the error does not claim they were
      expect(run.error).toMatch(/the other replicas could not all be pointed at ap-southeast-1/);
      // every API still points at us-east-1's port
      const usPort = lab.regions.find((r) => r.id === "us-east-1")!.pgPort;
      for (const id of ALL) expect((await health(id)).dbPort, id).toBe(usPort);
      await expectEnvPutBack(run);
      await restartApi("eu-west-1", { labDir });
      expect((await health("eu-west-1")).dbPort).toBe(usPort);
    } finally {
      await injectFault("ap-southeast-1", "recover", { labDir });
    }
    await waitFor(
      "ap-southeast-1 to answer as a replica again",
      () => inRecovery("ap-southeast-1").catch(() => false),
      {
        timeoutMs: 30_000,
      },
    );
  });

  it("under a stopped primary runs end to end with one approval: promoted, every API writing to it, the checklist ticked", async () => {
    const incident = await incidents.declareIncident(lead, {
      title: "Primary database down in us-east-1",
      scenarioId: "primary-database-failure",
      severity: "P1",
      regions: ["us-east-1"],
      leadId: lead.id,
    });
    const acked: Record<string, number> = {};
    for (const id of ALL) acked[id] = (await health(id)).db.lastAckedSeq ?? 0;
    const run = await requestAndApprove(
      "db.failover",
      { candidate: "eu-west-1", regions: ALL },
      { incidentId: incident.id, stepKey: "primary-database-failure/manual-failover" },
    );
    const detail = await svc.getAction(caller(), run.id);
    expect(run.status, `${run.error}\n${detail.output.map((l) => l.text).join("\n")}`).toBe("succeeded");
    expect(stageStates(run)).toEqual(["old-primary:passed", "promote:passed", "repoint:passed", "verify:passed"]);
    expect(run.verification?.ok).toBe(true);
    expect(await inRecovery("eu-west-1")).toBe(false);
    const euPort = lab.regions.find((r) => r.id === "eu-west-1")!.pgPort;
    for (const id of ALL) {
      const h = await health(id);
      expect(h.dbPort, id).toBe(euPort);
      expect(h.db.writable, id).toBe(true);
    }
    // the APIs' restarts began the moment the promotion verified, side by side
    const out = detail.output.map((l) => l.text);
    expect(out.some((l) => /accepts writes \(write_check/.test(l))).toBe(true);
    // nothing acknowledged before the stop was lost
    for (const id of ALL) {
      const [kept] = await pgQuery<{ n: string }>(
        pgAt("eu-west-1"),
        "select count(distinct seq)::text as n from switchyard_lab.heartbeat where region = $1 and seq <= $2",
        [id, acked[id]],
      );
      expect(Number(kept!.n), id).toBe(acked[id]);
    }
    // one approval for the whole plan
    const approvals = await (
      await getDb()
    ).query("select 1 from audit_log where action = 'action.approve' and target = $1", [`db.failover#${run.id}`]);
    expect(approvals.rowCount).toBe(1);
    // the step it was asked from is ticked by the run; the three it covers by the run, or by their live checks first
    const steps = (await readIncidentDetail(incident.id)).steps;
    const step = (k: string) => steps.find((s) => s.key === `primary-database-failure/${k}`);
    expect(step("manual-failover")).toMatchObject({ checked: true, checkedBy: `Action #${run.id}` });
    for (const k of ["promote-replica", "update-connection-strings", "verify-new-primary"]) {
      expect(step(k), k).toMatchObject({ checked: true });
      expect([`Action #${run.id}`, "Live check"], k).toContain(step(k)?.checkedBy);
    }
  });
});

describe("db.failback, the way back as one plan", () => {
  it("rebuilds the old primary, waits until it has caught up and switches over: us-east-1 primary again, every replica streaming", async () => {
    const run = await requestAndApprove("db.failback", { region: "us-east-1" });
    const detail = await svc.getAction(caller(), run.id);
    expect(run.status, `${run.error}\n${detail.output.map((l) => l.text).join("\n")}`).toBe("succeeded");
    expect(stageStates(run)).toEqual(["rebuild:passed", "catch-up:passed", "switchover:passed"]);
    expect(await inRecovery("us-east-1")).toBe(false);
    expect(await inRecovery("eu-west-1")).toBe(true);
    const usPort = lab.regions.find((r) => r.id === "us-east-1")!.pgPort;
    for (const id of ALL) expect((await health(id)).dbPort, id).toBe(usPort);
    const streaming = await pgQuery<{ application_name: string }>(
      pgAt("us-east-1"),
      "select application_name from pg_stat_replication where state = 'streaming' order by 1",
    );
    expect(streaming.map((r) => r.application_name)).toEqual(["ap_southeast_1", "eu_west_1"]);
  });
});
