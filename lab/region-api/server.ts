import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SERVED_BY_HEADER } from "../../lib/balancer-layout";
import { errorInWords } from "../../lib/error-words";
import { cdnProviders, type CdnProvider } from "../../lib/cdn-providers";
import { regionAddress } from "../network/net";
import { isRegionId } from "../regions";
import { readState, updateState, type LabState, type RegionFaults } from "../state";
import { FAILURES_UNTIL_DOWN, PgHeartbeatWriter, SimulatedHeartbeatWriter, type HeartbeatWriter } from "./heartbeat";
import { TrafficModel, type CdnRollout } from "./traffic-model";
import { Vantage, type DbAddress } from "./vantage";

/**
 * Stand-in for one region's API (the runbook's clipper-api): real Postgres heartbeats,
 * a synthetic traffic model for mirrors/CDN/bandwidth, and a /lab/faults control hook.
 * Bundled from main.ts (lab/bundle.ts) and started by lab/api-process.ts as
 * `node region-api.mjs --region <id> --lab-dir <dir>`, or handed its environment as the region's spare.
 */

const isProvider = (v: string | undefined): v is CdnProvider => (cdnProviders as readonly string[]).includes(v ?? "");

/** CDN_ROLLOUT_PROVIDER + CDN_ROLLOUT_PERCENT (a whole 1-100): the share sent to a second provider; otherwise none. */
function rolloutFromEnv(): CdnRollout | null {
  const provider = process.env.CDN_ROLLOUT_PROVIDER;
  const percent = Number(process.env.CDN_ROLLOUT_PERCENT ?? "0");
  if (!isProvider(provider) || !Number.isInteger(percent) || percent <= 0 || percent > 100) return null;
  return { provider, percent };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`region-api: missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

const config = {
  region: requiredEnv("REGION"),
  dbHost: requiredEnv("DB_HOST"),
  dbPort: Number(requiredEnv("DB_PORT")),
  dbUser: process.env.DB_USER || "postgres",
  cdnEnabled: (process.env.CDN_ENABLED ?? "true") !== "false",
  cdnProvider: isProvider(process.env.CDN_PROVIDER) ? process.env.CDN_PROVIDER : "cloudflare",
  cdnRollout: rolloutFromEnv(),
  port: Number(requiredEnv("PORT")),
  /** the region's address (in its network namespace), or loopback */
  listenHost: process.env.LISTEN_HOST || "127.0.0.1",
  /** where the lab itself talks to this API (ping, faults), whatever the network does */
  controlSocket: process.env.CONTROL_SOCKET || null,
  labDir: requiredEnv("LAB_DIR"),
  simulatedDb: process.env.SIMULATED_DB === "true",
};

const SLOW_MS = 3_000;
const PEER_HEALTH_TIMEOUT_MS = 500;
const PROXY_TIMEOUT_MS = 5_000;
const startedAt = new Date().toISOString();

const faults: Pick<RegionFaults, "slow" | "mirrorDown" | "cdnOutage" | "dbDown"> = {
  slow: false,
  mirrorDown: false,
  cdnOutage: false,
  dbDown: false,
};
try {
  const persisted = readState(config.labDir)?.regions[config.region]?.faults;
  if (persisted)
    Object.assign(faults, { slow: persisted.slow, mirrorDown: persisted.mirrorDown, cdnOutage: persisted.cdnOutage });
} catch (error) {
  console.error("region-api: could not read lab state", error);
}

const model = new TrafficModel({
  region: config.region,
  cdnProvider: config.cdnProvider,
  cdnEnabled: config.cdnEnabled,
  rollout: config.cdnRollout,
});
model.setFaults(faults);
// Start with a minute of history so rates and totals are meaningful at once.
for (let i = 60; i > 0; i--) model.tick(Date.now() - i * 1_000);
const trafficTimer = setInterval(() => model.tick(), 1_000);

const dbTarget = {
  region: config.region,
  host: config.dbHost,
  port: config.dbPort,
  user: config.dbUser,
  labDir: config.labDir,
};
const writer: HeartbeatWriter = config.simulatedDb
  ? new SimulatedHeartbeatWriter(dbTarget)
  : new PgHeartbeatWriter(dbTarget);
writer.start();

/** The lab's state, re-read at most once a second (peers' addresses and ports live there). */
let labState: { at: number; state: LabState | null } = { at: 0, state: null };
function currentState(): LabState | null {
  if (Date.now() - labState.at > 1_000) {
    try {
      labState = { at: Date.now(), state: readState(config.labDir) };
    } catch {
      labState = { at: Date.now(), state: labState.state };
    }
  }
  return labState.state;
}

/** Every region's database, as this region reaches it across the lab network. */
function databases(): DbAddress[] {
  const state = currentState();
  if (!state) return [];
  return Object.entries(state.regions).flatMap(([id, r]) =>
    isRegionId(id) ? [{ region: id, host: regionAddress(state, id), port: r.pgPort }] : [],
  );
}

const vantage = config.simulatedDb ? null : new Vantage(databases);
vantage?.start();

type HealthStatus = "ok" | "degraded" | "down";

function health() {
  const db = writer.health;
  const mirrors = model.mirrorStatus();
  const cdn = model.cdnStatus();
  let status: HealthStatus = "ok";
  if (db.consecutiveFailures >= FAILURES_UNTIL_DOWN) status = "down";
  else if (!db.writable || db.consecutiveFailures > 0 || mirrors !== "ok" || cdn === "outage" || faults.slow)
    status = "degraded";
  return {
    status,
    region: config.region,
    dbHost: config.dbHost,
    dbPort: config.dbPort,
    db: { ...db, simulated: config.simulatedDb },
    mirrors: { status: mirrors },
    cdn: { provider: config.cdnProvider, enabled: config.cdnEnabled, status: cdn, rollout: model.rollout() },
    ...(vantage ? { reaches: vantage.reaches() } : {}),
    startedAt,
    now: new Date().toISOString(),
  };
}

/** Peers' API URLs from the lab's state.json (addresses and ports are persisted there). */
function peers(): { region: string; url: string }[] {
  const state = currentState();
  return Object.entries(state?.regions ?? {}).flatMap(([id, r]) =>
    id !== config.region && isRegionId(id) && state
      ? [{ region: id, url: `http://${regionAddress(state, id)}:${r.apiPort}` }]
      : [],
  );
}

