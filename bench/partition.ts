import http from "node:http";
import { performance } from "node:perf_hooks";
import { injectNetworkFault, labStatus } from "../lab/index";
import { waitHealthy } from "./detection";
import { request } from "./http";
import { signIn } from "./http-load";
import { round, rounded, sleep, summarize, type Summary } from "./stats";

/**
 * The partition classification figure: us-east-1 partitioned from the console (its database, API and sshd time
 * out from the console; the other regions still reach it), and how soon and how rightly the console says so.
 * A watcher polls GET /api/v1/health/regions (a signed-in viewer session, as the HTTP load figure uses) back to
 * back over one keep-alive connection, a new request every ~10 ms, from before the fault until us-east-1's
 * `reachability.verdict` is anything but "reachable"; t0 is taken just before injectNetworkFault is called.
 * That first verdict must be "partitioned-from-console", every run. The watcher goes on for 2 s more to see
 * whether the verdict holds. Between runs: heal, then wait until /metrics shows the lab healthy and the verdict
 * is "reachable" again.
 */

const REGION = "us-east-1";
const RIGHT = "partitioned-from-console";
const POLL_EVERY_MS = 10;
const TIMEOUT_MS = 15_000;
/** after the first verdict, how long the watcher goes on to see whether it holds */
const HOLD_MS = 2_000;
const VIEWER = ["viewer@switchyard.local", "switchyard-viewer"] as const;

interface RegionHealthRow {
  id: string;
  status: string | null;
  reachability?: { verdict: string; reason: string | null; sightings?: unknown[] } | null;
}

export interface ClassificationRun {
  run: number;
  /** t0' - t0: how long injectNetworkFault took to return (the drop rules are in by then) */
  injectReturnedMs: number;
  /** the first verdict other than "reachable", and when the response showing it had arrived (minus t0) */
  verdict: string | null;
  verdictMs: number | null;
  /** its reason, as the console words it */
  reason: string | null;
  right: boolean;
  /** when "partitioned-from-console" was first shown (minus t0), if it ever was within the timeout */
  rightMs: number | null;
  /** every verdict change seen from the first one until 2 s later, e.g. ["partitioned-from-console"] */
  verdictsAfter: string[];
  /** us-east-1's status on the same response */
  statusShown: string | null;
  /** duration of the request that first showed the verdict */
  detectingRequestMs: number | null;
  polls: number;
  errors: number;
  /** heal + wait until the lab shows healthy and the verdict is "reachable" again */
  healMs: number;
}

export interface PartitionClassificationFigures {
  region: string;
  fault: string;
  condition: string;
  measuredFrom: string;
  runs: ClassificationRun[];
  /** runs whose first verdict was "partitioned-from-console" */
  right: number;
  /** runs that showed no verdict but "reachable" within 15 s */
  missed: number;
  verdictMs: Summary;
  pollRequestMs: Summary;
}

class HealthPoller {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly baseURL: string,
    private readonly cookie: string,
  ) {}

  async regions(): Promise<RegionHealthRow[]> {
    const res = await request(`${this.baseURL}/api/v1/health/regions`, {
      agent: this.agent,
      headers: { cookie: this.cookie },
      timeoutMs: 2_000,
    });
    if (res.status !== 200)
      throw new Error(`GET /api/v1/health/regions answered ${res.status}: ${res.body.slice(0, 200)}`);
    return (JSON.parse(res.body) as { regions: RegionHealthRow[] }).regions;
  }

  async region(id: string): Promise<RegionHealthRow> {
    const r = (await this.regions()).find((x) => x.id === id);
    if (!r) throw new Error(`GET /api/v1/health/regions has no ${id}`);
    return r;
  }

  close() {
    this.agent.destroy();
  }
}

