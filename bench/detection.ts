import http from "node:http";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { injectFault, injectNetworkFault, labStatus, regionPg, type RegionId } from "../lab/index";
import { request } from "./http";
import { Metrics } from "./prom";
import { round, rounded, sleep, summarize, type Summary } from "./stats";

/**
 * Figure 1: how long from a real fault in the lab until the console's GET /metrics shows it.
 * A watcher polls /metrics back to back (a new request every ~10 ms, each timed) from before the fault
 * until the condition holds; t0 is taken just before injectFault (or, for isolate, injectNetworkFault) is called.
 * The bench reaches the lab's servers as the console does, at each region's own address on the lab network,
 * except where it needs the truth whatever the network does (a replica's replay position): there through the
 * lab's Unix socket (regionPg).
 */

export const LAB_REGION_IDS = ["us-east-1", "eu-west-1", "ap-southeast-1"] as const;
const REPLICAS = ["eu-west-1", "ap-southeast-1"] as const;
const POLL_EVERY_MS = 10;
const LAG_THRESHOLD_S = 5;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** The bench's consoles on a PostgreSQL store run as production, which needs METRICS_TOKEN: they all get this one. */
export const BENCH_METRICS_TOKEN = "switchyard-bench-metrics-scrape-token";

export async function scrape(baseURL: string, timeoutMs = 2_000): Promise<Metrics> {
  const res = await request(`${baseURL}/metrics`, {
    agent,
    timeoutMs,
    headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
  });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return Metrics.parse(res.body);
}

interface Seen {
  /** performance.now() when the response that first satisfied the condition had arrived */
  perf: number;
  /** Date.now() at the same moment, to compare with PostgreSQL's wall-clock timestamps */
  wall: number;
  /** how long that request took: the state it shows is from somewhere inside this window */
  requestMs: number;
}

/** Polls /metrics every ~10 ms until each named condition has held once, or the deadline passes. */
class Watch<K extends string> {
  readonly first: Partial<Record<K, Seen>> = {};
  polls = 0;
  errors = 0;
  readonly requestMs: number[] = [];
  readonly done: Promise<void>;
  private stopped = false;

  constructor(baseURL: string, conditions: Record<K, (m: Metrics) => boolean>, timeoutMs: number) {
    const names = Object.keys(conditions) as K[];
    this.done = (async () => {
      const deadline = performance.now() + timeoutMs;
      while (!this.stopped && performance.now() < deadline && names.some((n) => !this.first[n])) {
        const started = performance.now();
        let m: Metrics | null = null;
        try {
          m = await scrape(baseURL);
        } catch {
          this.errors++;
        }
        const end = performance.now();
        const wall = Date.now();
        this.polls++;
        this.requestMs.push(end - started);
        if (m)
          for (const n of names)
            if (!this.first[n] && conditions[n](m)) this.first[n] = { perf: end, wall, requestMs: end - started };
        const wait = started + POLL_EVERY_MS - performance.now();
        if (wait > 0) await sleep(wait);
      }
    })();
  }

  stop() {
    this.stopped = true;
  }
}

/** Every lab region healthy, both replicas at lag 0 and no alert firing. */
function allHealthy(m: Metrics): boolean {
  return (
    LAB_REGION_IDS.every((r) => m.status(r) === "healthy") &&
    REPLICAS.every((r) => m.lagSeconds(r) === 0) &&
    m.alertsFiring() === 0
  );
}

