import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";
import { injectFault } from "../lab/index";
import { waitFor } from "../lab/wait";
import { isFleetEvent, nextSnapshot, type FleetEvent } from "../lib/fleet-stream";
import type { FleetSnapshot } from "../lib/fleet-view";
import { freshDatabase } from "../tests/support/fresh-database";
import { startTestPostgres } from "../tests/support/postgres-server";
import { BENCH_METRICS_TOKEN, waitHealthy } from "./detection";
import { request } from "./http";
import { signIn } from "./http-load";
import { round, rounded, sleep, summarize, type Summary } from "./stats";

/**
 * Figure 5: the live stream as viewers get it, on the console that collects and on one that does not.
 * Two production consoles share one throwaway PostgreSQL store: one leads (collects the lab, writes the store),
 * the other stands by and learns of changes through LISTEN/NOTIFY. N viewers hold GET /api/v1/events open on
 * each (plain node:http, the SSE stream parsed here, each fleet message, `fleet` or `fleet-delta`, turned into the
 * snapshot a page would show by lib/fleet-stream). Measured: fleet events and bytes per second per viewer at rest,
 * and, for a real db-down of us-east-1 (t0 just before injectFault), when each viewer is first shown us-east-1
 * unhealthy. Nothing is inferred: a viewer that receives nothing counts as missed.
 */

const REGION = "us-east-1";
/** a viewer that has not seen the fault this long after t0 missed it */
export const REACH_WITHIN_MS = 15_000;
const RECOVERED_WITHIN_MS = 10_000;
const OPEN_BATCH = 20;

/** What run.ts hands in: its console starter and cleanup stack, so everything here is stopped by PID on any way out. */
export interface ViewersContext {
  labDir: string;
  viewers: number;
  runs: number;
  restSeconds: number;
  pollIntervalMs: number;
  own: (name: string, stop: () => Promise<void>) => () => Promise<void>;
  startConsole: (
    name: string,
    env: Record<string, string>,
  ) => Promise<{ c: { pid: number; baseURL: string }; stop: () => Promise<void> }>;
  log: (s: string) => void;
}

export interface ViewerFaultRun {
  run: number;
  /** viewers that received a fleet event with us-east-1 unhealthy within 15 s of t0 */
  reached: number;
  firstMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** viewers whose latest fleet event showed us-east-1 healthy again within 10 s of the leader's /metrics doing so */
  healthyAgain: number;
}

export interface ConsoleViewers {
  role: "leading" | "standby";
  pid: number;
  viewers: number;
  /** answered 200 text/event-stream */
  connected: number;
  /** streams still open when the phase ended */
  openAtEnd: number;
  /** received at least one fleet event after connecting */
  gotSnapshot: number;
  /** from the request to the first fleet event */
  firstSnapshotMs: Summary;
  /** us-east-1's status in each viewer's first fleet event */
  firstSnapshotStatus: Record<string, number>;
  rest: {
    seconds: number;
    /** over the viewers: fleet events received per second by each */
    fleetEventsPerSecondPerViewer: Summary;
    /** over the viewers: all bytes of the stream per second (fleet events, other events, keep-alive comments) */
    bytesPerSecondPerViewer: Summary;
    /** mean size of one fleet message (at rest a delta; the whole snapshot only opens a stream) */
    bytesPerFleetEvent: number;
    /** alerts/incidents/actions notices per second per viewer (mean) */
    otherEventsPerSecondPerViewer: number;
  };
  fault: {
    /** viewers x runs */
    expected: number;
    reached: number;
    missed: number;
    /** t0 (just before injectFault) to the viewer's first fleet event showing us-east-1 unhealthy, over viewers x runs */
    latencyMs: Summary;
    runs: ViewerFaultRun[];
  };
  /** stream ended and was reopened (after `retry`, as EventSource does) */
  reconnects: number;
  errors: number;
  firstError: string | null;
  jsonErrors: number;
}

