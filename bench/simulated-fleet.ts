import { createServer, type Server, type ServerResponse } from "node:http";
import { renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseFleetConfig } from "../lib/fleet-config";
import { TrafficModel } from "../lab/region-api/traffic-model";

/**
 * A simulated fleet for the collector-load figure: one process serving N region APIs on N free loopback
 * ports, with the endpoints and body shapes the collector probes (the lab's own traffic model, so shapes
 * match lab/region-api/server.ts), and a fleet file with `simulated: true` pointing at them.
 *
 *   node --import tsx bench/simulated-fleet.ts --regions 100 --out /tmp/fleet.json
 *
 * Prints `ready <fleet file>` once every port listens; GET /bench/stats on any of its ports counts the requests
 * served. Stops on SIGTERM/SIGINT, or when its parent goes away.
 */

const { values } = parseArgs({ options: { regions: { type: "string", default: "100" }, out: { type: "string" } } });
const count = Number(values.regions);
if (!values.out || !Number.isInteger(count) || count < 1 || count > 1000) {
  console.error("usage: simulated-fleet.ts --regions <1..1000> --out <fleet.json>");
  process.exit(2);
}

const startedAt = new Date().toISOString();

interface SimRegion {
  id: string;
  port: number;
  model: TrafficModel;
  server: Server;
  streams: Set<ServerResponse>;
}

function health(r: SimRegion) {
  return {
    status: "ok",
    region: r.id,
    dbHost: "127.0.0.1",
    dbPort: 1,
    db: {
      connected: true,
      writable: true,
      lastAckedSeq: 1,
      lastAckedAt: new Date().toISOString(),
      consecutiveFailures: 0,
      lastError: null,
      simulated: true,
    },
    mirrors: { status: r.model.mirrorStatus() },
    cdn: { provider: "cloudflare", enabled: true, status: r.model.cdnStatus() },
    startedAt,
    now: new Date().toISOString(),
  };
}

function route(r: SimRegion, path: string): unknown {
  switch (path) {
    case "/health":
      return health(r);
    case "/v1/mirrors/stats":
      return r.model.mirrorStats();
    case "/v1/cdn/stats":
      return r.model.cdnStats();
    case "/v1/cdn/costs":
      return r.model.costs();
    case "/v1/metrics/bandwidth":
      return r.model.bandwidth();
    default:
      return undefined;
  }
}

/** Requests answered, all regions together, by path; GET /bench/stats on any port reads them. */
const served: Record<string, number> = {};

function serve(r: SimRegion) {
  r.server.on("request", (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/bench/stats") {
      const streams = regions.reduce((n, x) => n + x.streams.size, 0);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ served, streams }));
      return;
    }
    served[path] = (served[path] ?? 0) + 1;
    if (req.method === "GET" && path === "/v1/health/stream") {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      res.write(`data: ${JSON.stringify(health(r))}\n\n`);
      r.streams.add(res);
      req.on("close", () => r.streams.delete(res));
      return;
    }
    const body = req.method === "GET" ? route(r, path) : undefined;
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body ?? { error: `no route ${req.method} ${path}` }));
  });
}

const regions: SimRegion[] = [];
for (let i = 1; i <= count; i++) {
  const id = `zz-sim-${i}`;
  const model = new TrafficModel({ region: id, cdnProvider: "cloudflare", cdnEnabled: true });
  for (let s = 60; s > 0; s--) model.tick(Date.now() - s * 1000);
  const r: SimRegion = { id, port: 0, model, server: createServer(), streams: new Set() };
  serve(r);
  r.port = await new Promise<number>((resolve, reject) => {
    r.server.once("error", reject);
    r.server.listen(0, "127.0.0.1", () => {
      const a = r.server.address();
      if (a && typeof a === "object") resolve(a.port);
      else reject(new Error("no port"));
    });
  });
  regions.push(r);
}

// Once a second: advance every region's traffic and send every held stream its health (the beat).
const beat = setInterval(() => {
  for (const r of regions) {
    r.model.tick();
    if (r.streams.size) {
      const event = `data: ${JSON.stringify(health(r))}\n\n`;
      for (const s of r.streams) s.write(event);
    }
  }
}, 1000);

const fleet = parseFleetConfig(
  {
    version: 1,
    name: `bench-simulated-${count}`,
    simulated: true,
    regions: regions.map((r, i) => ({
      id: r.id,
      displayName: `Simulated ${i + 1}`,
      role: i === 0 ? "primary" : "replica",
      apiUrl: `http://127.0.0.1:${r.port}`,
      postgres: { host: "127.0.0.1", port: 1, user: "postgres", database: "postgres" },
      cdn: { provider: "cloudflare", enabled: true },
    })),
  },
  "simulated fleet",
);
const tmp = `${values.out}.${process.pid}.tmp`;
writeFileSync(tmp, `${JSON.stringify(fleet, null, 2)}\n`);
renameSync(tmp, values.out);
console.log(`ready ${values.out}`);

const parent = process.ppid;
const orphanCheck = setInterval(() => {
  if (process.ppid !== parent) shutdown();
}, 1000);

function shutdown() {
  clearInterval(beat);
  clearInterval(orphanCheck);
  for (const r of regions) {
    r.server.close();
    r.server.closeAllConnections();
  }
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
