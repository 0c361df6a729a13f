import { randomUUID } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { injectFault, injectNetworkFault, labStatus, regionPg, type LabStatus, type RegionId } from "../lab/index";
import { waitFor } from "../lab/wait";
import type { ActionResult } from "../lib/action-result";
import type { ActionRun, ActionRunDetail } from "../lib/actions/run";
import type { FleetSnapshot } from "../lib/fleet-view";
import { actionPage, actionRequest, actionResult, builtServerAction } from "../tests/support/server-action-client";
import { scrape } from "./detection";
import { request } from "./http";
import { signIn } from "./http-load";
import { round, rounded, sleep, summarize, type Summary } from "./stats";

/**
 * Figure 4: a guided failover through the console's runbook actions, on the real lab, over HTTP as two
 * people would do it (an engineer requests, a lead approves), run after run with the topology rotating:
 * stop the primary, promote a replica, repoint every region API at it, rebuild the old primary as its replica.
 *
 * a. "approval click -> promoted replica accepts writes": t0 right before the lead's approve POST is sent; from
 *    t0 the bench inserts into switchyard_probe.write_check on the candidate every ~5 ms over a connection
 *    opened before t0; t1 = the first insert that succeeds. Includes the approval's live pre-flight re-check.
 * b. "write-unavailability gap": per region API, from its last heartbeat row written on the old timeline to its
 *    first one on the new (switchyard_lab.heartbeat on the new primary, written_at = the server's clock).
 *
 * At the end the lab is failed back with db.switchover to us-east-1 primary, both replicas streaming, and the
 * console's /metrics showing 3 healthy regions, so later phases see the lab as it started.
 *
 * The bench's probe writes reach the candidate as a client would, at its address on the lab network; what the
 * bench reads to judge (heartbeats, roles, streaming slots, replay positions) it reads through the lab's Unix
 * sockets (regionPg), which no network fault touches.
 */

export const HOME_PRIMARY = "us-east-1";
/** the other way round, run after run */
export const PAIR = ["us-east-1", "eu-west-1"] as const;
const WRITE_EVERY_MS = 5;
const PEOPLE = {
  engineer: ["engineer@switchyard.local", "switchyard-engineer"],
  lead: ["lead@switchyard.local", "switchyard-lead"],
} as const;
type Who = keyof typeof PEOPLE;

const slotOf = (region: string) => region.replace(/-/g, "_");

export interface HeartbeatGap {
  region: string;
  /** last row written before the stop (the old timeline), and the next one (the first on the new) */
  lastOldSeq: number | null;
  lastOldAt: string | null;
  firstNewSeq: number | null;
  firstNewAt: string | null;
  gapMs: number | null;
}

export interface FailoverRun {
  run: number;
  from: string;
  to: string;
  /** injectFault(from, db-down) took this long (pg_ctl stop -m fast -w) */
  stopMs: number;
  /** from injectFault returning until GET /api/v1/fleet showed the database down */
  consoleShowedDownMs: number;
  /** the engineer's request POST (the run's pre-flight runs in it) */
  requestMs: number;
  /** requests cancelled and made again because their pre-flight failed */
  preflightRetries: number;
  /** figure 4: t1 - t0 */
  writableMs: number;
  /** the lead's approve POST, from t0 until its response had arrived */
  approveResponseMs: number;
  /** the run's finishedAt (console clock) minus t0 (wall clock): promotion, replicas repointed, verification */
  runFinishedMs: number | null;
  /** pg_promote's call until the server is out of recovery, from the run's output */
  pgPromoteMs: number | null;
  insertAttempts: number;
  readOnlyErrors: number;
  otherErrors: number;
  firstOtherError: string | null;
  /** db.repoint-app, request POST to the run's finish */
  repointMs: number;
  gaps: HeartbeatGap[];
  /** db.rebuild-replica of the old primary, request POST to the run's finish */
  rebuildMs: number;
  rebuildMethod: string | null;
  /** after the rebuild, until /metrics showed 3 healthy regions */
  healthyMs: number;
}

export interface FailoverFigures {
  measuredFrom: string;
  gapMeasuredFrom: string;
  runs: FailoverRun[];
  writableMs: Summary;
  approveResponseMs: Summary;
  runFinishedMs: Summary;
  pgPromoteMs: Summary;
  consoleShowedDownMs: Summary;
  /** per region API, over runs */
  gapMs: Record<string, Summary>;
  /** every region API of every run */
  gapAllMs: Summary;
  /** the db.switchover back to us-east-1 at the end (null when the last run already left it primary) */
  failback: { from: string; to: string; ms: number } | null;
  /** repairs made before the runs because the lab was not in a settled topology */
  repairs: string[];
}

// ---- the console over HTTP, as the engineer and the lead -------------------------------------------------