export interface ViewersFigures {
  viewersPerConsole: number;
  runs: number;
  restSeconds: number;
  pollIntervalMs: number;
  reachWithinMs: number;
  fault: string;
  leader: ConsoleViewers;
  standby: ConsoleViewers;
  faultRuns: { run: number; injectReturnedMs: number; recoverMs: number }[];
}

// ---- one viewer: an SSE client over node:http, as EventSource would hold it ------------------------------
/**
 * Chunks are timestamped as they arrive and parsed once the bench has had none for a moment, when a burst of
 * messages to every viewer is over (or, with no such pause, at most MAX_DEFER_MS later), each viewer's in order.
 * The bench holds a thousand viewers on one thread: parsing each message as it came would set the clock of every
 * viewer behind it later by that parsing, a cost a real viewer pays alone on its own device. A viewer's arrival
 * time is when its bytes reached the bench.
 */
const QUIET_MS = 3;
const MAX_DEFER_MS = 250;
const parsing: (() => void)[] = [];
let lastArrival = 0;
let firstPending = 0;
let parseTimer: NodeJS.Timeout | null = null;
function parseLater(parse: () => void) {
  lastArrival = performance.now();
  if (parsing.push(parse) === 1) firstPending = lastArrival;
  parseTimer ??= setTimeout(parsePending, QUIET_MS);
}
function parsePending() {
  const now = performance.now();
  const wait = Math.min(lastArrival + QUIET_MS, firstPending + MAX_DEFER_MS) - now;
  if (wait > 0) {
    parseTimer = setTimeout(parsePending, wait);
    return;
  }
  parseTimer = null;
  for (const p of parsing.splice(0)) p();
}

/**
 * nextSnapshot, worked out once for every viewer that holds the same snapshot and receives the same message: a
 * console sends every stream the same bytes, and a thousand JSON parses of one message on the bench's one thread
 * would hold back the clocks of the viewers behind them. The answer is the one each viewer would work out itself.
 */
const nextOf = new WeakMap<object, Map<string, FleetSnapshot | null>>();
const NOTHING_HELD = {};
function sharedNextSnapshot(held: FleetSnapshot | null, event: FleetEvent, data: string): FleetSnapshot | null {
  let answers = nextOf.get(held ?? NOTHING_HELD);
  if (!answers) nextOf.set(held ?? NOTHING_HELD, (answers = new Map()));
  const key = `${event}\n${data}`;
  let next = answers.get(key);
  if (next === undefined) answers.set(key, (next = nextSnapshot(held, event, data)));
  return next;
}

export interface ViewerListener {
  /** each fleet snapshot as the viewer's page would hold it: a `fleet` message, or a `fleet-delta` applied to the last */
  onSnapshot?: (snapshot: FleetSnapshot, at: number) => void;
  /** every other message with data: alerts, incidents, actions, error, ended */
  onEvent?: (event: string, data: string, at: number) => void;
}

export class Viewer {
  /** fleet messages, whole or delta */
  fleetEvents = 0;
  fleetBytes = 0;
  otherEvents = 0;
  bytes = 0;
  /** fleet messages that showed nothing: not JSON, not a snapshot, or a delta with no snapshot (or the wrong one) to apply to */
  jsonErrors = 0;
  reconnects = 0;
  errors = 0;
  firstError: string | null = null;
  /** the stream is open now */
  connected = false;
  /** it answered 200 text/event-stream at least once */
  opened = false;
  firstFleetMs: number | null = null;
  firstStatus: string | null | undefined = undefined;
  /** us-east-1 in the latest fleet event (null after one that showed nothing) */
  lastStatus: string | null = null;
  /** set while a fault is measured: the first fleet event that arrived after arm() and shows us-east-1 unhealthy */
  firstUnhealthyAt: number | null = null;
  /** when arm() and disarm() were called: chunks are parsed after they arrive, so it is their arrival that counts */
  private armedFrom = Infinity;
  private armedUntil = Infinity;
  private retryMs = 2_000;
  private closing = false;
  private req: http.ClientRequest | null = null;
  private buf = "";
  private decoder = new StringDecoder("utf8");
  /** the snapshot this stream holds, as lib/fleet-stream's FleetStream would */
  private held: FleetSnapshot | null = null;

