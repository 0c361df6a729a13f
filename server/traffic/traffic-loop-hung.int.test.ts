import { createServer as createHttpServer } from "node:http";
import { createServer, type Socket } from "node:net";
import { afterAll, expect, inject, it } from "vitest";
import type { TrafficSnapshot } from "@/lib/traffic";
import { waitFor } from "@/lab/wait";
import { freshDatabase } from "@/tests/support/fresh-database";

/**
 * A balancer whose read never returns (it ignores its own timeout) and users' figures that never answer must not
 * hold up the traffic loop: every pass still ends within the poll interval and stores what it could read, each
 * failed part said in words.
 */

process.env.DATABASE_URL = await freshDatabase(inject("storeUrl"));
process.env.POLL_INTERVAL = "500";

const sockets: Socket[] = [];
const hung = createServer((s) => sockets.push(s)); // accepts, never writes
await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
const frontend = createHttpServer((req, res) => {
  res.writeHead(req.url === "/health" ? 200 : 404, { "content-type": "application/json", "x-served-by": "eu-west-1" });
  res.end('{"status":"ok"}');
});
await new Promise<void>((resolve) => frontend.listen(0, "127.0.0.1", resolve));
const url = (server: { address(): unknown }) => `http://127.0.0.1:${(server.address() as { port: number }).port}`;

const { Leadership } = await import("@/server/fleet/leader");
const { TrafficLoop } = await import("@/server/traffic/traffic-loop");
const { readLatestTraffic } = await import("@/server/traffic/traffic-store");
const { getDb } = await import("@/server/db");

const lease = new Leadership(
  () => undefined,
  () => undefined,
);
lease.start();
await waitFor("the lease", () => lease.holds(), { timeoutMs: 15_000 });

const fenced: string[] = [];
const loop = new TrafficLoop(
  {
    kind: "haproxy",
    frontendUrl: url(frontend),
    runtimeApi: { socket: "/nonexistent/haproxy.sock" },
    geographies: [{ id: "americas", displayName: "Americas", home: "us-east-1" }],
    failoverOrder: ["us-east-1", "eu-west-1"],
    usersUrl: url(hung),
  },
  ["us-east-1", "eu-west-1"],
  {
    read: () => new Promise(() => undefined),
    setRegionState: async () => undefined,
    setWeight: async () => undefined,
  },
  lease,
  (why) => fenced.push(why),
);

afterAll(async () => {
  loop.stop();
  lease.stop();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => hung.close(resolve));
  await new Promise((resolve) => frontend.close(resolve));
  await (await getDb()).close();
});

it("stores a snapshot every poll interval although the balancer and the users' figures never answer", async () => {
  const started = Date.now();
  loop.start();
  const first = await waitFor("a stored snapshot", async () => (await readLatestTraffic()) ?? undefined, {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(first.balancer).toEqual({ kind: "haproxy", reachable: false, error: "timed out after 400 ms" });
  expect(first.usersError).toBe("timed out after 400 ms");
  expect(first.globalHealth).toMatchObject({ ok: true, status: 200, servedBy: "eu-west-1", error: null });
  expect(first.regions.map((r) => r.state)).toEqual(["unknown", "unknown"]);
  expect(first.geographies[0]).toMatchObject({ id: "americas", servedBy: null, requestsPerSecond: null });

  // The passes go on at the poll interval: a few more snapshots in a couple of seconds.
  const seen = new Set<string>([first.at]);
  await waitFor(
    "four more snapshots",
    async () => {
      const s: TrafficSnapshot | null = await readLatestTraffic();
      if (s) seen.add(s.at);
      return seen.size >= 5 ? true : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 100 },
  );
  expect(loop.latest()?.balancer.reachable).toBe(false);
  expect(fenced).toEqual([]);
});