/** Where the time of one requested-and-approved action went. */
export interface StepTiming {
  /** the engineer's request POST(s), each with the action's pre-flight; retries for a failing pre-flight included */
  requestMs: number;
  /** the lead's approve POST (it re-checks the pre-flight live, then starts the run) */
  approveMs: number;
  /** the run's startedAt to finishedAt (console clock): execution and verification */
  runMs: number | null;
  /** request to the bench seeing it succeeded (polled every 100 ms) */
  totalMs: number;
}

interface Performed {
  run: ActionRunDetail;
  ms: number;
  retries: number;
  step: StepTiming;
}

export class Console {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  /** each server action's id in this build and the page it is posted to, by its exported name */
  private readonly actions = new Map<string, { id: string; page: string }>();

  private constructor(
    readonly baseURL: string,
    private readonly cookies: Record<Who, string>,
  ) {}

  static async open(baseURL: string): Promise<Console> {
    const [engineer, lead] = await Promise.all([signIn(baseURL, ...PEOPLE.engineer), signIn(baseURL, ...PEOPLE.lead)]);
    return new Console(baseURL, { engineer, lead });
  }

  close() {
    this.agent.destroy();
  }

  /** POSTs a server action by hand, as the browser's form would; returns its result and how long the POST took. */
  async call<T>(who: Who, exportedName: string, input: unknown): Promise<{ result: ActionResult<T>; ms: number }> {
    let action = this.actions.get(exportedName);
    if (!action) {
      const built = builtServerAction(exportedName);
      this.actions.set(exportedName, (action = { id: built.id, page: actionPage(built) }));
    }
    const { headers, body } = actionRequest(action.id, input);
    const t = performance.now();
    const res = await request(`${this.baseURL}${action.page}`, {
      method: "POST",
      agent: this.agent,
      timeoutMs: 60_000,
      headers: { ...headers, cookie: this.cookies[who] },
      body,
    });
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`${exportedName} as ${who}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    const result = actionResult<T>(res.body);
    if (!result)
      throw new Error(`${exportedName} as ${who}: no action result in the response: ${res.body.slice(0, 300)}`);
    return { result, ms };
  }

  async get<T>(p: string): Promise<T> {
    const res = await request(`${this.baseURL}${p}`, {
      agent: this.agent,
      headers: { cookie: this.cookies.engineer },
      timeoutMs: 10_000,
    });
    if (res.status !== 200) throw new Error(`GET ${p}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  run = (id: number) => this.get<ActionRunDetail>(`/api/v1/actions/${id}`);
  fleet = () => this.get<FleetSnapshot>("/api/v1/fleet");

  /** The engineer's request; a request whose pre-flight fails is cancelled and made again (at most ~10 s). */
  async requestAction(
    actionId: string,
    params: Record<string, unknown>,
  ): Promise<{ run: ActionRun; ms: number; retries: number }> {
    for (let retries = 0; ; retries++) {
      const { result, ms } = await this.call<ActionRun>("engineer", "requestRun", {
        actionId,
        params,
        idempotencyKey: `bench-${randomUUID()}`,
        incidentId: null,
        stepKey: null,
      });
      if (!result.ok)
        throw new Error(`requesting ${actionId} ${JSON.stringify(params)}: ${result.code}: ${result.message}`);
      const failing = result.data.preflight.filter((c) => !c.ok);
      if (!failing.length) return { run: result.data, ms, retries };
      await this.call("engineer", "cancelRun", { id: result.data.id });
      if (retries >= 40)
        throw new Error(
          `${actionId} ${JSON.stringify(params)}: pre-flight kept failing: ${failing.map((c) => `${c.label} (${c.observed})`).join("; ")}`,
        );
      await sleep(250);
    }
  }

  async approve(run: ActionRun): Promise<{ run: ActionRun; ms: number }> {
    const { result, ms } = await this.call<ActionRun>("lead", "approveRun", { id: run.id, paramsHash: run.paramsHash });
    if (!result.ok) throw new Error(`approving ${run.actionId} #${run.id}: ${result.code}: ${result.message}`);
    return { run: result.data, ms };
  }

  /** Polls GET /api/v1/actions/<id> until the run has finished; throws unless it succeeded with its verification. */
  async succeeded(id: number, timeoutMs = 180_000, everyMs = 100): Promise<ActionRunDetail> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const run = await this.run(id);
      if (run.status !== "pending" && run.status !== "running") {
        if (run.status !== "succeeded" || !run.verification?.ok) {
          const failed = run.verification?.checks
            .filter((c) => !c.ok)
            .map((c) => `${c.label}: ${c.observed}`)
            .join("; ");
          throw new Error(
            `${run.actionId} #${id} ${run.status}: ${run.error ?? failed ?? ""}\n${run.output
              .slice(-15)
              .map((l) => `    ${l.text}`)
              .join("\n")}`,
          );
        }
        return run;
      }
      if (performance.now() > deadline)
        throw new Error(`${run.actionId} #${id} still ${run.status} after ${timeoutMs} ms`);
      await sleep(everyMs);
    }
  }

  /** Request, approve, wait until it succeeded: one step of the runbook done by two people. */
  async perform(actionId: string, params: Record<string, unknown>, timeoutMs?: number): Promise<Performed> {
    const t = performance.now();
    const { run, retries } = await this.requestAction(actionId, params);
    const requested = performance.now();
    await this.approve(run);
    const approved = performance.now();
    const done = await this.succeeded(run.id, timeoutMs);
    const step: StepTiming = {
      requestMs: round(requested - t),
      approveMs: round(approved - requested),
      runMs: done.startedAt && done.finishedAt ? round(Date.parse(done.finishedAt) - Date.parse(done.startedAt)) : null,
      totalMs: round(performance.now() - t),
    };
    return { run: done, ms: performance.now() - t, retries, step };
  }
}