function knownRegion(id: string): boolean {
  return id === config.region || peers().some((p) => p.region === id);
}

async function fetchJson(
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function peerHealth(peer: { region: string; url: string }) {
  try {
    const { body } = await fetchJson(`${peer.url}/health`, { timeoutMs: PEER_HEALTH_TIMEOUT_MS });
    const status = (body as { status?: string } | null)?.status ?? "down";
    return { region: peer.region, apiUrl: peer.url, status, health: body };
  } catch (error) {
    return { region: peer.region, apiUrl: peer.url, status: "down", ...errorInWords(error) };
  }
}

async function proxy(
  region: string,
  method: string,
  pathWithQuery: string,
): Promise<{ status: number; body: unknown }> {
  const peer = peers().find((p) => p.region === region);
  if (!peer) return { status: 404, body: { error: `unknown region ${region}` } };
  try {
    return await fetchJson(`${peer.url}${pathWithQuery}`, { method, timeoutMs: PROXY_TIMEOUT_MS });
  } catch (error) {
    const { error: words, errorCode } = errorInWords(error);
    return { status: 502, body: { error: `region ${region} API unreachable: ${words}`, errorCode, region } };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function persistFaults(change: Partial<RegionFaults>) {
  try {
    updateState(config.labDir, (state) => {
      const region = state.regions[config.region];
      if (region) Object.assign(region.faults, change);
    });
  } catch (error) {
    console.error("region-api: could not persist faults", error);
  }
}

function resyncLocal() {
  const result = model.startResync();
  if (faults.mirrorDown) {
    faults.mirrorDown = false;
    persistFaults({ mirrorDown: false });
  }
  return {
    region: config.region,
    status: result.status,
    recoveredFromDown: result.wasDown,
    startedAt: new Date().toISOString(),
    expectedSeconds: 10,
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as unknown) : {};
}

type Handler = (
  url: URL,
  req: IncomingMessage,
) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };
const ok = (body: unknown) => ({ status: 200, body });

/** `?region=` naming another region is answered by that region's API. */
function localOrProxy(local: (url: URL) => unknown): Handler {
  return (url, req) => {
    const region = url.searchParams.get("region");
    if (!region || region === config.region) return ok(local(url));
    if (!knownRegion(region)) return { status: 404, body: { error: `unknown region ${region}` } };
    const forwarded = new URL(url);
    forwarded.searchParams.set("region", region);
    return proxy(region, req.method ?? "GET", `${forwarded.pathname}${forwarded.search}`);
  };
}

const routes: Record<string, Handler> = {
  "GET /lab/ping": () => ok({ region: config.region, pid: process.pid }),
  "POST /lab/faults": async (_url, req) => {
    const body = (await readBody(req)) as Partial<Record<"slow" | "mirrorDown" | "cdnOutage" | "dbDown", unknown>>;
    for (const key of ["slow", "mirrorDown", "cdnOutage", "dbDown"] as const) {
      if (typeof body[key] === "boolean") faults[key] = body[key] as boolean;
    }
    model.setFaults(faults);
    return ok({ region: config.region, faults });
  },
  "GET /health": () => {
    const h = health();
    return { status: h.status === "down" ? 503 : 200, body: h };
  },
  "GET /v1/health/regions": async () => {
    const self = health();
    const others = await Promise.all(peers().map(peerHealth));
    return ok({
      checkedAt: new Date().toISOString(),
      regions: [
        {
          region: config.region,
          apiUrl: `http://${config.listenHost}:${config.port}`,
          status: self.status,
          health: self,
        },
        ...others,
      ],
    });
  },
  "GET /v1/mirrors/stats": async (url, req) => {
    if (url.searchParams.get("region") !== "all") return localOrProxy(() => model.mirrorStats())(url, req);
    const remote = await Promise.all(peers().map((p) => proxy(p.region, "GET", "/v1/mirrors/stats")));
    const regions: unknown[] = [model.mirrorStats()];
    remote.forEach((r, i) =>
      regions.push(r.status === 200 ? r.body : { region: peers()[i]?.region, status: "unknown", error: r.body }),
    );
    const stats = regions.filter(
      (r): r is { hitRate: number; requestsPerSecond: number } =>
        typeof (r as { hitRate?: unknown }).hitRate === "number",
    );
    const totalRps = stats.reduce((a, s) => a + s.requestsPerSecond, 0);
    const hitRate = totalRps ? stats.reduce((a, s) => a + s.hitRate * s.requestsPerSecond, 0) / totalRps : 0;
    return ok({
      overall: { hitRate: Math.round(hitRate * 100) / 100, requestsPerSecond: Math.round(totalRps * 100) / 100 },
      regions,
    });
  },
  "GET /v1/mirrors": localOrProxy(() => ({
    region: config.region,
    status: model.mirrorStatus(),
    mirrors: model.mirrors(),
  })),
  "POST /v1/mirrors/test-failover": async () => {
    const remote = await Promise.all(
      peers().map(async (p) => ({ peer: p, res: await proxy(p.region, "GET", "/v1/mirrors/stats") })),
    );
    const targets = remote.map(({ peer, res }) => {
      const body = res.body as { status?: string; hitRate?: number } | null;
      return {
        region: peer.region,
        reachable: res.status === 200,
        status: res.status === 200 ? (body?.status ?? "unknown") : "down",
        hitRate: body?.hitRate ?? null,
      };
    });
    const healthy = targets.filter((t) => t.reachable && t.status !== "down");
    const result = healthy.length > 0 ? "passed" : "failed";
    model.recordFailoverTest(result);
    return ok({
      region: config.region,
      localMirrorStatus: model.mirrorStatus(),
      result,
      failoverTargets: targets,
      testedAt: new Date().toISOString(),
    });
  },
  "POST /v1/mirrors/sync": localOrProxy(() => resyncLocal()),
  "POST /v1/admin/mirrors/resync": async (url, req) => {
    if (url.searchParams.get("region")) return localOrProxy(() => resyncLocal())(url, req);
    const local = resyncLocal();
    const remote = await Promise.all(
      peers().map(async (p) => {
        const res = await proxy(p.region, "POST", `/v1/admin/mirrors/resync?region=${encodeURIComponent(p.region)}`);
        return res.status === 200 ? res.body : { region: p.region, error: res.body };
      }),
    );
    return ok({ results: [local, ...remote] });
  },
  "POST /v1/admin/mirrors/cleanup": localOrProxy(() => ({
    region: config.region,
    ...model.cleanup(),
    cleanedAt: new Date().toISOString(),
  })),
  "GET /v1/cdn/stats": localOrProxy(() => model.cdnStats()),
  "GET /v1/cdn/costs": async (url, req) => {
    if (url.searchParams.get("breakdown") !== "region") return localOrProxy(() => model.costs())(url, req);
    const remote = await Promise.all(peers().map((p) => proxy(p.region, "GET", "/v1/cdn/costs")));
    const regions: unknown[] = [model.costs()];
    remote.forEach((r, i) => regions.push(r.status === 200 ? r.body : { region: peers()[i]?.region, error: r.body }));
    const totalUsd = regions.reduce<number>((a, r) => a + ((r as { totalUsd?: number }).totalUsd ?? 0), 0);
    return ok({ currency: "USD", breakdown: "region", totalUsd: Math.round(totalUsd * 10_000) / 10_000, regions });
  },
  "GET /v1/metrics/bandwidth": localOrProxy(() => model.bandwidth()),
};

/**
 * The users' own read, what the global load balancer carries: a clip's metadata (GET /v1/clips/<id>). Small and
 * without the database, so the lab's traffic measures the balancer and the region API, not Postgres.
 */
const CLIP_PATH = /^\/v1\/clips\/([A-Za-z0-9_-]{1,64})$/;
function userRoute(method: string | undefined, pathname: string): Handler | undefined {
  const id = method === "GET" ? CLIP_PATH.exec(pathname)?.[1] : undefined;
  if (!id) return undefined;
  return () => ok({ id, title: `Clip ${id}`, durationSeconds: 30, region: config.region });
}

/**
 * GET /v1/health/stream: Server-Sent Events with this API's health, at once, whenever it changes and every
 * second. A watcher holding it learns of a change when it happens, and of this process dying when the
 * connection drops.
 */
function streamHealth(req: IncomingMessage, res: ServerResponse) {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-store",
    connection: "keep-alive",
    [SERVED_BY_HEADER]: config.region,
  });
  let last = "";
  const send = (force: boolean) => {
    const h = health();
    const reach = (h.reaches ?? []).map((r) => [r.region, r.reachable, r.inRecovery]);
    const key = JSON.stringify([h.status, h.db.writable, h.db.connected, h.mirrors, h.cdn, reach]);
    if (!force && key === last) return;
    last = key;
    res.write(`data: ${JSON.stringify(h)}\n\n`);
  };
  send(true);
  const changes = setInterval(() => send(false), 50);
  const beat = setInterval(() => send(true), 1_000);
  req.on("close", () => {
    clearInterval(changes);
    clearInterval(beat);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", `http://127.0.0.1:${config.port}`);
  if (req.method === "GET" && url.pathname === "/v1/health/stream") {
    if (faults.slow) await new Promise((r) => setTimeout(r, SLOW_MS));
    return streamHealth(req, res);
  }
  const route = routes[`${req.method ?? "GET"} ${url.pathname}`] ?? userRoute(req.method, url.pathname);
  if (faults.slow && !url.pathname.startsWith("/lab/")) await new Promise((r) => setTimeout(r, SLOW_MS));
  let result: { status: number; body: unknown };
  try {
    result = route ? await route(url, req) : { status: 404, body: { error: `no route ${req.method} ${url.pathname}` } };
  } catch (error) {
    result = { status: 500, body: { error: errorMessage(error) } };
  }
  res.writeHead(result.status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    [SERVED_BY_HEADER]: config.region,
  });
  res.end(JSON.stringify(result.body));
}

const server = createServer((req, res) => void handle(req, res));
server.listen(config.port, config.listenHost, () => {
  console.log(
    `${new Date().toISOString()} region-api ${config.region} listening on ${config.listenHost}:${config.port}, db ${config.dbHost}:${config.dbPort}${config.simulatedDb ? " (simulated)" : ""}`,
  );
});
const control = config.controlSocket ? createServer((req, res) => void handle(req, res)) : null;
if (control && config.controlSocket) control.listen(config.controlSocket);

function shutdown() {
  clearInterval(trafficTimer);
  vantage?.stop();
  server.close();
  server.closeAllConnections();
  control?.close();
  control?.closeAllConnections();
  writer.stop();
  // Every connection has been told to end: waiting for the servers to close them (tens of milliseconds, more with
  // three APIs stopping at once) would only hold a restart up.
  setImmediate(() => process.exit(0));
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
