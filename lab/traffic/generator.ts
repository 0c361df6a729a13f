import { createServer, get, type IncomingMessage, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";
import { GEO_HEADER, SERVED_BY_HEADER } from "../../lib/balancer-layout";
import { errorInWords } from "../../lib/error-words";
import type { UserRequest } from "../../lib/traffic";
import { userFigures } from "../../lib/user-figures";

/**
 * The lab's users: a few requests a second from each geography through the global load balancer, as
 * `GET <frontend>/v1/clips/<n>` with the geography in `x-client-geo`, each recorded (status, latency, the region
 * that served it). Their figures are what "user impact" means in the lab. Started by lab/traffic-process.ts as
 * `node --import tsx generator.ts --lab-dir <dir> --port <n> --frontend <url> --geographies a,b --rate <n>`.
 *
 *   GET /figures?window=<s>     lib/traffic.ts userFiguresSchema (default 10 s, at most the 10 minutes kept)
 *   GET /requests?since=<ms>    { requests: UserRequest[] } sent since then, oldest first
 *   GET /status                 the generator's own settings and what is in flight
 */

const { values: args } = parseArgs({
  options: {
    "lab-dir": { type: "string" },
    port: { type: "string" },
    frontend: { type: "string" },
    geographies: { type: "string" },
    rate: { type: "string", default: "10" },
    "max-in-flight": { type: "string", default: "32" },
  },
});

function required(name: keyof typeof args): string {
  const value = args[name];
  if (typeof value !== "string" || !value) {
    console.error(`traffic-generator: missing --${name}`);
    process.exit(2);
  }
  return value;
}

const config = {
  port: Number(required("port")),
  frontend: new URL(required("frontend")),
  geographies: required("geographies").split(","),
  /** requests per second per geography */
  rate: Number(required("rate")),
  /** a geography's requests waiting for an answer at once; beyond it a tick sends nothing (bounded load) */
  maxInFlight: Number(required("max-in-flight")),
};
if (!(config.rate > 0 && config.rate <= 50) || !(config.maxInFlight > 0)) {
  console.error("traffic-generator: --rate must be 1-50 and --max-in-flight positive");
  process.exit(2);
}

const REQUEST_TIMEOUT_MS = 5_000;
const KEEP_MS = 10 * 60_000;
const CLIPS = 10_000;

/** Answered requests, in the order their answers came; trimmed to the last KEEP_MS every second. */
let done: UserRequest[] = [];
const inFlight = new Map(config.geographies.map((g) => [g, 0]));
let skipped = 0;

/** One user's request: a fresh connection each (users are not one client), bounded by REQUEST_TIMEOUT_MS overall. */
function send(geography: string): void {
  const at = Date.now();
  const started = performance.now();
  inFlight.set(geography, (inFlight.get(geography) ?? 0) + 1);
  let recorded = false;
  const record = (status: number, servedBy: string | null, error?: string) => {
    if (recorded) return;
    recorded = true;
    clearTimeout(timer);
    inFlight.set(geography, (inFlight.get(geography) ?? 1) - 1);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    done.push({ at, geography, status, ms, servedBy, ...(error ? { error } : {}) });
  };
  const url = new URL(`/v1/clips/${1 + Math.floor(Math.random() * CLIPS)}`, config.frontend);
  const req = get(url, { agent: false, headers: { [GEO_HEADER]: geography, accept: "application/json" } }, (res) => {
    res.resume(); // the body is read to its end: the latency is the whole answer's
    res.on("end", () => {
      const servedBy = res.headers[SERVED_BY_HEADER];
      record(res.statusCode ?? 0, typeof servedBy === "string" ? servedBy : null);
    });
    res.on("error", (error) => record(0, null, errorInWords(error).error));
  });
  const timer = setTimeout(() => {
    record(0, null, `no answer within ${REQUEST_TIMEOUT_MS} ms`);
    req.destroy();
  }, REQUEST_TIMEOUT_MS);
  req.on("error", (error) => record(0, null, errorInWords(error).error));
}

// Each geography ticks on its own, spread over the interval so the requests do not leave in bursts.
const intervalMs = 1_000 / config.rate;
const tickers: NodeJS.Timeout[] = [];
config.geographies.forEach((geography, i) => {
  const start = setTimeout(
    () => {
      tickers.push(
        setInterval(() => {
          if ((inFlight.get(geography) ?? 0) >= config.maxInFlight) skipped++;
          else send(geography);
        }, intervalMs),
      );
    },
    (intervalMs * i) / config.geographies.length,
  );
  tickers.push(start);
});
const trim = setInterval(() => {
  const from = Date.now() - KEEP_MS;
  if (done.length > 0 && (done[0]?.at ?? 0) < from) done = done.filter((r) => r.at >= from);
}, 1_000);

/** Requests sent since `from`: those answered and those still waiting. */
function sentSince(from: number): number {
  let count = 0;
  for (const r of done) if (r.at >= from) count++;
  for (const n of inFlight.values()) count += n;
  return count;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (req.method !== "GET") return answer(res, 405, { error: "only GET" });
  switch (url.pathname) {
    case "/figures": {
      const window = Number(url.searchParams.get("window") ?? "10");
      if (!Number.isFinite(window) || window <= 0 || window * 1_000 > KEEP_MS)
        return answer(res, 400, { error: `window must be 1-${KEEP_MS / 1_000} seconds` });
      return answer(res, 200, userFigures(done, config.geographies, Date.now(), window));
    }
    case "/requests": {
      const since = Number(url.searchParams.get("since") ?? "0");
      if (!Number.isFinite(since)) return answer(res, 400, { error: "since must be epoch milliseconds" });
      return answer(res, 200, { requests: done.filter((r) => r.at >= since).sort((a, b) => a.at - b.at) });
    }
    case "/status":
      return answer(res, 200, {
        pid: process.pid,
        frontend: config.frontend.href,
        geographies: config.geographies,
        ratePerGeography: config.rate,
        maxInFlight: config.maxInFlight,
        inFlight: Object.fromEntries(inFlight),
        sentLastTenSeconds: sentSince(Date.now() - 10_000),
        skipped,
        kept: done.length,
      });
    default:
      return answer(res, 404, { error: `no route ${url.pathname}` });
  }
}

const server = createServer(handle);
server.listen(config.port, "127.0.0.1", () => {
  console.log(
    `${new Date().toISOString()} traffic-generator on 127.0.0.1:${config.port}: ${config.rate}/s from each of ${config.geographies.join(", ")} to ${config.frontend.href}`,
  );
});

function shutdown() {
  tickers.forEach((t) => clearInterval(t));
  clearInterval(trim);
  server.close();
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
