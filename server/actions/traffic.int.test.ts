import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFault, labStatus, resetLab, startLab, type LabStatus } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import type { ActionRun } from "@/lib/actions/run";
import type { UserRequest } from "@/lib/traffic";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * The traffic actions on the real lab: HAProxy in front of the three region APIs and the lab's synthetic users
 * behind it. Draining us-east-1 through a request and a lead's approval moves every americas user to eu-west-1
 * with no failed request; restoring brings them back, at once or in steps; a weight split shows in what users get;
 * draining the last region that can serve is refused, even overridden, and changes nothing. Also the refusals:
 * viewers, self-approval, malformed parameters, a second traffic action while one runs.
 */

const labDir = await ownLabAndStore("traffic");

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/actions/action-service");
const { getFleetConfig } = await import("@/server/fleet/config");
const { createHaproxyBalancer } = await import("@/server/traffic/haproxy");
const { readUserRequests } = await import("@/server/traffic/users-probe");
type User = import("@/server/auth/users").User;
type Balancer = import("@/server/traffic/balancer").Balancer;

let engineer: User, lead: User, lead2: User, viewer: User;
let lab: LabStatus;
let balancer: Balancer;
const key = () => `test-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const caller = () => ({ kind: "user" as const, user: lead });
const count = async (sql: string, params: unknown[] = []) =>
  Number((await (await getDb()).query<{ n: string }>(sql, params)).rows[0]!.n);

const usersUrl = () => getFleetConfig().balancer!.usersUrl!;
const requestsSince = (ms: number) => readUserRequests(usersUrl(), ms, 5_000);
const failedOf = (rs: UserRequest[]) => rs.filter((r) => r.status === 0 || r.status >= 500);
/** Who answered a geography's requests sent since `ms`, as region → count. */
const servedBy = (rs: UserRequest[], geography: string) => {
  const by: Record<string, number> = {};
  for (const r of rs) if (r.geography === geography && r.servedBy) by[r.servedBy] = (by[r.servedBy] ?? 0) + 1;
  return by;
};
/** Waits until `n` answered requests of the geography sent from now on were all served by `region`. */
async function servedOnlyBy(geography: string, region: string, n = 15) {
  const from = Date.now();
  return waitFor(
    `${n} ${geography} requests served by ${region}`,
    async () => {
      const rs = (await requestsSince(from)).filter((r) => r.geography === geography);
      expect(servedBy(rs, geography), JSON.stringify(servedBy(rs, geography))).toEqual(
        rs.length ? { [region]: rs.filter((r) => r.servedBy).length } : {},
      );
      return rs.length >= n ? rs : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}
const regionStatuses = async (region: string) =>
  (await balancer.read(5_000)).filter((s) => s.region === region).map((s) => s.status);

async function finished(id: number, timeoutMs = 120_000): Promise<ActionRun> {
  return waitFor(
    `action #${id} to finish`,
    async () => {
      const run = await svc.getAction(caller(), id);
      return run.status !== "running" && run.status !== "pending" ? run : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
const output = async (id: number) => (await svc.getAction(caller(), id)).output.map((l) => l.text).join("\n");
async function succeeded(run: ActionRun): Promise<ActionRun> {
  const done = await finished(run.id);
  expect(done.status, `#${run.id} ${done.actionId}: ${done.error}\n${await output(run.id)}`).toBe("succeeded");
  expect(done.verification?.ok, JSON.stringify(done.verification)).toBe(true);
  return done;
}

type TrafficAction = "traffic.drain-region" | "traffic.restore-region" | "traffic.set-weights";
/** Requested by the engineer (its pre-flight passing) and approved by a lead. */
async function request(actionId: TrafficAction, params: Record<string, unknown>): Promise<ActionRun> {
  const run = await svc.requestAction(engineer, { actionId, params, idempotencyKey: key() });
  expect(run.status).toBe("pending");
  expect(
    run.preflight.filter((c) => !c.ok),
    `${actionId} pre-flight`,
  ).toEqual([]);
  return run;
}
async function approved(actionId: TrafficAction, params: Record<string, unknown>): Promise<ActionRun> {
  const run = await request(actionId, params);
  await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
  return succeeded(run);
}

beforeAll(async () => {
  await startLab({ labDir });
  lab = await labStatus({ labDir });
  expect(lab.balancer, lab.balancerReason).toMatchObject({ status: "up" });
  expect(lab.generator).toMatchObject({ status: "up" });
  balancer = createHaproxyBalancer(getFleetConfig().balancer!);
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [engineer, lead, lead2, viewer] = await Promise.all([
    mk("eng@t.test", "engineer"),
    mk("lead@t.test", "lead"),
    mk("lead2@t.test", "lead"),
    mk("viewer@t.test", "viewer"),
  ]);
  // Every geography at home before anything moves (HAProxy's first checks take a moment).
  await Promise.all([
    servedOnlyBy("americas", "us-east-1", 5),
    servedOnlyBy("europe", "eu-west-1", 5),
    servedOnlyBy("asia-pacific", "ap-southeast-1", 5),
  ]);
}, 180_000);

afterAll(async () => {
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
}, 120_000);

describe("refusals that change nothing", () => {
  it("refuses a viewer's request and malformed parameters, and writes nothing", async () => {
    await expect(
      svc.requestAction(viewer, {
        actionId: "traffic.drain-region",
        params: { region: "us-east-1" },
        idempotencyKey: key(),
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const crafted = [
      { actionId: "traffic.drain-region", params: { region: "us-east-1; disable server geo_americas/us-east-1" } },
      { actionId: "traffic.drain-region", params: { region: "sa-east-9" } },
      { actionId: "traffic.restore-region", params: { region: "us-east-1", steps: [50, 25, 100], holdSeconds: 5 } },
      { actionId: "traffic.restore-region", params: { region: "us-east-1", steps: [25, 50] } },
      { actionId: "traffic.set-weights", params: { geography: "americas", weights: { "us-east-1": 300 } } },
      { actionId: "traffic.set-weights", params: { geography: "americas", weights: { "us-east-1": 0 } } },
      { actionId: "traffic.set-weights", params: { geography: "antarctica", weights: { "us-east-1": 10 } } },
      { actionId: "traffic.set-weights", params: { geography: "americas", weights: { "sa-east-9": 10 } } },
    ];
    for (const c of crafted)
      await expect(
        svc.requestAction(engineer, { ...c, idempotencyKey: key() } as never),
        JSON.stringify(c),
      ).rejects.toMatchObject({ code: "invalid" });
    expect(await count("select count(*) as n from action_runs")).toBe(0);
    expect(await count("select count(*) as n from audit_log where action like 'action.%'")).toBe(0);
    expect(await regionStatuses("us-east-1")).toEqual(["UP", "UP", "UP", "UP", "UP"]);
  });
});

describe("draining and restoring a region on the real lab", () => {
  it("drains us-east-1 after a lead's approval: every americas user moves to eu-west-1 with no failed request", async () => {
    const run = await request("traffic.drain-region", { region: "us-east-1" });
    const labels = run.preflight.map((c) => c.label).join("\n");
    expect(labels).toMatch(/global balancer and it answers/);
    expect(labels).toMatch(/Another region can serve every geography once us-east-1 is drained/);
    expect(run.preflight.find((c) => c.id === "another-region-serves")?.observed).toBe(
      "americas: us-east-1 → eu-west-1",
    );
    expect(run.preflight.find((c) => c.id === "headroom:eu-west-1")?.observed).toMatch(
      /requests it served users in the last 30 s, 0\.0 % failed and p95 was \d+ ms/,
    );
    expect(run.preflight.find((c) => c.id === "healthy:eu-west-1")?.observed).toMatch(/\/health says ok/);
    expect(run.plan).toEqual(expect.arrayContaining(["set server geo_americas/us-east-1 state drain"]));
    // the requester cannot approve, nor can an engineer; a lead approves exactly what was requested
    await expect(svc.approveAction(engineer, run.id, { paramsHash: run.paramsHash })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(svc.approveAction(lead, run.id, { paramsHash: "f".repeat(64) })).rejects.toMatchObject({
      code: "conflict",
    });
    expect(await regionStatuses("us-east-1")).not.toContain("DRAIN");

    const approvedAt = Date.now();
    await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
    const done = await succeeded(run);
    const checks = Object.fromEntries(done.verification!.checks.map((c) => [c.id, c]));
    expect(checks["moved:americas"]?.observed).toMatch(/answered since the drain, served by eu-west-1$/);
    expect(checks["no-failures"]?.observed).toMatch(/^0 of \d+ failed$/);

    expect((await regionStatuses("us-east-1")).every((s) => s === "DRAIN")).toBe(true);
    await servedOnlyBy("americas", "eu-west-1");
    const since = await requestsSince(approvedAt - 1_000);
    expect(failedOf(since)).toEqual([]);
    expect(servedBy(since, "europe")).toEqual({ "eu-west-1": expect.any(Number) });
    for (const action of ["action.request", "action.approve", "action.start", "action.succeeded"])
      expect(
        await count("select count(*) as n from audit_log where action = $1 and target = $2", [
          action,
          `traffic.drain-region#${run.id}`,
        ]),
        action,
      ).toBe(1);
  });

  it("refuses to drain the last region that can serve, even overridden and approved, and changes nothing", async () => {
    // eu-west-1 drained by hand: ap-southeast-1 alone serves everybody
    await balancer.setRegionState("eu-west-1", "drain", 5_000);
    await servedOnlyBy("americas", "ap-southeast-1", 5);
    const run = await svc.requestAction(engineer, {
      actionId: "traffic.drain-region",
      params: { region: "ap-southeast-1" },
      idempotencyKey: key(),
    });
    const last = run.preflight.find((c) => c.id === "another-region-serves")!;
    expect(last).toMatchObject({ ok: false });
    expect(last.observed).toMatch(
      /americas would be served by no region: ap-southeast-1 is the last that can serve it/,
    );
    await expect(svc.approveAction(lead, run.id, { paramsHash: run.paramsHash })).rejects.toMatchObject({
      code: "precondition_failed",
    });
    expect((await svc.getAction(caller(), run.id)).status).toBe("pending");

    // A lead overrides it anyway; the execution refuses again, before it changes anything.
    const from = Date.now();
    await svc.overridePreflight(lead, run.id, { reason: "Drill: the last region must never be drained" });
    await svc.approveAction(lead2, run.id, { paramsHash: run.paramsHash });
    const done = await finished(run.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/^refused, nothing changed: americas would be served by no region/);
    expect(await regionStatuses("ap-southeast-1")).toEqual(["UP", "UP", "UP", "UP", "UP"]);
    await servedOnlyBy("asia-pacific", "ap-southeast-1", 5);
    expect(failedOf(await requestsSince(from))).toEqual([]);

    await balancer.setRegionState("eu-west-1", "ready", 5_000);
    await servedOnlyBy("americas", "eu-west-1", 5);
  });

  it("restores us-east-1 at once: americas is served by it again", async () => {
    const from = Date.now();
    const done = await approved("traffic.restore-region", { region: "us-east-1" });
    expect(done.verification!.checks.find((c) => c.id === "served:americas")?.observed).toMatch(
      /^\d+ answered since the last step: \d+ by us-east-1$/,
    );
    expect(await regionStatuses("us-east-1")).toEqual(["UP", "UP", "UP", "UP", "UP"]);
    await servedOnlyBy("americas", "us-east-1");
    expect(failedOf(await requestsSince(from))).toEqual([]);
  });

  it("restores in steps of the home weight, splitting americas with eu-west-1 at each step", async () => {
    await approved("traffic.drain-region", { region: "us-east-1" });
    await servedOnlyBy("americas", "eu-west-1", 5);
    const run = await request("traffic.restore-region", { region: "us-east-1", steps: [25, 50, 100], holdSeconds: 3 });
    expect(run.plan.join("\n")).toMatch(/hold 3 s at 25 %/);
    const from = Date.now();
    await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
    await succeeded(run);
    const out = await output(run.id);
    expect(out).toMatch(/set server geo_americas\/eu-west-1 weight 75/);
    expect(out).toMatch(/at 25 %: americas → eu-west-1 75 %, us-east-1 25 %/);
    expect(out).toMatch(/at 50 %: americas → eu-west-1 50 %, us-east-1 50 %/);
    expect(out).toMatch(/at 100 %: americas → us-east-1/);
    expect(out).toMatch(/holding at 50 % for 3 s/);
    // during the steps both regions served americas; nobody's request failed
    const during = await requestsSince(from);
    expect(Object.keys(servedBy(during, "americas")).sort()).toEqual(["eu-west-1", "us-east-1"]);
    expect(failedOf(during)).toEqual([]);
    const weights = (await balancer.read(5_000))
      .filter((s) => s.backend === "geo_americas" && !s.backup)
      .map((s) => [s.region, s.weight]);
    expect(Object.fromEntries(weights)).toEqual({ "us-east-1": 100, "eu-west-1": 0, "ap-southeast-1": 0 });
    await servedOnlyBy("americas", "us-east-1");
  }, 180_000);

  it("an abort while a stepped restore holds goes back to where it started; no other traffic action runs meanwhile", async () => {
    await approved("traffic.drain-region", { region: "us-east-1" });
    const run = await request("traffic.restore-region", { region: "us-east-1", steps: [25, 100], holdSeconds: 600 });
    await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
    await waitFor(
      "the restore to hold at 25 %",
      async () => /holding at 25 %/.test((await svc.getAction(caller(), run.id)).progress?.message ?? ""),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const other = await request("traffic.set-weights", {
      geography: "europe",
      weights: { "eu-west-1": 100, "us-east-1": 10 },
    });
    await expect(svc.approveAction(lead, other.id, { paramsHash: other.paramsHash })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/traffic\.restore-region #\d+ .* holds traffic:global/),
    });
    await svc.rejectAction(lead, other.id, { reason: "One traffic change at a time" });

    await svc.controlAction(engineer, run.id, { control: "abort" });
    const done = await finished(run.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(
      /^aborted by operator; back as before: us-east-1 drained again, americas weights us-east-1 100, eu-west-1 0, ap-southeast-1 0$/,
    );
    expect((await regionStatuses("us-east-1")).every((s) => s === "DRAIN")).toBe(true);
    await servedOnlyBy("americas", "eu-west-1");
    await approved("traffic.restore-region", { region: "us-east-1" });
  }, 180_000);
});

describe("weights", () => {
  it("splits americas between us-east-1 and eu-west-1, and back", async () => {
    const run = await request("traffic.set-weights", {
      geography: "americas",
      weights: { "us-east-1": 50, "eu-west-1": 50, "ap-southeast-1": 0 },
    });
    expect(run.preflight.find((c) => c.id === "changes")?.observed).toBe("us-east-1 100 → 50, eu-west-1 0 → 50");
    const from = Date.now();
    await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
    const done = await succeeded(run);
    expect(done.verification!.checks.find((c) => c.id === "shares")?.observed).toMatch(
      /us-east-1 \d+ % \(expected 50 %, was 100 %\), eu-west-1 \d+ % \(expected 50 %, was 0 %\)/,
    );
    const after = (await requestsSince(from)).filter((r) => r.geography === "americas");
    expect(Object.keys(servedBy(after, "americas")).sort()).toEqual(["eu-west-1", "us-east-1"]);

    await approved("traffic.set-weights", {
      geography: "americas",
      weights: { "us-east-1": 100, "eu-west-1": 0, "ap-southeast-1": 0 },
    });
    await servedOnlyBy("americas", "us-east-1");
  });

  it("refuses weights that leave no weighted region up: the pre-flight says so", async () => {
    await balancer.setRegionState("eu-west-1", "drain", 5_000);
    try {
      const preview = await svc.previewAction(engineer, {
        actionId: "traffic.set-weights",
        params: { geography: "americas", weights: { "us-east-1": 0, "eu-west-1": 100 } },
      });
      expect(preview.preflight.find((c) => c.id === "weighted-up")).toMatchObject({
        ok: false,
        observed: expect.stringMatching(/^none would take americas's users: eu-west-1 \(weight 100\): DRAIN/),
      });
    } finally {
      await balancer.setRegionState("eu-west-1", "ready", 5_000);
    }
    expect(await regionStatuses("us-east-1")).toEqual(["UP", "UP", "UP", "UP", "UP"]);
  });
});

describe("headroom", () => {
  it("gives no more users to a region that is slow for its own: draining us-east-1 fails eu-west-1's headroom", async () => {
    await injectFault("eu-west-1", "api-slow", { labDir });
    try {
      // europe's users see ~3 s answers from now on; once enough of the last 30 s are slow, the p95 says so
      const preflight = await waitFor(
        "eu-west-1's headroom to fail",
        async () => {
          const p = await svc.previewAction(engineer, {
            actionId: "traffic.drain-region",
            params: { region: "us-east-1" },
          });
          return p.preflight.find((c) => c.id === "headroom:eu-west-1")?.ok === false ? p.preflight : undefined;
        },
        { timeoutMs: 40_000, intervalMs: 1_000 },
      );
      expect(preflight.find((c) => c.id === "headroom:eu-west-1")?.observed).toMatch(
        /failed and p95 was [3-9]\d{3} ms \(under 1 %, p95 under 1000 ms\)/,
      );
      expect(preflight.find((c) => c.id === "healthy:eu-west-1")).toMatchObject({
        ok: false,
        // its /health is as slow as the rest (~3 s): past the check's 2 s, or answered "degraded"
        observed: expect.stringMatching(/did not answer \/health within \d+ ms|\/health says degraded/),
      });
      expect(preflight.find((c) => c.id === "another-region-serves")?.ok).toBe(true);
    } finally {
      await injectFault("eu-west-1", "recover", { labDir });
    }
  }, 120_000);
});