/** Waits until /metrics shows the whole lab healthy; returns how long that took (ms). */
export async function waitHealthy(baseURL: string, timeoutMs = 90_000): Promise<number> {
  const started = performance.now();
  let last = "";
  while (performance.now() - started < timeoutMs) {
    try {
      const m = await scrape(baseURL);
      if (allHealthy(m)) return performance.now() - started;
      last = JSON.stringify({
        status: Object.fromEntries(LAB_REGION_IDS.map((r) => [r, m.status(r)])),
        lag: Object.fromEntries(REPLICAS.map((r) => [r, m.lagSeconds(r)])),
        alerts: m.alertsFiring(),
      });
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`the lab did not show healthy on /metrics within ${timeoutMs} ms; last: ${last}`);
}

export type FaultKind = "db-down" | "api-down" | "lag" | "isolate";

export interface FaultRun {
  run: number;
  /** first /metrics showing the fault, minus t0 (just before injectFault); for lag, minus the crossing moment */
  detectedMs: number | null;
  /** t0' - t0: how long injectFault took to return */
  injectReturnedMs: number;
  /** detection minus t0' (negative: the console saw it before the lab tooling returned) */
  detectedAfterReturnMs: number | null;
  /** db-down, api-down: when the bench's own connection to the server (or the API's health stream) broke, minus t0 */
  landedMs?: number;
  /** detection minus that moment: the console's own share of the latency */
  detectedAfterLandedMs?: number | null;
  /** duration of the /metrics request that first showed it */
  detectingRequestMs: number | null;
  polls: number;
  /** lag only: when the lag crossed 5 s (the replica's pg_last_xact_replay_timestamp() + 5 s) */
  crossingAt?: string;
  /** lag only: first pg_replication_lag_seconds > 5, and first alert firing, each minus the crossing */
  lagShownMs?: number | null;
  alertShownMs?: number | null;
  /** recover + wait until /metrics shows everything healthy again */
  recoverMs: number;
}

export interface FaultFigures {
  fault: FaultKind;
  region: string;
  condition: string;
  measuredFrom: string;
  runs: FaultRun[];
  missed: number;
  detectedMs: Summary;
  injectReturnedMs: Summary;
  pollRequestMs: Summary;
  /** db-down, api-down: detection minus the moment the fault landed (the console's own share) */
  detectedAfterLandedMs: Summary | null;
  /** detection minus t0' (injectFault / injectNetworkFault returned): for isolate, after its drop rules were in */
  detectedAfterReturnMs: Summary;
}

const SPECS: Record<FaultKind, { region: string; condition: string; measuredFrom: string }> = {
  "db-down": {
    region: "us-east-1",
    condition: 'region_health_status{region="us-east-1",status="unhealthy"} 1',
    measuredFrom: "t0 = just before injectFault(us-east-1, db-down) (pg_ctl stop -m fast)",
  },
  "api-down": {
    region: "ap-southeast-1",
    condition: 'region_health_status{region="ap-southeast-1",status="unhealthy"} 1',
    measuredFrom: "t0 = just before injectFault(ap-southeast-1, api-down) (SIGKILL of the region API)",
  },
  isolate: {
    region: "us-east-1",
    condition:
      'region_health_status{region="us-east-1",status="healthy"} 0 (degraded, unhealthy or stale: any status but healthy)',
    measuredFrom:
      "t0 = just before injectNetworkFault(isolate, us-east-1) (nftables drops in its namespace: nothing reaches it, it reaches nothing, no resets)",
  },
  lag: {
    region: "eu-west-1",
    condition:
      'pg_replication_lag_seconds{region="eu-west-1"} > 5 and switchyard_alerts_firing > 0 (replay paused, so status is already degraded)',
    measuredFrom: "the moment the lag crossed 5 s: eu-west-1's pg_last_xact_replay_timestamp() after the pause + 5 s",
  },
};

/** Read through the lab's Unix socket: the replica's own replay position, whatever the network does. */
async function lastReplayAt(labDir: string, region: RegionId): Promise<Date> {
  const { host, port } = regionPg(labDir, region);
  const client = new pg.Client({ host, port, user: "postgres", database: "postgres", connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const r = await client.query<{ t: Date | null; paused: boolean }>(
      "select pg_last_xact_replay_timestamp() as t, pg_is_wal_replay_paused() as paused",
    );
    const row = r.rows[0];
    if (!row?.t || !row.paused)
      throw new Error(
        `replica ${region} (port ${port}) is not paused with a replayed transaction: ${JSON.stringify(row)}`,
      );
    return row.t;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * When the fault really landed, seen from outside the console: a connection of the bench's own to the
 * primary (db-down) or to the region API's health stream (api-down) breaks, each reached as the console reaches
 * it (the region's address). Resolves with performance.now(). An isolated server breaks nothing: dropped
 * packets give no reset, so isolate has no tripwire (its t0' is when the drop rules were in).
 */
async function tripwire(kind: FaultKind, target: Target): Promise<{ broke: Promise<number>; close: () => void }> {
  const { address, pgPort, apiUrl } = target;
  if (kind === "db-down") {
    const client = new pg.Client({
      host: address,
      port: pgPort,
      user: "postgres",
      database: "postgres",
      connectionTimeoutMillis: 3_000,
    });
    const broke = new Promise<number>((resolve) => {
      client.on("error", () => resolve(performance.now()));
      client.on("end", () => resolve(performance.now()));
    });
    await client.connect();
    return { broke, close: () => void client.end().catch(() => undefined) };
  }
  if (kind === "api-down") {
    // Wrapped in an object: resolving with a bare promise would wait for that promise instead.
    const req = http.get(`${apiUrl}/v1/health/stream`);
    const { broke } = await new Promise<{ broke: Promise<number> }>((ready, fail) => {
      req.on("response", (res) => {
        const ended = new Promise<number>((resolve) => {
          res.on("close", () => resolve(performance.now()));
          res.on("error", () => resolve(performance.now()));
        });
        res.resume();
        ready({ broke: ended });
      });
      req.on("error", fail);
    });
    return { broke, close: () => req.destroy() };
  }
  return { broke: new Promise<number>(() => undefined), close: () => undefined };
}

interface Target {
  address: string;
  pgPort: number;
  apiUrl: string;
}

/** The fault itself, as the lab's tooling injects it. */
async function inject(kind: FaultKind, region: string, labDir: string): Promise<void> {
  if (kind === "isolate") await injectNetworkFault("isolate", region, undefined, { labDir });
  else await injectFault(region, kind, { labDir });
}

async function oneRun(
  kind: FaultKind,
  run: number,
  baseURL: string,
  labDir: string,
  target: Target,
  log: (s: string) => void,
): Promise<FaultRun> {
  const { region } = SPECS[kind];
  // Land the fault at a random phase of the 1 s poll cycle, and after the health streams have reconnected.
  await sleep(1_500 + Math.random() * 1_000);
  const conditions =
    kind === "lag"
      ? {
          lag: (m: Metrics) => (m.lagSeconds(region) ?? 0) > LAG_THRESHOLD_S,
          alert: (m: Metrics) => (m.alertsFiring() ?? 0) > 0,
          both: (m: Metrics) => (m.lagSeconds(region) ?? 0) > LAG_THRESHOLD_S && (m.alertsFiring() ?? 0) > 0,
        }
      : kind === "isolate"
        ? // stale (no status reported) counts too: nothing current is known of it
          { both: (m: Metrics) => m.status(region) !== "healthy" }
        : { both: (m: Metrics) => m.status(region) === "unhealthy" };
  const wire = await tripwire(kind, target);
  let landed: number | null = null;
  void wire.broke.then((t) => (landed = t));
  const watch = new Watch(
    baseURL,
    conditions as Record<string, (m: Metrics) => boolean>,
    kind === "lag" ? 20_000 : 15_000,
  );
  const t0 = performance.now();
  let t0r: number;
  try {
    await inject(kind, region, labDir);
    t0r = performance.now();
  } catch (err) {
    watch.stop();
    wire.close();
    throw err;
  }
  let crossingWall: number | null = null;
  if (kind === "lag")
    crossingWall = (await lastReplayAt(labDir, region as RegionId)).getTime() + LAG_THRESHOLD_S * 1000;
  await watch.done;
  wire.close();
  const landedAt: number | null = landed;
  const seen = watch.first as Partial<Record<"both" | "lag" | "alert", Seen>>;
  const both = seen.both;
  let detectedMs: number | null = null;
  if (both) detectedMs = crossingWall !== null ? both.wall - crossingWall : both.perf - t0;
  const result: FaultRun = {
    run,
    detectedMs: detectedMs === null ? null : round(detectedMs),
    injectReturnedMs: round(t0r - t0),
    detectedAfterReturnMs: both ? round(both.perf - t0r) : null,
    detectingRequestMs: both ? round(both.requestMs) : null,
    ...(landedAt !== null
      ? { landedMs: round(landedAt - t0), detectedAfterLandedMs: both ? round(both.perf - landedAt) : null }
      : {}),
    polls: watch.polls,
    recoverMs: 0,
  };
  if (crossingWall !== null) {
    result.crossingAt = new Date(crossingWall).toISOString();
    result.lagShownMs = seen.lag ? round(seen.lag.wall - crossingWall) : null;
    result.alertShownMs = seen.alert ? round(seen.alert.wall - crossingWall) : null;
  }
  const r0 = performance.now();
  await injectFault(region, "recover", { labDir }); // also heals the network
  await waitHealthy(baseURL);
  result.recoverMs = round(performance.now() - r0);
  const landedNote = result.landedMs !== undefined ? `, landed at ${result.landedMs} ms` : "";
  log(
    `  ${kind} #${run}: detected ${result.detectedMs ?? "MISSED"} ms (${kind === "isolate" ? "injectNetworkFault" : "injectFault"} returned at ${result.injectReturnedMs} ms${landedNote}; ${watch.polls} polls), recovered in ${result.recoverMs} ms`,
  );
  return result;
}

/** Runs `runs` rounds of one fault, recovering and waiting for a healthy fleet between them. */
export async function measureFault(
  kind: FaultKind,
  runs: number,
  baseURL: string,
  labDir: string,
  log: (s: string) => void,
): Promise<FaultFigures> {
  const spec = SPECS[kind];
  const status = await labStatus({ labDir });
  const { address, pgPort, apiUrl } = status.regions.find((r) => r.id === spec.region)!;
  if (kind === "isolate" && status.networkFaults !== "available")
    throw new Error(`isolate needs the lab's network: ${status.networkFaults.unavailable}`);
  await injectFault(spec.region, "recover", { labDir }); // a repeated measurement starts from a clean region
  await waitHealthy(baseURL);
  const results: FaultRun[] = [];
  const requestMs: number[] = [];
  for (let i = 1; i <= runs; i++)
    results.push(await oneRun(kind, i, baseURL, labDir, { address, pgPort, apiUrl }, log));
  for (const r of results) if (r.detectingRequestMs !== null) requestMs.push(r.detectingRequestMs);
  const detected = results.map((r) => r.detectedMs).filter((v): v is number => v !== null);
  return {
    fault: kind,
    ...spec,
    runs: results,
    missed: results.length - detected.length,
    detectedMs: rounded(summarize(detected)),
    injectReturnedMs: rounded(summarize(results.map((r) => r.injectReturnedMs))),
    pollRequestMs: rounded(summarize(requestMs)),
    detectedAfterReturnMs: rounded(
      summarize(results.map((r) => r.detectedAfterReturnMs).filter((v): v is number => v !== null)),
    ),
    detectedAfterLandedMs:
      kind === "lag" || kind === "isolate"
        ? null
        : rounded(
            summarize(results.map((r) => r.detectedAfterLandedMs).filter((v): v is number => typeof v === "number")),
          ),
  };
}