  constructor(
    private readonly url: string,
    private readonly cookie: string,
    private readonly listener: ViewerListener = {},
  ) {}

  /** Resolves when the response headers arrived (200 or not). */
  open(): Promise<void> {
    const u = new URL(this.url);
    if (!/^127\.\d+\.\d+\.\d+$/.test(u.hostname))
      return Promise.reject(new Error(`bench targets loopback only, not ${u.hostname}`));
    const sent = performance.now();
    this.buf = "";
    this.decoder = new StringDecoder("utf8");
    this.held = null; // a new stream starts whole: a delta before that is the server's error, counted
    return new Promise((resolve) => {
      const req = http.get(
        u,
        { agent: false, headers: { cookie: this.cookie, accept: "text/event-stream", "cache-control": "no-cache" } },
        (res) => {
          if (res.statusCode !== 200 || !String(res.headers["content-type"]).startsWith("text/event-stream")) {
            this.fail(`HTTP ${res.statusCode} ${res.headers["content-type"]}`);
            res.resume();
            resolve();
            return; // EventSource gives up on such an answer too
          }
          this.connected = true;
          this.opened = true;
          res.on("data", (chunk: Buffer) => this.data(chunk, sent));
          res.on("error", (err) => this.fail(err.message));
          res.on("close", () => {
            this.connected = false;
            if (this.closing) return;
            this.reconnects++;
            setTimeout(() => void (this.closing ? undefined : this.open()), this.retryMs).unref();
          });
          resolve();
        },
      );
      req.on("error", (err) => {
        this.fail(err.message);
        resolve();
      });
      this.req = req;
    });
  }

  close() {
    this.closing = true;
    this.req?.destroy();
  }

  arm() {
    this.armedFrom = performance.now();
    this.armedUntil = Infinity;
    this.firstUnhealthyAt = null;
  }

  disarm() {
    this.armedUntil = performance.now();
  }

  counters() {
    return {
      fleetEvents: this.fleetEvents,
      fleetBytes: this.fleetBytes,
      otherEvents: this.otherEvents,
      bytes: this.bytes,
    };
  }

  private fail(message: string) {
    this.errors++;
    this.firstError ??= message;
  }

  private data(chunk: Buffer, sent: number) {
    const at = performance.now(); // when the chunk completing a message arrived
    parseLater(() => this.parse(chunk, at, sent));
  }

  private parse(chunk: Buffer, at: number, sent: number) {
    this.bytes += chunk.length;
    let from = Math.max(0, this.buf.length - 1);
    this.buf += this.decoder.write(chunk);
    for (let i = this.buf.indexOf("\n\n", from); i >= 0; i = this.buf.indexOf("\n\n", from)) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      from = 0;
      this.message(block, at, sent);
    }
  }

  private message(block: string, at: number, sent: number) {
    let event = "message";
    const data: string[] = [];
    for (const raw of block.split("\n")) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (!line || line.startsWith(":")) continue;
      const c = line.indexOf(":");
      const field = c < 0 ? line : line.slice(0, c);
      const value = c < 0 ? "" : line.slice(c + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
      else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    if (!data.length) return; // a comment, or only `retry:`
    const text = data.join("\n");
    if (!isFleetEvent(event)) {
      this.otherEvents++;
      this.listener.onEvent?.(event, text, at);
      return;
    }
    this.fleetEvents++;
    this.fleetBytes += Buffer.byteLength(block) + 2;
    const snapshot = (this.held = sharedNextSnapshot(this.held, event, text));
    if (!snapshot) this.jsonErrors++;
    const status = snapshot?.regions.find((r) => r.id === REGION)?.status ?? null;
    this.lastStatus = status;
    if (this.firstFleetMs === null) {
      this.firstFleetMs = at - sent;
      this.firstStatus = status;
    }
    const armed = this.armedFrom <= at && at < this.armedUntil;
    if (armed && this.firstUnhealthyAt === null && status === "unhealthy") this.firstUnhealthyAt = at;
    if (snapshot) this.listener.onSnapshot?.(snapshot, at);
  }
}