async function waitReachable(poller: HealthPoller, baseURL: string, timeoutMs = 90_000): Promise<void> {
  await waitHealthy(baseURL, timeoutMs);
  const started = performance.now();
  let last = "";
  while (performance.now() - started < timeoutMs) {
    try {
      const r = await poller.region(REGION);
      if (r.reachability?.verdict === "reachable") return;
      last = JSON.stringify(r.reachability ?? null);
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(
    `${REGION}'s reachability verdict did not come back to "reachable" within ${timeoutMs} ms; last: ${last}`,
  );
}

async function oneRun(
  run: number,
  poller: HealthPoller,
  baseURL: string,
  labDir: string,
  log: (s: string) => void,
): Promise<ClassificationRun> {
  // A random phase of the 1 s poll cycle, after the health streams have reconnected.
  await sleep(1_500 + Math.random() * 1_000);
  let first: { verdict: string; reason: string | null; status: string | null; at: number; requestMs: number } | null =
    null;
  let rightAt: number | null = null;
  const verdictsAfter: string[] = [];
  let polls = 0;
  let errors = 0;
  let stopped = false;
  const requestMs: number[] = [];
  const watching = (async () => {
    const deadline = performance.now() + TIMEOUT_MS;
    while (!stopped && performance.now() < deadline) {
      const started = performance.now();
      let r: RegionHealthRow | null = null;
      try {
        r = await poller.region(REGION);
      } catch {
        errors++;
      }
      const end = performance.now();
      polls++;
      requestMs.push(end - started);
      const verdict = r?.reachability?.verdict;
      if (r && verdict && verdict !== "reachable" && !first)
        first = {
          verdict,
          reason: r.reachability?.reason ?? null,
          status: r.status,
          at: end,
          requestMs: end - started,
        };
      if (first && verdict && verdictsAfter.at(-1) !== verdict) verdictsAfter.push(verdict);
      if (verdict === RIGHT && rightAt === null) rightAt = end;
      if (first && rightAt !== null && end - first.at >= HOLD_MS) break;
      const wait = started + POLL_EVERY_MS - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  const t0 = performance.now();
  let t0r: number;
  try {
    await injectNetworkFault("partition", REGION, "console", { labDir });
    t0r = performance.now();
  } catch (err) {
    stopped = true;
    await watching;
    throw err;
  }
  await watching;
  const seen = first as {
    verdict: string;
    reason: string | null;
    status: string | null;
    at: number;
    requestMs: number;
  } | null;
  const rightSeen = rightAt as number | null;
  const h0 = performance.now();
  await injectNetworkFault("heal", REGION, undefined, { labDir });
  await waitReachable(poller, baseURL);
  const result: ClassificationRun = {
    run,
    injectReturnedMs: round(t0r - t0),
    verdict: seen?.verdict ?? null,
    verdictMs: seen ? round(seen.at - t0) : null,
    reason: seen?.reason ?? null,
    right: seen?.verdict === RIGHT,
    rightMs: rightSeen !== null ? round(rightSeen - t0) : null,
    verdictsAfter,
    statusShown: seen?.status ?? null,
    detectingRequestMs: seen ? round(seen.requestMs) : null,
    polls,
    errors,
    healMs: round(performance.now() - h0),
  };
  log(
    `  partition from console #${run}: ${result.verdict ?? "no verdict"} after ${result.verdictMs ?? "-"} ms (${result.right ? "right" : "WRONG"}; then ${verdictsAfter.join(" -> ") || "-"}; status ${result.statusShown}); ` +
      `injectNetworkFault returned at ${result.injectReturnedMs} ms, ${polls} polls; healed in ${result.healMs} ms`,
  );
  return result;
}

/** `runs` rounds of `partition us-east-1 --from console`, healing and waiting for a healthy, reachable lab between them. */
export async function measurePartitionClassification(
  runs: number,
  baseURL: string,
  labDir: string,
  log: (s: string) => void,
): Promise<PartitionClassificationFigures> {
  const status = await labStatus({ labDir });
  if (status.networkFaults !== "available")
    throw new Error(`partitions need the lab's network: ${status.networkFaults.unavailable}`);
  const poller = new HealthPoller(baseURL, await signIn(baseURL, ...VIEWER));
  try {
    await injectNetworkFault("heal", undefined, undefined, { labDir }); // a repeated measurement starts from a whole network
    const row = await poller.region(REGION);
    if (row.reachability === undefined)
      throw new Error(`GET /api/v1/health/regions carries no reachability for ${REGION} in this build`);
    await waitReachable(poller, baseURL);
    const results: ClassificationRun[] = [];
    for (let i = 1; i <= runs; i++) results.push(await oneRun(i, poller, baseURL, labDir, log));
    const shown = results.map((r) => r.verdictMs).filter((v): v is number => v !== null);
    return {
      region: REGION,
      fault: `injectNetworkFault(partition, ${REGION}, from console)`,
      condition: `GET /api/v1/health/regions: ${REGION}'s reachability.verdict other than "reachable"; right when it is "${RIGHT}"`,
      measuredFrom:
        "t0 = just before injectNetworkFault(partition, us-east-1, console); the moment the response first showing a verdict had arrived",
      runs: results,
      right: results.filter((r) => r.right).length,
      missed: results.length - shown.length,
      verdictMs: rounded(summarize(shown)),
      pollRequestMs: rounded(
        summarize(results.map((r) => r.detectingRequestMs).filter((v): v is number => v !== null)),
      ),
    };
  } finally {
    poller.close();
  }
}