// ---- the lab, seen directly ------------------------------------------------------------------------------

/** Where the bench reaches a server: a host (its address on the lab network) or the lab's socket directory. */
interface PgAt {
  host: string;
  port: number;
}

/** The lab as the bench sees it: each region's address (the console's point of view) and its socket (the truth). */
export class LabView {
  constructor(
    readonly status: LabStatus,
    readonly labDir: string,
  ) {}

  region(id: string) {
    const r = this.status.regions.find((x) => x.id === id);
    if (!r) throw new Error(`the lab has no region ${id}`);
    return r;
  }

  /** Across the lab network, as the console and the region APIs reach it. */
  net(id: string): PgAt {
    const r = this.region(id);
    return { host: r.address, port: r.pgPort };
  }

  /** Through the lab's Unix socket, whatever the network does. */
  truth(id: string): PgAt {
    return regionPg(this.labDir, id as RegionId);
  }

  get ids(): string[] {
    return this.status.regions.map((r) => r.id);
  }
}

async function withPg<T>(at: PgAt, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({
    host: at.host,
    port: at.port,
    user: "postgres",
    database: "postgres",
    connectionTimeoutMillis: 3_000,
  });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

type PgState = { up: false } | { up: true; inRecovery: boolean };
const pgState = (at: PgAt): Promise<PgState> =>
  withPg(at, async (c) => ({
    up: true as const,
    inRecovery: (await c.query<{ r: boolean }>("select pg_is_in_recovery() as r")).rows[0]!.r,
  })).catch(() => ({ up: false as const }));

async function streamingSlots(primary: PgAt): Promise<Set<string>> {
  const rows = await withPg(
    primary,
    async (c) =>
      (
        await c.query<{ application_name: string }>(
          "select application_name from pg_stat_replication where state = 'streaming'",
        )
      ).rows,
  );
  return new Set(rows.map((r) => r.application_name));
}

interface ApiHealth {
  dbHost?: string;
  dbPort?: number;
  db?: { writable?: boolean };
}

async function apiHealth(apiUrl: string): Promise<ApiHealth | null> {
  try {
    const res = await request(`${apiUrl}/health`, { timeoutMs: 2_000 });
    return JSON.parse(res.body) as ApiHealth;
  } catch {
    return null;
  }
}

/** The region API answers, points at `primary` (its address and port) and its writes succeed. */
function writesTo(h: ApiHealth | null, primary: PgAt): boolean {
  return (
    !!h && h.dbPort === primary.port && (h.dbHost === undefined || h.dbHost === primary.host) && h.db?.writable === true
  );
}

export async function waitThreeHealthy(baseURL: string, timeoutMs = 90_000): Promise<number> {
  const t = performance.now();
  await waitFor(
    "/metrics to show 3 healthy regions",
    async () => ((await scrape(baseURL)).statusCounts().healthy ?? 0) === 3,
    { timeoutMs, intervalMs: 100 },
  );
  return performance.now() - t;
}

/** The primary the console has recorded (it follows promotions), from GET /api/v1/fleet. */
export async function recordedPrimary(c: Console): Promise<string> {
  const p = (await c.fleet()).regions.find((r) => r.role === "primary");
  if (!p) throw new Error("GET /api/v1/fleet names no primary");
  return p.id;
}

/**
 * Brings the lab to a settled topology around the console's recorded primary: every other server a streaming
 * replica of it (rebuilt through db.rebuild-replica if not), every region API writing to it (db.repoint-app).
 * A no-op on a healthy lab; after a measurement that failed half-way it repairs what the next one needs.
 */
export async function settle(c: Console, lab: LabView, log: (s: string) => void): Promise<string[]> {
  const repairs: string[] = [];
  const primary = await recordedPrimary(c);
  const state = await pgState(lab.truth(primary));
  if (!state.up || state.inRecovery)
    throw new Error(
      `the recorded primary ${primary} is ${state.up ? "in recovery" : "down"}; the lab needs a hand (npm run lab -- reset)`,
    );
  const streaming = await streamingSlots(lab.truth(primary));
  for (const r of lab.status.regions.filter((x) => x.id !== primary)) {
    const s = await pgState(lab.truth(r.id));
    if (s.up && s.inRecovery && streaming.has(slotOf(r.id))) continue;
    repairs.push(
      `rebuilt ${r.id} as a replica of ${primary} (it was ${s.up ? (s.inRecovery ? "a replica not streaming" : "a primary too") : "down"})`,
    );
    log(`  failover: ${repairs.at(-1)}`);
    await c.perform("db.rebuild-replica", { region: r.id, source: primary }, 300_000);
  }
  const healths = await Promise.all(lab.status.regions.map((r) => apiHealth(r.apiUrl)));
  if (healths.some((h) => !writesTo(h, lab.net(primary)))) {
    repairs.push(`repointed every region API at ${primary}`);
    log(`  failover: ${repairs.at(-1)}`);
    await c.perform("db.repoint-app", { primary, regions: lab.ids });
  }
  return repairs;
}

/** The table the probe writes to, made on the primary so that it replicates; waits until `on` has it. */
export async function ensureProbeTable(primary: PgAt, others: PgAt[]): Promise<void> {
  await withPg(primary, async (c) => {
    await c.query("create schema if not exists switchyard_probe");
    await c.query(
      "create table if not exists switchyard_probe.write_check (id bigserial primary key, at timestamptz not null default clock_timestamp(), run_id integer)",
    );
  });
  for (const p of others) {
    await waitFor(
      `switchyard_probe.write_check on port ${p.port}`,
      () =>
        withPg(
          p,
          async (c) => (await c.query("select to_regclass('switchyard_probe.write_check') as t")).rows[0]?.t !== null,
        ),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  }
}

/** From t0: an insert on the candidate every ~5 ms over the connection opened before, until one succeeds. */
async function firstWrite(client: pg.Client, at: PgAt, stop: { stopped: boolean }, timeoutMs: number) {
  let attempts = 0;
  let readOnly = 0;
  let other = 0;
  let firstOther: string | null = null;
  let c = client;
  const deadline = performance.now() + timeoutMs;
  while (!stop.stopped && performance.now() < deadline) {
    const started = performance.now();
    attempts++;
    try {
      await c.query("insert into switchyard_probe.write_check(run_id) values (null)");
      return { at: performance.now(), attempts, readOnly, other, firstOther, client: c };
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.code === "25006") readOnly++;
      else {
        other++;
        firstOther ??= `${e.code ?? ""} ${e.message}`.trim();
        // a broken connection: open another (counted in the latency: it is what a client would do)
        if (!e.code) {
          await c.end().catch(() => undefined);
          c = new pg.Client({
            host: at.host,
            port: at.port,
            user: "postgres",
            database: "postgres",
            connectionTimeoutMillis: 2_000,
          });
          c.on("error", () => undefined);
          await c.connect().catch(() => undefined);
        }
      }
    }
    const wait = started + WRITE_EVERY_MS - performance.now();
    if (wait > 0) await sleep(wait);
  }
  return { at: null, attempts, readOnly, other, firstOther, client: c };
}

/**
 * Figure 5 for one region API: the last heartbeat written before `stopWall` (a moment after the old primary's last
 * write and before the new one's first), and the next one, on the new primary.
 */
export async function heartbeatGap(newPrimary: PgAt, region: string, stopWall: number): Promise<HeartbeatGap> {
  return waitFor(
    `${region}'s first heartbeat on the new primary`,
    () =>
      withPg(newPrimary, async (c) => {
        // (an output column named seq would be what ORDER BY seq sorts by: text, where "9" > "14")
        const last = (
          await c.query<{ s: string; written_at: Date }>(
            "select seq::text as s, written_at from switchyard_lab.heartbeat where region = $1 and written_at < $2 order by seq desc limit 1",
            [region, new Date(stopWall)],
          )
        ).rows[0];
        const next = (
          await c.query<{ s: string; written_at: Date }>(
            "select seq::text as s, written_at from switchyard_lab.heartbeat where region = $1 and seq > $2::bigint order by seq asc limit 1",
            [region, last?.s ?? "0"],
          )
        ).rows[0];
        if (!next) return null;
        return {
          region,
          lastOldSeq: last ? Number(last.s) : null,
          lastOldAt: last?.written_at.toISOString() ?? null,
          firstNewSeq: Number(next.s),
          firstNewAt: next.written_at.toISOString(),
          gapMs: last ? round(next.written_at.getTime() - last.written_at.getTime()) : null,
        };
      }),
    { timeoutMs: 20_000, intervalMs: 200 },
  );
}

/** Every API has written a heartbeat on this primary (so the old timeline has a last one), then a random phase of the heartbeat and poll cycles. */
export async function everyApiWritesTo(lab: LabView, primary: string): Promise<void> {
  await waitFor(
    `every region API to write to ${primary}`,
    async () =>
      (await Promise.all(lab.status.regions.map((r) => apiHealth(r.apiUrl)))).every((h) =>
        writesTo(h, lab.net(primary)),
      ),
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  await sleep(1_000 + Math.random() * 1_000);
}

async function oneRun(
  c: Console,
  lab: LabView,
  run: number,
  from: string,
  to: string,
  log: (s: string) => void,
): Promise<FailoverRun> {
  const { labDir } = lab;
  const regions = lab.ids;
  await ensureProbeTable(
    lab.truth(from),
    regions.filter((id) => id !== from).map((id) => lab.truth(id)),
  );
  await everyApiWritesTo(lab, from);

  // the probe writes as a client would: across the lab network
  const probe = new pg.Client({
    ...lab.net(to),
    user: "postgres",
    database: "postgres",
    connectionTimeoutMillis: 3_000,
  });
  probe.on("error", () => undefined);
  await probe.connect();
  let probeClient = probe;
  try {
    // 1. The primary stops; the console sees it.
    const s0 = performance.now();
    await injectFault(from, "db-down", { labDir });
    const stopWall = Date.now();
    const s1 = performance.now();
    await waitFor(
      `GET /api/v1/fleet to show ${from}'s database down`,
      async () => (await c.fleet()).regions.find((r) => r.id === from)?.sample?.db?.up === false,
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const shownDown = performance.now();

    // 2. The engineer asks for the promotion; the lead approves at t0, and the bench writes until it can.
    const req = await c.requestAction("db.promote-replica", { region: to });
    const stop = { stopped: false };
    const t0 = performance.now();
    const t0Wall = Date.now();
    const approving = c.approve(req.run).then(
      (r) => ({ ms: performance.now() - t0, error: null as Error | null, r }),
      (err: Error) => {
        stop.stopped = true;
        return { ms: performance.now() - t0, error: err, r: null };
      },
    );
    const [approved, write] = await Promise.all([approving, firstWrite(probe, lab.net(to), stop, 60_000)]);
    probeClient = write.client;
    if (approved.error) throw approved.error;
    if (write.at === null)
      throw new Error(
        `${to} accepted no write within 60 s of the approval (${write.attempts} attempts, ${write.readOnly} read-only; ${write.firstOther ?? ""})`,
      );
    const promoted = await c.succeeded(req.run.id, 120_000);
    const pgPromote = promoted.output
      .map((l) => /^pg_promote on .*: out of recovery after (\d+) ms/.exec(l.text)?.[1])
      .find(Boolean);

    // 3. Every region API at the new primary; then the heartbeat gap, read on the new primary.
    const repoint = await c.perform("db.repoint-app", { primary: to, regions });
    const gaps = await Promise.all(regions.map((r) => heartbeatGap(lab.truth(to), r, stopWall)));

    // 4. The old primary rejoins as a replica of the new one.
    const rebuild = await c.perform("db.rebuild-replica", { region: from, source: to }, 300_000);
    const rebuildMethod =
      rebuild.run.output.map((l) => /rebuilt with (pg_rewind|pg_basebackup)/.exec(l.text)?.[1]).find(Boolean) ?? null;
    const healthyMs = await waitThreeHealthy(c.baseURL);

    const result: FailoverRun = {
      run,
      from,
      to,
      stopMs: round(s1 - s0),
      consoleShowedDownMs: round(shownDown - s1),
      requestMs: round(req.ms),
      preflightRetries: req.retries,
      writableMs: round(write.at - t0),
      approveResponseMs: round(approved.ms),
      runFinishedMs: promoted.finishedAt ? round(Date.parse(promoted.finishedAt) - t0Wall) : null,
      pgPromoteMs: pgPromote ? Number(pgPromote) : null,
      insertAttempts: write.attempts,
      readOnlyErrors: write.readOnly,
      otherErrors: write.other,
      firstOtherError: write.firstOther,
      repointMs: round(repoint.ms),
      gaps,
      rebuildMs: round(rebuild.ms),
      rebuildMethod,
      healthyMs: round(healthyMs),
    };
    log(
      `  failover #${run} ${from} -> ${to}: writes after ${result.writableMs} ms (approve answered ${result.approveResponseMs} ms, run finished ${result.runFinishedMs} ms, pg_promote ${result.pgPromoteMs} ms); ` +
        `write gap ${gaps.map((g) => `${g.region} ${g.gapMs === null ? "?" : (g.gapMs / 1000).toFixed(2)} s`).join(", ")}; repoint ${(result.repointMs / 1000).toFixed(1)} s, rebuild ${(result.rebuildMs / 1000).toFixed(1)} s (${rebuildMethod})`,
    );
    return result;
  } finally {
    await probeClient.end().catch(() => undefined);
  }
}

/**
 * Back to us-east-1 primary with both replicas streaming, every API writing to it and /metrics all healthy:
 * db.switchover once us-east-1 has replayed everything (when it is not the primary already), then settle.
 */
export async function failBack(
  c: Console,
  lab: LabView,
  repairs: string[],
  log: (s: string) => void,
): Promise<FailoverFigures["failback"]> {
  let failback: FailoverFigures["failback"] = null;
  const primary = await recordedPrimary(c);
  if (primary !== HOME_PRIMARY) {
    await waitFor(
      `${HOME_PRIMARY} to have replayed everything`,
      async () => {
        const lsn = await withPg(
          lab.truth(primary),
          async (x) => (await x.query<{ lsn: string }>("select pg_current_wal_lsn()::text as lsn")).rows[0]!.lsn,
        );
        return withPg(
          lab.truth(HOME_PRIMARY),
          async (x) =>
            (await x.query<{ ok: boolean }>("select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok", [lsn])).rows[0]!.ok,
        );
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    log(`  failover: failing back with db.switchover to ${HOME_PRIMARY}`);
    const t = performance.now();
    await c.perform("db.switchover", { candidate: HOME_PRIMARY }, 240_000);
    failback = { from: primary, to: HOME_PRIMARY, ms: round(performance.now() - t) };
  }
  const after = await settle(c, lab, log);
  if (after.length) repairs.push(...after.map((r) => `after the fail-back: ${r}`));
  const streaming = await streamingSlots(lab.truth(HOME_PRIMARY));
  const missing = lab.ids.filter((id) => id !== HOME_PRIMARY && !streaming.has(slotOf(id)));
  if ((await recordedPrimary(c)) !== HOME_PRIMARY || missing.length)
    throw new Error(`after the fail-back: primary ${await recordedPrimary(c)}, not streaming: ${missing.join(", ")}`);
  await waitThreeHealthy(c.baseURL);
  log(
    `  failover: lab back to ${HOME_PRIMARY} primary with both replicas streaming${failback ? ` (switchover took ${(failback.ms / 1000).toFixed(1)} s)` : ""}`,
  );
  return failback;
}

/** Runs `runs` guided failovers, rotating the primary between us-east-1 and eu-west-1, then fails back. */
export async function measureFailover(
  runs: number,
  baseURL: string,
  labDir: string,
  log: (s: string) => void,
): Promise<FailoverFigures> {
  const lab = new LabView(await labStatus({ labDir }), labDir);
  const c = await Console.open(baseURL);
  try {
    await waitThreeHealthy(baseURL);
    const repairs = await settle(c, lab, log);
    const results: FailoverRun[] = [];
    for (let i = 1; i <= runs; i++) {
      const from = await recordedPrimary(c);
      const to = from === PAIR[0] ? PAIR[1] : PAIR[0];
      results.push(await oneRun(c, lab, i, from, to, log));
    }
    const failback = await failBack(c, lab, repairs, log);

    const all = (f: (r: FailoverRun) => number | null) =>
      rounded(summarize(results.map(f).filter((v): v is number => typeof v === "number")));
    const gapMs: Record<string, Summary> = {};
    for (const id of lab.ids)
      gapMs[id] = rounded(
        summarize(
          results.flatMap((x) => x.gaps.filter((g) => g.region === id && g.gapMs !== null).map((g) => g.gapMs!)),
        ),
      );
    return {
      measuredFrom:
        "t0 = just before the lead's approve POST (the pre-flight re-check, the run start and pg_promote follow); t1 = the first successful insert into switchyard_probe.write_check on the candidate (reached at its lab address), tried every ~5 ms",
      gapMeasuredFrom:
        "per region API: written_at of its last switchyard_lab.heartbeat row before the stop to that of its next one (the first on the new primary), read on the new primary (through the lab's socket) after db.repoint-app succeeded; includes the bench's request/approve steps done back to back",
      runs: results,
      writableMs: all((r) => r.writableMs),
      approveResponseMs: all((r) => r.approveResponseMs),
      runFinishedMs: all((r) => r.runFinishedMs),
      pgPromoteMs: all((r) => r.pgPromoteMs),
      consoleShowedDownMs: all((r) => r.consoleShowedDownMs),
      gapMs,
      gapAllMs: rounded(
        summarize(results.flatMap((x) => x.gaps.map((g) => g.gapMs).filter((v): v is number => v !== null))),
      ),
      failback,
      repairs,
    };
  } finally {
    c.close();
  }
}

// ---- failover with a fence: the primary isolated, fenced, then a replica promoted ------------------------

export interface FencedFailoverRun {
  run: number;
  /** the isolated (and fenced) primary, and the promoted replica */
  from: string;
  to: string;
  /** injectNetworkFault(isolate, from) took this long */
  isolateMs: number;
  /** db.fence-primary {region: from}: the engineer's request POST to the run's verified success */
  fenceMs: number;
  /** fence requests cancelled and made again because their pre-flight failed */
  fencePreflightRetries: number;
  /** where each action's time went: request (pre-flight), approve (pre-flight again, start), run */
  steps: { fence: StepTiming; promote: StepTiming; repoint: StepTiming };
  /** the fence run's verification, as `label: observed` */
  fenceVerification: string[];
  /** the fence run's output lines naming how it fenced (pg_ctl stop -m immediate over SSH, or the fence hook) */
  fenceHow: string[];
  /** db.promote-replica {region: to}: request POST to verified success */
  promoteMs: number;
  /** promotion requests cancelled and made again because their pre-flight (e.g. "the old primary is fenced") failed */
  promotePreflightRetries: number;
  pgPromoteMs: number | null;
  /** db.repoint-app {primary: to, regions: every region outside the isolated one}: request POST to verified success */
  repointMs: number;
  /** the write gap of each region API outside the isolated region (its API sits in the cut-off namespace) */
  gaps: HeartbeatGap[];
  /** from just before the isolate call to the last of those APIs' first heartbeat on the new primary */
  totalMs: number | null;
  /** the isolated region's own API: cut off with its primary until the bench heals the network (raw, not a figure) */
  isolatedApiGap: HeartbeatGap | null;
  /** putting the lab back: heal, rebuild the old primary as a replica, repoint its API, switch back, settle */
  healMs: number;
  rebuildMs: number;
  rebuildMethod: string | null;
  isolatedApiRepointMs: number;
  failback: FailoverFigures["failback"];
}

export interface FencedFailoverFigures {
  measuredFrom: string;
  gapMeasuredFrom: string;
  runs: FencedFailoverRun[];
  /** isolate to the last API (outside the isolated region) writing on the new primary */
  totalMs: Summary;
  fenceMs: Summary;
  promoteMs: Summary;
  repointMs: Summary;
  /** per region API outside the isolated region, over runs */
  gapMs: Record<string, Summary>;
  gapAllMs: Summary;
  repairs: string[];
}

async function oneFencedRun(
  c: Console,
  lab: LabView,
  run: number,
  from: string,
  to: string,
  log: (s: string) => void,
): Promise<FencedFailoverRun> {
  const { labDir } = lab;
  const outside = lab.ids.filter((id) => id !== from);
  await everyApiWritesTo(lab, from);

  // 1. The primary's namespace is cut off: nothing reaches it, it reaches nothing (dropped packets, no resets).
  const isolateWall = Date.now();
  const i0 = performance.now();
  await injectNetworkFault("isolate", from, undefined, { labDir });
  const isolateMs = performance.now() - i0;
  // Nothing written after this can have reached a replica: the heartbeats before it are the old timeline's.
  const stopWall = Date.now();
  try {
    // 2. Fence it (its host does not answer over SSH: the fleet file's fence hook), promote, repoint, back to back.
    const fence = await c.perform("db.fence-primary", { region: from }, 120_000);
    const promote = await c.perform("db.promote-replica", { region: to }, 120_000);
    const pgPromote = promote.run.output
      .map((l) => /^pg_promote on .*: out of recovery after (\d+) ms/.exec(l.text)?.[1])
      .find(Boolean);
    const repoint = await c.perform("db.repoint-app", { primary: to, regions: outside });
    const gaps = await Promise.all(outside.map((id) => heartbeatGap(lab.truth(to), id, stopWall)));
    const lastWriting = Math.max(...gaps.map((g) => (g.firstNewAt ? Date.parse(g.firstNewAt) : Number.NaN)));

    // 3. Put the lab back: heal, then the old primary rejoins as a replica and its API follows the new primary.
    const h0 = performance.now();
    await injectNetworkFault("heal", from, undefined, { labDir });
    const healMs = performance.now() - h0;
    const rebuild = await c.perform("db.rebuild-replica", { region: from, source: to }, 300_000);
    const rebuildMethod =
      rebuild.run.output.map((l) => /rebuilt with (pg_rewind|pg_basebackup)/.exec(l.text)?.[1]).find(Boolean) ?? null;
    const isolatedRepoint = await c.perform("db.repoint-app", { primary: to, regions: [from] });
    const isolatedApiGap = await heartbeatGap(lab.truth(to), from, stopWall).catch(() => null);
    await waitThreeHealthy(c.baseURL);
    const repairs: string[] = [];
    const failback = await failBack(c, lab, repairs, log);
    if (repairs.length) log(`  fenced failover #${run}: ${repairs.join("; ")}`);

    const result: FencedFailoverRun = {
      run,
      from,
      to,
      isolateMs: round(isolateMs),
      fenceMs: round(fence.ms),
      fencePreflightRetries: fence.retries,
      steps: { fence: fence.step, promote: promote.step, repoint: repoint.step },
      fenceVerification: (fence.run.verification?.checks ?? []).map((x) => `${x.label}: ${x.observed}`),
      fenceHow: fence.run.output
        .map((l) => l.text)
        .filter((t) => /hook|pg_ctl|immediate|ssh/i.test(t))
        .slice(0, 4),
      promoteMs: round(promote.ms),
      promotePreflightRetries: promote.retries,
      pgPromoteMs: pgPromote ? Number(pgPromote) : null,
      repointMs: round(repoint.ms),
      gaps,
      totalMs: Number.isFinite(lastWriting) ? round(lastWriting - isolateWall) : null,
      isolatedApiGap,
      healMs: round(healMs),
      rebuildMs: round(rebuild.ms),
      rebuildMethod,
      isolatedApiRepointMs: round(isolatedRepoint.ms),
      failback,
    };
    log(
      `  fenced failover #${run} ${from} -> ${to}: last API writing ${result.totalMs === null ? "?" : (result.totalMs / 1000).toFixed(2)} s after the isolate ` +
        `(fence ${(result.fenceMs / 1000).toFixed(1)} s, promote ${(result.promoteMs / 1000).toFixed(1)} s${result.promotePreflightRetries ? ` after ${result.promotePreflightRetries} refused pre-flights` : ""}, repoint ${(result.repointMs / 1000).toFixed(1)} s); ` +
        `write gap ${gaps.map((g) => `${g.region} ${g.gapMs === null ? "?" : (g.gapMs / 1000).toFixed(2)} s`).join(", ")}; rebuild ${(result.rebuildMs / 1000).toFixed(1)} s (${rebuildMethod})`,
    );
    return result;
  } catch (err) {
    // Leave no region cut off for whatever comes next (the next run's settle or the cleanup).
    await injectNetworkFault("heal", from, undefined, { labDir }).catch(() => undefined);
    throw err;
  }
}

/**
 * Runs `runs` failovers with a fence, each from us-east-1 (the lab's primary) to eu-west-1: isolate the primary,
 * db.fence-primary, db.promote-replica, db.repoint-app of the APIs outside the isolated region, measuring each
 * one's write gap and the total from the isolate to the last of them writing; then heal, rebuild, fail back.
 */
export async function measureFencedFailover(
  runs: number,
  baseURL: string,
  labDir: string,
  log: (s: string) => void,
): Promise<FencedFailoverFigures> {
  const lab = new LabView(await labStatus({ labDir }), labDir);
  if (lab.status.networkFaults !== "available")
    throw new Error(`a fenced failover needs the lab's network: ${lab.status.networkFaults.unavailable}`);
  const c = await Console.open(baseURL);
  try {
    await waitThreeHealthy(baseURL);
    const repairs = await settle(c, lab, log);
    if ((await recordedPrimary(c)) !== HOME_PRIMARY) await failBack(c, lab, repairs, log);
    const [from, to] = PAIR;
    const results: FencedFailoverRun[] = [];
    for (let i = 1; i <= runs; i++) results.push(await oneFencedRun(c, lab, i, from, to, log));

    const all = (f: (r: FencedFailoverRun) => number | null) =>
      rounded(summarize(results.map(f).filter((v): v is number => typeof v === "number")));
    const gapMs: Record<string, Summary> = {};
    for (const id of lab.ids.filter((x) => x !== from))
      gapMs[id] = rounded(
        summarize(
          results.flatMap((x) => x.gaps.filter((g) => g.region === id && g.gapMs !== null).map((g) => g.gapMs!)),
        ),
      );
    return {
      measuredFrom: `total: from just before injectNetworkFault(isolate, ${from}) to the written_at of the last region API's first heartbeat on ${to}; db.fence-primary, db.promote-replica and db.repoint-app each requested by the engineer and approved by the lead back to back (a refused pre-flight is cancelled and requested again every 250 ms)`,
      gapMeasuredFrom: `per region API outside ${from} (${from}'s own API is cut off with it until the bench heals): written_at of its last switchyard_lab.heartbeat row before the isolate took effect to that of its next one, read on ${to} through the lab's socket`,
      runs: results,
      totalMs: all((r) => r.totalMs),
      fenceMs: all((r) => r.fenceMs),
      promoteMs: all((r) => r.promoteMs),
      repointMs: all((r) => r.repointMs),
      gapMs,
      gapAllMs: rounded(
        summarize(results.flatMap((x) => x.gaps.map((g) => g.gapMs).filter((v): v is number => v !== null))),
      ),
      repairs,
    };
  } finally {
    c.close();
  }
}
