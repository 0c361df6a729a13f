import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { freshDatabase } from "@/tests/support/fresh-database";
import { startTestPostgres } from "@/tests/support/postgres-server";

/**
 * The store restarting under the console. A PostgreSQL store of this file's own is stopped (`pg_ctl -m fast`, then
 * `-m immediate`) and started again while a runbook action runs in another console process and this one reads,
 * writes incident notes, collects and sweeps: reads and writes meanwhile fail with a typed "unavailable" error and
 * never hang, the pool reconnects by itself within seconds, the action's outcome (known while the store was away)
 * is recorded after it is back and never called interrupted, and every acknowledged incident change is there.
 * A store that stops answering altogether (its processes frozen) is given up on within the driver's timeouts.
 */

const server = await startTestPostgres();
const labDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-store-restart-lab-"));
process.env.DATABASE_URL = await freshDatabase(server.url);
process.env.LAB_DIR = labDir;
delete process.env.FLEET_CONFIG;
delete process.env.ALERT_WEBHOOK_URL;

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const actions = await import("@/server/actions/action-service");
const { sweepInterrupted, STALE_SECONDS } = await import("@/server/actions/runner");
const incidents = await import("@/server/incidents/incident-service");
const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
const { listenToOtherConsoles, subscribe } = await import("@/server/events/bus");
const { ServiceError } = await import("@/server/errors");
const { leadingCollector } = await import("@/tests/support/collector-lease");
type User = import("@/server/auth/users").User;

let child: ChildProcess | null = null;
let collector: Awaited<ReturnType<typeof leadingCollector>> | null = null;
let engineer: User, lead: User;
let stopLoops = () => {};

beforeAll(async () => {
  await startLab({ labDir, simulated: true });
  const db = await getDb();
  engineer = await db.transaction((tx) => insertUser(tx, { email: "eng@x.test", name: "eng", role: "engineer" }));
  lead = await db.transaction((tx) => insertUser(tx, { email: "lead@x.test", name: "lead", role: "lead" }));
  listenToOtherConsoles();
  collector = await leadingCollector();
}, 180_000);

afterAll(async () => {
  stopLoops();
  if (child?.exitCode === null) child.kill("SIGKILL");
  collector?.stop();
  await resetLab({ labDir }).catch(() => undefined);
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close().catch(() => undefined);
  await server.stop();
}, 120_000);

type Outcome = { at: number; ms: number; ok: boolean; code?: string; error?: string };

