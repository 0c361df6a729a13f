import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectFault, labStatus, resetLab, startLab, type LabStatus } from "@/lab/index";
import { pgQuery } from "@/lab/postgres";
import { waitFor } from "@/lab/wait";
import type { ActionRun } from "@/lib/actions/run";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * The runbook's primary database failure, worked through Switchyard's actions on the real lab: promotion with
 * its pre-flight and a second person's approval, repointing the region APIs, rebuilding the old primary as a
 * replica, and the planned switchover back. Also the refusals: viewers, self-approval, paused replay, crafted
 * parameters, a held target, and a run whose console died.
 */

const labDir = await ownLabAndStore("actions");
process.env.POLL_INTERVAL = "500";

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/actions/action-service");
const { STALE_SECONDS, sweepInterrupted } = await import("@/server/actions/runner");
const { leadingCollector } = await import("@/tests/support/collector-lease");
const { verifyAuditChain } = await import("@/server/audit/verify-audit");
const incidents = await import("@/server/incidents/incident-service");
const { readIncidentDetail } = await import("@/server/incidents/incident-store");
type User = import("@/server/auth/users").User;

let engineer: User, lead: User, lead2: User, viewer: User;
let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;
let lab: LabStatus;
/** A region's server as the console reaches it, across the lab network. */
const pgAt = (id: string) => {
  const r = lab.regions.find((x) => x.id === id)!;
  return { host: r.address, port: r.pgPort };
};
const apiUrl = (id: string) => lab.regions.find((r) => r.id === id)!.apiUrl;
const key = () => `test-${Math.random().toString(36).slice(2)}-${Date.now()}`;
const caller = () => ({ kind: "user" as const, user: lead });
const count = async (sql: string, params: unknown[] = []) =>
  Number((await (await getDb()).query<{ n: string }>(sql, params)).rows[0]!.n);

async function health(id: string): Promise<{ db: { writable: boolean; lastAckedSeq: number | null } }> {
  const res = await fetch(`${apiUrl(id)}/health`, { signal: AbortSignal.timeout(5_000) });
  return res.json();
}

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

async function succeeded(run: ActionRun, timeoutMs?: number): Promise<ActionRun> {
  const done = await finished(run.id, timeoutMs);
  const detail = await svc.getAction(caller(), run.id);
  expect(
    done.status,
    `#${run.id} ${done.actionId}: ${done.error}\n${detail.output.map((l) => l.text).join("\n")}`,
  ).toBe("succeeded");
  expect(done.verification?.ok).toBe(true);
  return done;
}

const inRecovery = async (id: string) =>
  (await pgQuery<{ r: boolean }>(pgAt(id), "select pg_is_in_recovery() as r"))[0]!.r;
const streamingFrom = async (id: string) =>
  (
    await pgQuery<{ application_name: string }>(
      pgAt(id),
      "select application_name from pg_stat_replication where state = 'streaming'",
    )
  )
    .map((r) => r.application_name)
    .sort();

beforeAll(async () => {
  await startLab({ labDir });
  lab = await labStatus({ labDir });
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [engineer, lead, lead2, viewer] = await Promise.all([
    mk("eng@x.test", "engineer"),
    mk("lead@x.test", "lead"),
    mk("lead2@x.test", "lead"),
    mk("viewer@x.test", "viewer"),
  ]);
  // As root every host command of this file (pg_ctl, pg_rewind, pg_basebackup, the API hooks) goes over SSH to the lab's sshd.
  expect(lab.hostCommands).toBe(process.getuid?.() === 0 ? "ssh" : "local");
  collector = await leadingCollector();
  // The promotion's pre-flight estimates data loss from the primary's last reported position.
  await waitFor(
    "the collector to record the primary's position",
    async () => (await count("select count(*) as n from region_status where observed ? 'primaryLsn'")) > 0,
    { timeoutMs: 30_000 },
  );
}, 180_000);

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
}, 120_000);

