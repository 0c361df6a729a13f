import { injectFault, labStatus } from "../lab/index";
import { userRequestSchema, type UserRequest } from "../lib/traffic";
import { request } from "./http";
import { round, rounded, sleep, summarize, type Summary } from "./stats";

/**
 * The global load balancer's failover as users see it: us-east-1's API stopped (`api-down`), and how soon the
 * Americas' synthetic users (the lab's traffic generator, ~10 requests/s through HAProxy) are answered by another
 * region, with the requests that failed meanwhile. "Served elsewhere" is the answer time (sent + latency, minus
 * t0) of the first Americas request from which on STEADY requests in a row were answered by another region.
 * Then `api-up`, and the same for the way back to us-east-1. t0 is taken just before injectFault is called.
 */

const REGION = "us-east-1";
const GEOGRAPHY = "americas";
/** answers in a row from the expected side that make a move settled (about a second of the Americas' users) */
const STEADY = 10;
const TIMEOUT_MS = 30_000;

export interface TrafficFailoverRun {
  run: number;
  /** t0 to the first answer of the settled stretch from another region */
  servedElsewhereMs: number | null;
  servedBy: string | null;
  /** Americas requests sent from t0 until then, those that failed (no answer or 5xx), and the slowest answer */
  requests: number;
  errors: number;
  slowestMs: number | null;
  /** api-up to the first answer of the settled stretch from us-east-1 again, and the failures meanwhile */
  backHomeMs: number | null;
  errorsBack: number;
}

export interface TrafficFailoverFigures {
  region: string;
  geography: string;
  runs: TrafficFailoverRun[];
  servedElsewhereMs: Summary;
  backHomeMs: Summary;
  errors: number;
  requests: number;
  missed: number;
}

const failed = (r: UserRequest) => r.status === 0 || r.status >= 500;

/** The first request of a stretch of STEADY answers that `settled` accepts, or null. */
function settledFrom(requests: UserRequest[], settled: (r: UserRequest) => boolean): UserRequest | null {
  for (let i = 0; i + STEADY <= requests.length; i++) {
    if (requests.slice(i, i + STEADY).every(settled) && requests.slice(i).every(settled)) return requests[i]!;
  }
  return null;
}

async function americasSince(usersUrl: string, since: number): Promise<UserRequest[]> {
  const res = await request(`${usersUrl}/requests?since=${since}`, { timeoutMs: 5_000 });
  if (res.status !== 200) throw new Error(`the traffic generator answered HTTP ${res.status}`);
  const body = JSON.parse(res.body) as { requests?: unknown[] };
  return (body.requests ?? [])
    .map((r) => userRequestSchema.parse(r))
    .filter((r) => r.geography === GEOGRAPHY)
    .sort((a, b) => a.at - b.at);
}

/** Polls until the Americas' answers have settled on the side `settled` accepts; returns the stretch's first request. */
async function waitSettled(
  usersUrl: string,
  t0: number,
  settled: (r: UserRequest) => boolean,
): Promise<{ first: UserRequest | null; seen: UserRequest[] }> {
  let seen: UserRequest[] = [];
  while (Date.now() - t0 < TIMEOUT_MS) {
    seen = await americasSince(usersUrl, t0);
    const first = settledFrom(seen, settled);
    if (first) return { first, seen };
    await sleep(200);
  }
  return { first: null, seen };
}

export async function measureTrafficFailover(
  runs: number,
  labDir: string,
  log: (s: string) => void,
): Promise<TrafficFailoverFigures | null> {
  const status = await labStatus({ labDir });
  if (!status.generator || status.generator.status !== "up") {
    log(`traffic: skipped, the lab has no balancer and users (${status.balancerReason ?? "the generator is down"})`);
    return null;
  }
  const usersUrl = status.generator.url;
  const home = (r: UserRequest) => !failed(r) && r.servedBy === REGION;
  const away = (r: UserRequest) => !failed(r) && r.servedBy !== null && r.servedBy !== REGION;
  const out: TrafficFailoverRun[] = [];
  for (let run = 1; run <= runs; run++) {
    // Start from a settled home: the Americas answered by us-east-1.
    if (!(await waitSettled(usersUrl, Date.now(), home)).first)
      throw new Error("the Americas are not served by us-east-1 before the run");
    const t0 = Date.now();
    await injectFault(REGION, "api-down", { labDir });
    const down = await waitSettled(usersUrl, t0, away);
    // every Americas request sent before the first settled answer arrived: the ones that lived through the move
    const until = down.first ? down.first.at + down.first.ms : Date.now();
    const during = down.seen.filter((r) => r.at < until);
    const t1 = Date.now();
    await injectFault(REGION, "api-up", { labDir });
    const up = await waitSettled(usersUrl, t1, home);
    const r: TrafficFailoverRun = {
      run,
      servedElsewhereMs: down.first ? Math.round(down.first.at + down.first.ms - t0) : null,
      servedBy: down.first?.servedBy ?? null,
      requests: during.length,
      errors: during.filter(failed).length,
      slowestMs: during.length ? Math.round(Math.max(...during.map((x) => x.ms))) : null,
      backHomeMs: up.first ? Math.round(up.first.at + up.first.ms - t1) : null,
      errorsBack: up.seen.filter((x) => x.at < (up.first?.at ?? Infinity) && failed(x)).length,
    };
    out.push(r);
    log(
      `  run ${run}: served by ${r.servedBy ?? "nobody"} after ${r.servedElsewhereMs ?? "-"} ms, ${r.errors} of ${r.requests} requests failed (slowest ${r.slowestMs ?? "-"} ms); back home after ${r.backHomeMs ?? "-"} ms, ${r.errorsBack} failed`,
    );
  }
  const values = (pick: (r: TrafficFailoverRun) => number | null) =>
    out.map(pick).filter((v): v is number => v !== null);
  return {
    region: REGION,
    geography: GEOGRAPHY,
    runs: out,
    servedElsewhereMs: rounded(summarize(values((r) => r.servedElsewhereMs)), 0),
    backHomeMs: rounded(summarize(values((r) => r.backHomeMs)), 0),
    errors: out.reduce((n, r) => n + r.errors, 0),
    requests: out.reduce((n, r) => n + r.requests, 0),
    missed: out.filter((r) => r.servedElsewhereMs === null).length,
  };
}

export const errorShare = (f: TrafficFailoverFigures) => (f.requests ? round((100 * f.errors) / f.requests, 1) : 0);