// ---- the store, the consoles, the account ----------------------------------------------------------------
/**
 * Demo accounts are refused on a PostgreSQL store, so the bench makes its own viewer with `npm run user:create`
 * (scripts/user-create.ts: the console's own validation, password hash and audit row; password on stdin).
 */
function createViewer(databaseUrl: string, email: string, password: string): Promise<void> {
  const script = path.resolve(import.meta.dirname, "../scripts/user-create.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        script,
        "--email",
        email,
        "--role",
        "viewer",
        "--name",
        "Bench viewer",
      ],
      {
        cwd: path.resolve(import.meta.dirname, ".."),
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`user:create for the bench viewer exited with ${code}: ${out.trim().slice(0, 500)}`)),
    );
    child.stdin.end(`${password}\n`);
  });
}

async function role(baseURL: string): Promise<string> {
  const res = await request(`${baseURL}/api/health`, { timeoutMs: 3_000 });
  return (JSON.parse(res.body) as { collector?: string }).collector ?? `HTTP ${res.status}`;
}

// ---- figures ---------------------------------------------------------------------------------------------
const nullable = (n: number) => (Number.isFinite(n) ? round(n) : null);

function tally(values: (string | null | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const k = v === undefined ? "no fleet event" : (v ?? "null");
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Opens N viewers on each console, measures at rest, then `runs` db-down faults of us-east-1. */
export async function measureViewers(ctx: ViewersContext): Promise<ViewersFigures> {
  const { labDir, log } = ctx;
  const stops: (() => Promise<void>)[] = [];
  const all: Viewer[] = [];
  try {
    // A throwaway PostgreSQL server and database as the consoles' shared store.
    const server = await startTestPostgres();
    stops.push(ctx.own(`PostgreSQL store for the viewers phase (pid ${server.pid})`, () => server.stop()));
    const databaseUrl = await freshDatabase(server.url);
    log(
      `viewers: PostgreSQL store on port ${server.port} (pid ${server.pid}), database ${new URL(databaseUrl).pathname.slice(1)}`,
    );

    // Two consoles on it, one after the other; one should lead and the other stand by.
    const env = {
      DATABASE_URL: databaseUrl,
      LAB_DIR: labDir,
      POLL_INTERVAL: String(ctx.pollIntervalMs),
      NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      AUDIT_KEY: randomBytes(32).toString("hex"),
    };
    const started: { pid: number; baseURL: string }[] = [];
    for (const name of ["viewers-a", "viewers-b"]) {
      const k = await ctx.startConsole(name, env);
      stops.push(k.stop);
      started.push(k.c);
    }
    const roles = await waitFor(
      "one console leading and the other standing by (/api/health)",
      async () => {
        const r = await Promise.all(started.map((c) => role(c.baseURL)));
        return [...r].sort().join(",") === "leading,standby" ? r : null;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const leader = started[roles.indexOf("leading")]!;
    const standby = started[roles.indexOf("standby")]!;
    log(`viewers: leader pid ${leader.pid} (${leader.baseURL}), standby pid ${standby.pid} (${standby.baseURL})`);
    await injectFault(REGION, "recover", { labDir }); // a repeated measurement starts from a clean region
    await waitHealthy(leader.baseURL);

    const email = "bench-viewer@switchyard.local";
    const password = randomBytes(18).toString("base64url");
    await createViewer(databaseUrl, email, password);
    // A session per console (the same secret signs both, but each console does its own sign-in).
    const sessions = [await signIn(leader.baseURL, email, password), await signIn(standby.baseURL, email, password)];

    const sides = [leader, standby].map((c, i) => ({
      console: c,
      viewers: Array.from({ length: ctx.viewers }, () => new Viewer(`${c.baseURL}/api/v1/events`, sessions[i]!)),
    }));
    for (const side of sides) all.push(...side.viewers);
    log(`viewers: opening ${ctx.viewers} streams on each console`);
    for (const side of sides)
      for (let i = 0; i < side.viewers.length; i += OPEN_BATCH)
        await Promise.all(side.viewers.slice(i, i + OPEN_BATCH).map((v) => v.open()));
    await waitFor("every viewer's first fleet event", () => all.every((v) => v.firstFleetMs !== null || !v.connected), {
      timeoutMs: 15_000,
      intervalMs: 100,
    }).catch(() => undefined);
    for (const side of sides) {
      const v = side.viewers;
      log(
        `  ${side.console === leader ? "leader" : "standby"}: ${v.filter((x) => x.opened).length} of ${v.length} connected, ${v.filter((x) => x.firstFleetMs !== null).length} got a first snapshot${v.some((x) => x.firstError) ? `; first error: ${v.find((x) => x.firstError)!.firstError}` : ""}`,
      );
    }
    await sleep(2_000);

    // At rest: what each viewer receives per second with a healthy fleet and nobody doing anything.
    await waitHealthy(leader.baseURL);
    log(`viewers: at rest for ${ctx.restSeconds} s`);
    const before = all.map((v) => v.counters());
    const r0 = performance.now();
    await sleep(ctx.restSeconds * 1000);
    const restSeconds = (performance.now() - r0) / 1000;
    const rest = new Map<Viewer, ReturnType<Viewer["counters"]>>();
    all.forEach((v, i) => {
      const b = before[i]!;
      const a = v.counters();
      rest.set(v, {
        fleetEvents: a.fleetEvents - b.fleetEvents,
        fleetBytes: a.fleetBytes - b.fleetBytes,
        otherEvents: a.otherEvents - b.otherEvents,
        bytes: a.bytes - b.bytes,
      });
    });

    // Faults: db-down of us-east-1, t0 just before injectFault; when each viewer first hears of it.
    const faultRuns: ViewersFigures["faultRuns"] = [];
    const perRun = new Map<Viewer, (number | null)[]>(all.map((v) => [v, []]));
    const healthyAgain = new Map<Viewer, boolean[]>(all.map((v) => [v, []]));
    for (let run = 1; run <= ctx.runs; run++) {
      await sleep(1_500 + Math.random() * 1_000); // a random moment of the 1 s poll cycle
      for (const v of all) v.arm();
      const t0 = performance.now();
      await injectFault(REGION, "db-down", { labDir });
      const t0r = performance.now();
      while (performance.now() - t0 < REACH_WITHIN_MS && all.some((v) => v.firstUnhealthyAt === null)) await sleep(25);
      for (const v of all) {
        v.disarm();
        const ms = v.firstUnhealthyAt === null ? null : v.firstUnhealthyAt - t0;
        perRun.get(v)!.push(ms !== null && ms <= REACH_WITHIN_MS ? ms : null);
      }
      const rec0 = performance.now();
      await injectFault(REGION, "recover", { labDir });
      await waitHealthy(leader.baseURL);
      const recoverMs = performance.now() - rec0;
      // Viewers should hear of the recovery too; only events after t0 count above, so a laggard cannot fake a hit.
      const h0 = performance.now();
      while (performance.now() - h0 < RECOVERED_WITHIN_MS && all.some((v) => v.lastStatus !== "healthy"))
        await sleep(50);
      for (const v of all) healthyAgain.get(v)!.push(v.lastStatus === "healthy");
      faultRuns.push({ run, injectReturnedMs: round(t0r - t0), recoverMs: round(recoverMs) });
      const say = sides.map((side) => {
        const got = side.viewers.map((v) => perRun.get(v)![run - 1]).filter((x): x is number => x !== null);
        const s = summarize(got);
        return `${side.console === leader ? "leader" : "standby"} ${got.length}/${side.viewers.length}${got.length ? ` (p50 ${round(s.p50)}, p95 ${round(s.p95)}, max ${round(s.max)} ms)` : ""}`;
      });
      log(`  viewers db-down #${run}: reached ${say.join("; ")}; recovered in ${round(recoverMs)} ms`);
    }

    const figures = (side: (typeof sides)[number], roleName: "leading" | "standby"): ConsoleViewers => {
      const v = side.viewers;
      const restOf = v.map((x) => rest.get(x)!);
      const fleetEvents = restOf.reduce((a, r) => a + r.fleetEvents, 0);
      const latencies = v.flatMap((x) => perRun.get(x)!).filter((x): x is number => x !== null);
      const runs: ViewerFaultRun[] = faultRuns.map(({ run }) => {
        const got = v.map((x) => perRun.get(x)![run - 1]).filter((x): x is number => x !== null);
        const s = summarize(got);
        return {
          run,
          reached: got.length,
          firstMs: nullable(s.min),
          p50Ms: nullable(s.p50),
          p95Ms: nullable(s.p95),
          maxMs: nullable(s.max),
          healthyAgain: v.filter((x) => healthyAgain.get(x)![run - 1]).length,
        };
      });
      return {
        role: roleName,
        pid: side.console.pid,
        viewers: v.length,
        connected: v.filter((x) => x.opened).length,
        openAtEnd: v.filter((x) => x.connected).length,
        gotSnapshot: v.filter((x) => x.firstFleetMs !== null).length,
        firstSnapshotMs: rounded(summarize(v.map((x) => x.firstFleetMs).filter((x): x is number => x !== null))),
        firstSnapshotStatus: tally(v.map((x) => x.firstStatus)),
        rest: {
          seconds: round(restSeconds, 2),
          fleetEventsPerSecondPerViewer: rounded(summarize(restOf.map((r) => r.fleetEvents / restSeconds)), 2),
          bytesPerSecondPerViewer: rounded(summarize(restOf.map((r) => r.bytes / restSeconds)), 0),
          bytesPerFleetEvent: fleetEvents ? Math.round(restOf.reduce((a, r) => a + r.fleetBytes, 0) / fleetEvents) : 0,
          otherEventsPerSecondPerViewer: round(
            restOf.reduce((a, r) => a + r.otherEvents, 0) / restSeconds / Math.max(1, v.length),
            2,
          ),
        },
        fault: {
          expected: v.length * faultRuns.length,
          reached: latencies.length,
          missed: v.length * faultRuns.length - latencies.length,
          latencyMs: rounded(summarize(latencies)),
          runs,
        },
        reconnects: v.reduce((a, x) => a + x.reconnects, 0),
        errors: v.reduce((a, x) => a + x.errors, 0),
        firstError: v.find((x) => x.firstError)?.firstError ?? null,
        jsonErrors: v.reduce((a, x) => a + x.jsonErrors, 0),
      };
    };
    return {
      viewersPerConsole: ctx.viewers,
      runs: ctx.runs,
      restSeconds: ctx.restSeconds,
      pollIntervalMs: ctx.pollIntervalMs,
      reachWithinMs: REACH_WITHIN_MS,
      fault: `injectFault(${REGION}, db-down); t0 just before it; a viewer is reached by its first fleet event with ${REGION} status "unhealthy"`,
      leader: figures(sides[0]!, "leading"),
      standby: figures(sides[1]!, "standby"),
      faultRuns,
    };
  } finally {
    for (const v of all) v.close();
    // Consoles, then the PostgreSQL server (reverse order); a failure to stop one does not keep the others running.
    for (const stop of stops.reverse())
      await stop().catch((err: Error) => log(`viewers: stopping failed: ${err.message}`));
  }
}