describe("refusals that change nothing", () => {
  it("refuses a viewer's request and writes nothing", async () => {
    await expect(
      svc.requestAction(viewer, {
        actionId: "db.verify-primary",
        params: { region: "us-east-1" },
        idempotencyKey: key(),
      }),
    ).rejects.toMatchObject({ code: "forbidden" });
    expect(await count("select count(*) as n from action_runs")).toBe(0);
    expect(await count("select count(*) as n from audit_log where action like 'action.%'")).toBe(0);
  });

  it("refuses parameters crafted to smuggle in a shell or SQL fragment, and runs nothing", async () => {
    const crafted = [
      { actionId: "db.promote-replica", params: { region: "eu-west-1; rm -rf /" } },
      { actionId: "db.promote-replica", params: { region: "eu-west-1'); select pg_promote(); --" } },
      { actionId: "db.repoint-app", params: { primary: "eu-west-1", regions: ["us-east-1 && curl evil"] } },
      { actionId: "db.rebuild-replica", params: { region: "us-east-1", source: "$(reboot)" } },
      { actionId: "db.verify-primary", params: { region: "us-east-1", extra: "--help" } },
      { actionId: "db.recreate-slot", params: { replica: "xx-nowhere-9" } },
      { actionId: "shell.exec", params: {} },
    ];
    for (const c of crafted) {
      await expect(
        svc.requestAction(engineer, { ...c, idempotencyKey: key() } as never),
        JSON.stringify(c),
      ).rejects.toMatchObject({ code: "invalid" });
    }
    expect(await count("select count(*) as n from action_runs")).toBe(0);
    expect(await inRecovery("eu-west-1")).toBe(true);
  });

  it("runs a low-risk action at once, and a double submit of one form makes one run", async () => {
    const k = key();
    const [a, b] = await Promise.all([
      svc.requestAction(engineer, {
        actionId: "db.verify-primary",
        params: { region: "us-east-1" },
        idempotencyKey: k,
      }),
      svc.requestAction(engineer, {
        actionId: "db.verify-primary",
        params: { region: "us-east-1" },
        idempotencyKey: k,
      }),
    ]);
    expect(a.id).toBe(b.id);
    const done = await succeeded(a);
    expect(done.verification!.checks.map((c) => c.observed).join(" ")).toMatch(
      /pg_is_in_recovery\(\) = f.*write_check #\d+/s,
    );
    expect(await count("select count(*) as n from action_runs")).toBe(1);
  });

  it("proposes a switchover instead of a promotion while the primary still accepts writes", async () => {
    const preview = await svc.previewAction(engineer, {
      actionId: "db.promote-replica",
      params: { region: "eu-west-1" },
    });
    expect(preview.preflight.find((c) => c.id === "primary-fenced")).toMatchObject({
      ok: false,
      confirm: "us-east-1",
      observed: expect.stringMatching(
        /^the console, us-east-1, eu-west-1 and ap-southeast-1 still see us-east-1 accept writes: promoting now would make two primaries\. console: reaches it, it accepts writes/,
      ),
    });
    expect(preview.proposal).toMatchObject({ actionId: "db.switchover" });
    expect(preview.plan[0]).toMatch(
      /^unless us-east-1's server refuses connections \(stopped\) or was fenced since: fence it first/,
    );
    expect(preview.plan[1]).toBe(
      `SELECT pg_promote(false) on eu-west-1 (${pgAt("eu-west-1").host}:${pgAt("eu-west-1").port})`,
    );
    expect(await count("select count(*) as n from action_runs where action_id = 'db.promote-replica'")).toBe(0);
  });

  it("lets a request wait for its second person only so long, then it expires", async () => {
    const run = await svc.requestAction(engineer, {
      actionId: "db.switchover",
      params: { candidate: "eu-west-1" },
      idempotencyKey: key(),
    });
    expect(new Date(run.expiresAt).getTime() - new Date(run.requestedAt).getTime()).toBe(10 * 60_000);
    await (
      await getDb()
    ).query("update action_runs set expires_at = now() - interval '1 second' where id = $1", [run.id]);
    await expect(svc.approveAction(lead, run.id, { paramsHash: run.paramsHash })).rejects.toThrow(/expired/);
    expect((await svc.getAction(caller(), run.id)).status).toBe("expired");
    expect(await inRecovery("eu-west-1")).toBe(true);
  });

  it("holds one action per target, names the holder, and marks a run whose console died as interrupted without running it again", async () => {
    const db = await getDb();
    const ghost = await db.query<{ id: number }>(
      `insert into action_runs (action_id, params, params_hash, target, risk, status, idempotency_key, requested_by, expires_at, started_at, heartbeat_at, runner, progress)
       values ('db.rebuild-replica', '{"region":"ap-southeast-1","source":"us-east-1"}', repeat('0', 64), 'db:cluster', 'high', 'running', $1, $2, now() + interval '10 minutes', now(), now(), 'a-console-that-died', '{"percent":40,"message":"pg_rewind"}')
       returning id`,
      [key(), engineer.id],
    );
    const ghostId = ghost.rows[0]!.id;
    const run = await svc.requestAction(engineer, {
      actionId: "db.switchover",
      params: { candidate: "eu-west-1" },
      idempotencyKey: key(),
    });
    expect(
      run.preflight.every((c) => c.ok),
      JSON.stringify(run.preflight),
    ).toBe(true);
    await expect(svc.approveAction(lead, run.id, { paramsHash: run.paramsHash })).rejects.toThrow(
      /db\.rebuild-replica #\d+ \(requested by eng\) holds db:cluster/,
    );
    expect((await svc.getAction(caller(), run.id)).status).toBe("pending");
    await svc.cancelAction(engineer, run.id);

    expect(await sweepInterrupted()).toEqual([]); // its heartbeat is fresh: still running somewhere
    await db.query("update action_runs set heartbeat_at = now() - interval '1 minute' where id = $1", [ghostId]);
    // A run is judged silent only since the store last started (no console could beat while it was down): this
    // file's store may have started moments ago.
    await waitFor(
      "the store to have been up longer than a run may stay silent",
      async () =>
        db.driver !== "pg" ||
        (
          await db.query<{ up: boolean }>(
            "select pg_postmaster_start_time() < now() - make_interval(secs => $1) as up",
            [STALE_SECONDS],
          )
        ).rows[0]?.up,
      { timeoutMs: 30_000 },
    );
    expect(await sweepInterrupted()).toEqual([ghostId]);
    const ghostRun = await svc.getAction(caller(), ghostId);
    expect(ghostRun.status).toBe("interrupted");
    expect(ghostRun.error).toMatch(/during "pg_rewind".*Check db:cluster/);
    expect(ghostRun.output).toEqual([]);
  });
});