/** Runs `op` again and again until stopped, recording each outcome and how long it took. */
function loop(op: () => Promise<unknown>, everyMs: number): { outcomes: Outcome[]; stop(): Promise<void> } {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        await op();
        outcomes.push({ at: Date.now(), ms: performance.now() - started, ok: true });
      } catch (err) {
        outcomes.push({
          at: Date.now(),
          ms: performance.now() - started,
          ok: false,
          code: err instanceof ServiceError ? err.code : undefined,
          error: (err as Error).message,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

it("reconnects within seconds after restarts, records the action's outcome after the store is back, and loses nothing acknowledged", async () => {
  const caller = { kind: "user", user: lead } as const;
  const incident = await incidents.declareIncident(lead, {
    title: "Store restarts",
    scenarioId: null,
    severity: "P3",
    leadId: lead.id,
  });

  // Reads as pages make them, and incident notes as people add them: a note is acknowledged when addNote resolves.
  const reads = loop(async () => {
    await readFleetSnapshot(getFleetConfig());
    await incidents.listIncidents(caller, { status: "open" });
  }, 50);
  let n = 0;
  const acknowledged: string[] = [];
  const writes = loop(async () => {
    const text = `note ${++n}`;
    await incidents.addNote(lead, incident.id, { text });
    acknowledged.push(text);
  }, 100);
  stopLoops = () => void Promise.all([reads.stop(), writes.stop()]);

  // Another console process runs a CDN rollout for the incident; this one holds 6 s at 10 % and 8 s at 50 %.
  let out = "";
  child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.resolve("tests/support/action-child.ts")],
    {
      env: {
        ...process.env,
        ACTION: JSON.stringify({
          actionId: "cdn.rollout",
          params: { provider: "bunny", regions: ["ap-southeast-1"], holdSeconds: [6, 8] },
        }),
        REQUESTER: engineer.id,
        APPROVER: lead.id,
        INCIDENT: String(incident.id),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const withOutput = <T>(p: Promise<T>) =>
    p.catch((err: Error) => {
      throw new Error(`${err.message}\n--- the other console's output ---\n${out}`);
    });
  const runId = await waitFor(
    "the other console to start the rollout",
    () => {
      if (child!.exitCode !== null) throw new Error(`the other console exited:\n${out}`);
      const m = /\{"runId":(\d+)\}/.exec(out);
      return m ? Number(m[1]) : undefined;
    },
    { timeoutMs: 60_000 },
  );
  const progress = async () => (await actions.getAction(caller, runId)).progress?.message ?? "";
  await waitFor("the rollout to hold at 10 %", async () => /holding at 10 %/.test(await progress()), {
    timeoutMs: 60_000,
    intervalMs: 200,
  });

  /** Stops the store, waits until reads and writes have failed while it is down, starts it again; the time until a read succeeds. */
  const failedSince = (loopOutcomes: Outcome[], t: number) => loopOutcomes.filter((o) => o.at > t && !o.ok);
  const firstReadAfter = (t: number) =>
    waitFor("a read to succeed after the restart", () => reads.outcomes.find((o) => o.at > t && o.ok), {
      timeoutMs: 30_000,
      intervalMs: 20,
    });

  // 1. A fast shutdown in the middle of the hold at 10 %.
  const halted1 = Date.now();
  await server.halt("fast");
  await waitFor(
    "reads and writes to fail while the store is down",
    () => failedSince(reads.outcomes, halted1).length >= 3 && failedSince(writes.outcomes, halted1).length >= 3,
    { timeoutMs: 20_000, intervalMs: 20 },
  );
  await server.resume();
  const resumed1 = Date.now();
  const reconnect1 = (await firstReadAfter(resumed1)).at - resumed1;

  // 2. An immediate stop (as a crash) at 50 %: the rollout finishes while the store is down, and its outcome is kept
  // in the other console's memory. The store stays down until the run's heartbeat is older than the sweeper's bound.
  await waitFor("the rollout to hold at 50 %", async () => /holding at 50 %/.test(await progress()), {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  const halted2 = Date.now();
  await server.halt("immediate");
  await withOutput(
    waitFor(
      "the other console to keep the outcome in memory",
      () => /#\d+ succeeded; the store cannot take its outcome now/.test(out),
      { timeoutMs: 60_000, intervalMs: 100 },
    ),
  );
  await waitFor(
    "the heartbeat to grow older than the sweeper's bound",
    () => Date.now() - halted2 > (STALE_SECONDS + 2) * 1000,
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  // This console sweeps as any other would, from the moment the store is back.
  const sweeps = loop(async () => {
    const swept = await sweepInterrupted();
    if (swept.length) throw new Error(`swept ${swept.join(", ")}`);
  }, 100);
  await server.resume();
  const resumed2 = Date.now();
  const reconnect2 = (await firstReadAfter(resumed2)).at - resumed2;
  const recorded = await withOutput(
    waitFor(
      "the outcome to be recorded",
      async () => {
        const run = await actions.getAction(caller, runId).catch(() => null);
        return run && run.status !== "running" ? { run, at: Date.now() } : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    ),
  );
  await sweeps.stop();
  await reads.stop();
  await writes.stop();

  // The outcome: the rollout's own, verified, written once with its audit row and on the incident's timeline; never interrupted.
  const run = recorded.run;
  expect(run.status, run.error ?? "").toBe("succeeded");
  expect(run.verification?.ok).toBe(true);
  expect(sweeps.outcomes.filter((o) => !o.ok && !o.code).map((o) => o.error)).toEqual([]);
  const db = await getDb();
  const audit = await db.query<{ action: string }>(
    "select action from audit_log where target = $1 and action in ('action.succeeded', 'action.failed', 'action.interrupted')",
    [`cdn.rollout#${runId}`],
  );
  expect(audit.rows.map((r) => r.action)).toEqual(["action.succeeded"]);
  const detail = await incidents.getIncident(caller, incident.id);
  const timeline = detail.events.map((e) => e.message);
  expect(timeline.filter((m) => /cdn\.rollout succeeded and verified/.test(m))).toHaveLength(1);
  expect(timeline.some((m) => /interrupted/.test(m))).toBe(false);
  // Its output from while the store was down was kept and written afterwards.
  expect(run.output.map((l) => l.text).join("\n")).toMatch(/verification passed/);
  expect(out).toMatch(
    new RegExp(`#${runId}: its outcome \\(succeeded\\) is recorded now that the store answers again`),
  );

  // While the store was down every read and write failed with a typed error, and none hung.
  const failures = [...reads.outcomes, ...writes.outcomes].filter((o) => !o.ok);
  expect(failures.length).toBeGreaterThan(0);
  expect(failures.filter((f) => f.code !== "unavailable").map((f) => f.error)).toEqual([]);
  const slowest = Math.max(...[...reads.outcomes, ...writes.outcomes].map((o) => o.ms));
  expect(slowest, "the slowest read or write, in ms").toBeLessThan(10_000);

  // Every acknowledged note is on the timeline; writes went on after each restart.
  for (const text of acknowledged) expect(timeline, text).toContain(text);
  expect(writes.outcomes.filter((o) => o.ok && o.at > resumed2).length).toBeGreaterThan(0);

  // Reconnection within seconds (generous bound for a loaded two-core machine).
  expect(reconnect1).toBeLessThan(10_000);
  expect(reconnect2).toBeLessThan(10_000);

  // The collector leads again and writes samples after the restart.
  await waitFor(
    "the collector to write samples after the restart",
    async () => {
      const r = await db.query<{ t: Date | null }>("select max(checked_at) as t from region_status");
      return (r.rows[0]?.t?.getTime() ?? 0) > resumed2;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  expect(collector!.lease.holds()).toBe(true);

  // The LISTEN connection is back: another console's event reaches this one. (Each reconnection also emits every
  // topic once; "topology" is otherwise only sent by a promotion, so after that emission a "topology" heard here came
  // through the store.) A connection started after the immediate stop is a new one: it may have been made before
  // `resume` returned, since the store takes connections a moment before pg_ctl says it is up.
  const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
  let heard = 0;
  const unsubscribe = subscribe("topology", () => heard++);
  try {
    await waitFor(
      "the event connection to listen again",
      async () => {
        const r = await other.query(
          "select 1 from pg_stat_activity where application_name = 'switchyard-events' and backend_start > $1 and state = 'idle' and query ~* '^(listen|select 1)'",
          [new Date(halted2)],
        );
        return r.rowCount! > 0;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    const before = heard;
    await other.query("select pg_notify('switchyard_events', 'another-console:topology')");
    await waitFor("another console's event to arrive", () => heard > before, { timeoutMs: 5_000, intervalMs: 20 });
  } finally {
    unsubscribe();
    await other.end();
  }

  console.log(
    `[store-restart] reconnected ${reconnect1} ms after a fast restart and ${reconnect2} ms after an immediate one; ` +
      `outcome recorded ${recorded.at - resumed2} ms after the store was back; slowest read or write while it was down ${Math.round(slowest)} ms; ` +
      `${acknowledged.length} notes acknowledged, ${failures.length} reads and writes refused as unavailable`,
  );
}, 240_000);

it("gives up on a store that stops answering within its timeouts, and goes on once it answers again", async () => {
  const { createPgDb } = await import("@/server/db/pg-driver");
  const quick = createPgDb(process.env.DATABASE_URL!, {
    connectMs: 1_000,
    statementMs: 1_500,
    answerMs: 2_000,
    idleInTransactionMs: 5_000,
    keepAliveMs: 1_000,
  });
  try {
    // A statement the store does not finish in time is cancelled by the store itself.
    await expect(quick.query("select pg_sleep(5)")).rejects.toMatchObject({
      code: "unavailable",
      shown: expect.stringMatching(/did not answer in time/),
    });
    await quick.query("select 1");
    // Every process of the server frozen, as a hung host or a link that drops packets looks from here.
    const children = execFileSync("pgrep", ["-P", String(server.pid)])
      .toString()
      .trim()
      .split("\n")
      .map(Number);
    const pids = [server.pid, ...children];
    for (const pid of pids) process.kill(pid, "SIGSTOP");
    const timed = async (work: Promise<unknown>) => {
      const started = performance.now();
      await expect(work).rejects.toMatchObject({ code: "unavailable" });
      return performance.now() - started;
    };
    let onPooled: number, onNew: number;
    try {
      onPooled = await timed(quick.query("select 1")); // on the pooled connection: no answer
      onNew = await timed(quick.transaction((tx) => tx.query("select 1"))); // a new connection: never accepted
    } finally {
      for (const pid of pids.reverse()) process.kill(pid, "SIGCONT");
    }
    expect(onPooled).toBeLessThan(5_000);
    expect(onNew).toBeLessThan(5_000);
    await waitFor("the store to answer again", () => quick.query("select 1").then(() => true), { timeoutMs: 10_000 });
    console.log(
      `[store-restart] a frozen store given up on after ${Math.round(onPooled)} ms (pooled connection) and ${Math.round(onNew)} ms (new connection)`,
    );
  } finally {
    await quick.close();
  }
}, 60_000);