describe("the whole failover and failback", () => {
  const ackedBeforeStop: Record<string, number> = {};

  it("stops the primary; a replica with paused replay is refused promotion without an override", async () => {
    await waitFor(
      "every API to have written heartbeats",
      async () => (await Promise.all(lab.regions.map((r) => health(r.id)))).every((h) => (h.db.lastAckedSeq ?? 0) > 2),
      { timeoutMs: 20_000 },
    );
    await injectFault("us-east-1", "db-down", { labDir });
    for (const r of lab.regions) ackedBeforeStop[r.id] = (await health(r.id)).db.lastAckedSeq ?? 0;
    await injectFault("ap-southeast-1", "lag", { labDir });

    const paused = await svc.requestAction(engineer, {
      actionId: "db.promote-replica",
      params: { region: "ap-southeast-1" },
      idempotencyKey: key(),
    });
    const replay = paused.preflight.find((c) => c.id === "replay-running")!;
    expect(replay).toMatchObject({ ok: false, observed: "pg_is_wal_replay_paused() = true" });
    expect(paused.preflight.find((c) => c.id === "primary-fenced")).toMatchObject({ ok: true });
    await expect(svc.approveAction(lead, paused.id, { paramsHash: paused.paramsHash })).rejects.toMatchObject({
      code: "precondition_failed",
    });
    expect((await svc.getAction(caller(), paused.id)).status).toBe("pending");
    expect(await inRecovery("ap-southeast-1")).toBe(true);

    // An override needs a lead and a written reason, and is recorded; the request still waits for its approval.
    await expect(svc.overridePreflight(engineer, paused.id, { reason: "we know" })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(svc.overridePreflight(lead, paused.id, { reason: "" })).rejects.toMatchObject({ code: "invalid" });
    const overridden = await svc.overridePreflight(lead, paused.id, {
      reason: "Drill: checking that overrides are recorded",
    });
    expect(overridden).toMatchObject({
      status: "pending",
      override: { by: { email: "lead@x.test" }, reason: "Drill: checking that overrides are recorded" },
    });
    expect(
      await count("select count(*) as n from audit_log where action = 'action.override' and target = $1", [
        `db.promote-replica#${paused.id}`,
      ]),
    ).toBe(1);
    await svc.rejectAction(lead2, paused.id, { reason: "Promote eu-west-1 instead: it is the most advanced" });
    expect((await svc.getAction(caller(), paused.id)).status).toBe("rejected");
    await injectFault("ap-southeast-1", "recover", { labDir }).catch(() => undefined);
  });

  it("promotes eu-west-1 once, though two leads approve at the same moment, and never by its own requester", async () => {
    const run = await svc.requestAction(lead, {
      actionId: "db.promote-replica",
      params: { region: "eu-west-1" },
      idempotencyKey: key(),
    });
    expect(run.status).toBe("pending");
    expect(
      run.preflight.filter((c) => !c.ok),
      JSON.stringify(run.preflight),
    ).toEqual([]);
    expect(run.plan[1]).toMatch(/pg_promote\(false\) on eu-west-1/);
    await expect(svc.approveAction(lead, run.id, { paramsHash: run.paramsHash })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(svc.approveAction(engineer, run.id, { paramsHash: run.paramsHash })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(svc.approveAction(lead2, run.id, { paramsHash: "f".repeat(64) })).rejects.toMatchObject({
      code: "conflict",
    });

    const admin2 = await (
      await getDb()
    ).transaction((tx) => insertUser(tx, { email: "admin@x.test", name: "admin", role: "admin" }));
    const results = await Promise.allSettled([
      svc.approveAction(lead2, run.id, { paramsHash: run.paramsHash }),
      svc.approveAction(admin2, run.id, { paramsHash: run.paramsHash }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({
      code: "conflict",
    });

    const done = await succeeded(run);
    expect(await inRecovery("eu-west-1")).toBe(false);
    expect(
      await count("select count(*) as n from audit_log where action = 'action.start' and target = $1", [
        `db.promote-replica#${run.id}`,
      ]),
    ).toBe(1);
    const output = (await svc.getAction(caller(), run.id)).output.map((l) => l.text);
    expect(output.filter((l) => /^pg_promote on eu-west-1 .*: out of recovery after \d+ ms$/.test(l))).toHaveLength(1);
    // A stopped old primary (it refuses connections: its host answered) needs no fence first.
    expect(output).toContain("us-east-1: refuses connections: stopped; no fence needed");
    expect(done.verification!.checks.find((c) => c.id === "replicas-follow")?.observed).toMatch(
      /ap-southeast-1 streaming/,
    );
    expect(await streamingFrom("eu-west-1")).toEqual(["ap_southeast_1"]);
  });

  it("repoints every region API: writes succeed again and no acknowledged heartbeat is lost", async () => {
    const run = await svc.requestAction(engineer, {
      actionId: "db.repoint-app",
      params: { primary: "eu-west-1", regions: ["us-east-1", "eu-west-1", "ap-southeast-1"] },
      idempotencyKey: key(),
    });
    await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
    await succeeded(run);
    for (const r of lab.regions) {
      const rows = await pgQuery<{ n: string; max: string }>(
        pgAt("eu-west-1"),
        "select count(distinct seq)::text as n, max(seq)::text as max from switchyard_lab.heartbeat where region = $1 and seq <= $2",
        [r.id, ackedBeforeStop[r.id]],
      );
      expect(Number(rows[0]!.n), `${r.id}: every heartbeat acknowledged before the stop is on the new primary`).toBe(
        ackedBeforeStop[r.id],
      );
      await waitFor(
        `${r.id} to write a new heartbeat on eu-west-1`,
        async () => {
          const after = await pgQuery<{ n: string }>(
            pgAt("eu-west-1"),
            "select count(*)::text as n from switchyard_lab.heartbeat where region = $1 and seq > $2",
            [r.id, ackedBeforeStop[r.id]],
          );
          return Number(after[0]!.n) > 0;
        },
        { timeoutMs: 15_000 },
      );
    }
  });

  it("rebuilds the old primary as a replica of the new one, and it streams; the run shows on the incident", async () => {
    const incident = await incidents.declareIncident(lead, {
      title: "Primary database down in us-east-1",
      scenarioId: "primary-database-failure",
      severity: "P1",
      regions: ["us-east-1"],
      leadId: lead.id,
    });
    // the step offers the whole way back (db.failback); a rebuild alone is asked for without a step
    await expect(
      svc.requestAction(engineer, {
        actionId: "db.rebuild-replica",
        params: { region: "us-east-1", source: "eu-west-1" },
        incidentId: incident.id,
        stepKey: "primary-database-failure/restore-original-primary",
        idempotencyKey: key(),
      }),
    ).rejects.toThrow(/runs db\.failback, not db\.rebuild-replica/);
    const run = await svc.requestAction(engineer, {
      actionId: "db.rebuild-replica",
      params: { region: "us-east-1", source: "eu-west-1" },
      incidentId: incident.id,
      idempotencyKey: key(),
    });
    await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
    await succeeded(run, 180_000);
    expect(await inRecovery("us-east-1")).toBe(true);
    expect(await streamingFrom("eu-west-1")).toEqual(["ap_southeast_1", "us_east_1"]);

    const detail = await readIncidentDetail(incident.id);
    const messages = detail.events.filter((e) => e.kind === "action").map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Requested db\.rebuild-replica/),
        expect.stringMatching(/^Approved and started/),
        expect.stringMatching(/succeeded and verified/),
      ]),
    );
  });

  it("could promote the just-rebuilt server at once if the new primary died too: it reads as on the new timeline", async () => {
    await injectFault("eu-west-1", "db-down", { labDir });
    const preview = await svc.previewAction(engineer, {
      actionId: "db.promote-replica",
      params: { region: "us-east-1" },
    });
    expect(preview.preflight.find((c) => c.id === "replica-on-timeline")).toMatchObject({
      ok: true,
      observed: expect.stringMatching(/^replica, timeline 2,.*eu-west-1 last seen at .* on timeline 2/),
    });
    await injectFault("eu-west-1", "db-up", { labDir });
    await waitFor(
      "both replicas to stream from eu-west-1 again",
      async () => (await streamingFrom("eu-west-1")).length === 2,
      { timeoutMs: 30_000 },
    );
  });

  it("fails back with a planned switchover: us-east-1 primary again, nothing lost, every replica streaming", async () => {
    await waitFor(
      "us-east-1 to have replayed everything",
      async () => {
        const [p] = await pgQuery<{ lsn: string }>(pgAt("eu-west-1"), "select pg_current_wal_lsn()::text as lsn");
        const [r] = await pgQuery<{ ok: boolean }>(
          pgAt("us-east-1"),
          "select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok",
          [p!.lsn],
        );
        return r!.ok;
      },
      { timeoutMs: 20_000 },
    );
    const run = await svc.requestAction(engineer, {
      actionId: "db.switchover",
      params: { candidate: "us-east-1" },
      idempotencyKey: key(),
    });
    expect(
      run.preflight.filter((c) => !c.ok),
      JSON.stringify(run.preflight),
    ).toEqual([]);
    await svc.approveAction(lead2, run.id, { paramsHash: run.paramsHash });
    const lastOnEu = await waitFor(
      "a heartbeat before the switchover",
      async () => (await health("eu-west-1")).db.lastAckedSeq ?? undefined,
    );
    await succeeded(run, 240_000);
    expect(await inRecovery("us-east-1")).toBe(false);
    expect(await streamingFrom("us-east-1")).toEqual(["ap_southeast_1", "eu_west_1"]);
    const [kept] = await pgQuery<{ n: string }>(
      pgAt("us-east-1"),
      "select count(distinct seq)::text as n from switchyard_lab.heartbeat where region = 'eu-west-1' and seq <= $1",
      [lastOnEu],
    );
    expect(Number(kept!.n)).toBe(lastOnEu);
    for (const r of lab.regions) expect((await health(r.id)).db.writable, `${r.id} writes`).toBe(true);
    expect(
      (await (await getDb()).query<{ primary_region: string }>("select primary_region from fleet_topology")).rows[0]
        ?.primary_region,
    ).toBe("us-east-1");
  });

  it("wrote every step to an intact audit chain", async () => {
    const db = await getDb();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const actions = (await db.query<{ action: string }>("select distinct action from audit_log")).rows.map(
      (r) => r.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        "action.request",
        "action.approve",
        "action.reject",
        "action.override",
        "action.start",
        "action.succeeded",
        "action.cancel",
        "action.expire",
        "action.interrupted",
      ]),
    );
  });
});
