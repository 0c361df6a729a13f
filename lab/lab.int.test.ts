import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFleetConfig, type FleetConfig, type SshTransport } from "../lib/fleet-config";
import { sshArgs } from "../lib/ssh-command";
import {
  injectFault,
  injectNetworkFault,
  labStatus,
  resetLab,
  restartApi,
  setApiEnv,
  startLab,
  stopLab,
  type LabStatus,
  type RegionId,
  type StartResult,
} from "./index";
import { isOurApiProcess } from "./api-process";
import { labFiles } from "./paths";
import { pgQuery } from "./postgres";
import { readState, updateState } from "./state";
import { waitFor } from "./wait";

const labDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-lab-test-"));
let status: LabStatus;
let started: StartResult;

function region(id: RegionId) {
  const r = status.regions.find((x) => x.id === id);
  if (!r) throw new Error(`no ${id} in status`);
  return r;
}

async function getJson<T = Record<string, unknown>>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  expect(res.headers.get("content-type")).toContain("application/json");
  return { status: res.status, body: (await res.json()) as T };
}

interface Health {
  status: string;
  dbPort: number;
  db: {
    connected: boolean;
    writable: boolean;
    consecutiveFailures: number;
    lastError: string | null;
    lastErrorCode: string | null;
    lastAckedSeq: number | null;
  };
  mirrors: { status: string };
  cdn: { status: string };
}

const health = async (id: RegionId) => (await getJson<Health>(`${region(id).apiUrl}/health`)).body;

/** A region's PostgreSQL server as the console reaches it: across the lab network. */
const pgAt = (id: RegionId) => ({ host: region(id).address, port: region(id).pgPort });

async function maxHeartbeatId(target: { host: string; port: number }): Promise<number> {
  const rows = await pgQuery<{ id: string | null }>(target, "SELECT max(id)::text AS id FROM switchyard_lab.heartbeat");
  return Number(rows[0]?.id ?? 0);
}

beforeAll(async () => {
  started = await startLab({ labDir });
  status = await labStatus({ labDir });
}, 180_000);

afterAll(async () => {
  try {
    await stopLab({ labDir });
  } finally {
    await resetLab({ labDir });
    rmSync(labDir, { recursive: true, force: true });
  }
}, 120_000);

describe("lab fleet", () => {
  it("has one primary and two streaming replicas, and a valid fleet file", async () => {
    expect(status.regions.map((r) => [r.id, r.role, r.db, r.api])).toEqual([
      ["us-east-1", "primary", "up", "up"],
      ["eu-west-1", "replica", "up", "up"],
      ["ap-southeast-1", "replica", "up", "up"],
    ]);
    if (status.simulated) return;
    expect(region("eu-west-1").replication).toBe("streaming");
    expect(region("ap-southeast-1").replication).toBe("streaming");
    const fleet = parseFleetConfig(JSON.parse(readFileSync(status.fleetFile, "utf8")), status.fleetFile);
    expect(fleet.regions.find((r) => r.role === "primary")?.id).toBe("us-east-1");
    expect(fleet.regions.map((r) => r.postgres.port)).toEqual(status.regions.map((r) => r.pgPort));
    expect(fleet.regions[1]?.postgres.slot).toBe("eu_west_1");
    expect(fleet.regions[0]?.hooks.restartApi?.argv).toContain("restart-api");
  });

  it("starting again changes nothing", async () => {
    const again = await startLab({ labDir });
    expect(again.actions).toEqual([]);
  }, 30_000);

  it("replicates heartbeats written by the region APIs to both replicas", async () => {
    const written = await waitFor(
      "a heartbeat on the primary",
      async () => (await maxHeartbeatId(pgAt("us-east-1"))) || false,
    );
    for (const id of ["eu-west-1", "ap-southeast-1"] as const) {
      await waitFor(`heartbeat ${written} on ${id}`, async () => (await maxHeartbeatId(pgAt(id))) >= written);
    }
    const recovery = await pgQuery<{ r: boolean }>(pgAt("eu-west-1"), "SELECT pg_is_in_recovery() AS r");
    expect(recovery[0]?.r).toBe(true);
  }, 30_000);

  it("db-down stops a replica for real and db-up brings it back streaming", async () => {
    await injectFault("ap-southeast-1", "db-down", { labDir });
    await expect(pgQuery(pgAt("ap-southeast-1"), "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
    expect((await labStatus({ labDir })).regions.find((r) => r.id === "ap-southeast-1")?.db).toBe("down");
    await injectFault("ap-southeast-1", "db-up", { labDir });
    const after = (await labStatus({ labDir })).regions.find((r) => r.id === "ap-southeast-1");
    expect(after?.db).toBe("up");
    expect(after?.replication).toBe("streaming");
  }, 60_000);

  it("lag pauses WAL replay on a replica, recover resumes it; lag on the primary is refused", async () => {
    const replica = pgAt("eu-west-1");
    const primary = pgAt("us-east-1");
    await expect(injectFault("us-east-1", "lag", { labDir })).rejects.toThrow(/primary/);
    await injectFault("eu-west-1", "lag", { labDir });
    const paused = await pgQuery<{ p: boolean }>(replica, "SELECT pg_is_wal_replay_paused() AS p");
    expect(paused[0]?.p).toBe(true);
    const frozen = await maxHeartbeatId(replica);
    await waitFor("the primary to move ahead", async () => (await maxHeartbeatId(primary)) >= frozen + 4, {
      timeoutMs: 15_000,
    });
    expect(await maxHeartbeatId(replica)).toBe(frozen);
    expect((await labStatus({ labDir })).regions.find((r) => r.id === "eu-west-1")?.faults).toContain("lag");

    await injectFault("eu-west-1", "recover", { labDir });
    const target = await maxHeartbeatId(primary);
    await waitFor("the replica to catch up", async () => (await maxHeartbeatId(replica)) >= target, {
      timeoutMs: 15_000,
    });
    const resumed = await pgQuery<{ p: boolean }>(replica, "SELECT pg_is_wal_replay_paused() AS p");
    expect(resumed[0]?.p).toBe(false);
  }, 60_000);

  it("api-down kills the API process, api-up restores it", async () => {
    const url = `${region("eu-west-1").apiUrl}/health`;
    await injectFault("eu-west-1", "api-down", { labDir });
    await expect(fetch(url)).rejects.toThrow();
    expect((await labStatus({ labDir })).regions.find((r) => r.id === "eu-west-1")?.api).toBe("down");
    await injectFault("eu-west-1", "api-up", { labDir });
    expect((await getJson<Health>(url)).body.db.connected !== undefined).toBe(true);
  }, 60_000);

  it("mirror-down drops the region's mirror hit rate to 0; recover ramps it back", async () => {
    const api = region("us-east-1").apiUrl;
    const before = (await getJson<{ hitRate: number }>(`${api}/v1/mirrors/stats`)).body;
    expect(before.hitRate).toBeGreaterThanOrEqual(70);
    await injectFault("us-east-1", "mirror-down", { labDir });
    const down = (await getJson<{ hitRate: number; status: string }>(`${api}/v1/mirrors/stats`)).body;
    expect(down).toMatchObject({ hitRate: 0, status: "down" });
    const all = (
      await getJson<{ regions: { region: string; hitRate: number }[] }>(
        `${region("eu-west-1").apiUrl}/v1/mirrors/stats?region=all`,
      )
    ).body;
    expect(all.regions.find((r) => r.region === "us-east-1")?.hitRate).toBe(0);
    expect(all.regions.find((r) => r.region === "eu-west-1")?.hitRate).toBeGreaterThan(70);
    expect((await health("us-east-1")).mirrors.status).toBe("down");

    await injectFault("us-east-1", "recover", { labDir });
    await waitFor(
      "the mirror hit rate to ramp up",
      async () => (await getJson<{ hitRate: number }>(`${api}/v1/mirrors/stats`)).body.hitRate > 10,
      { timeoutMs: 15_000 },
    );
  }, 60_000);

  it("cdn-outage zeroes the cache hit rate and api-slow delays responses", async () => {
    const api = region("ap-southeast-1").apiUrl;
    await injectFault("ap-southeast-1", "cdn-outage", { labDir });
    const cdn = (await getJson<{ status: string; cacheHitRate: number }>(`${api}/v1/cdn/stats`)).body;
    expect(cdn).toMatchObject({ status: "outage", cacheHitRate: 0 });
    await injectFault("ap-southeast-1", "api-slow", { labDir });
    const started = Date.now();
    await getJson(`${api}/health`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
    await injectFault("ap-southeast-1", "recover", { labDir });
    const fast = Date.now();
    const ok = (await getJson<{ status: string; cacheHitRate: number }>(`${api}/v1/cdn/stats`)).body;
    expect(Date.now() - fast).toBeLessThan(1_500);
    expect(ok.status).toBe("ok");
    expect(ok.cacheHitRate).toBeGreaterThan(85);
  }, 60_000);

  it("answers every runbook endpoint with JSON", async () => {
    const api = region("us-east-1").apiUrl;
    const regions = (await getJson<{ regions: { region: string; status: string }[] }>(`${api}/v1/health/regions`)).body;
    expect(regions.regions.map((r) => r.region)).toEqual(["us-east-1", "eu-west-1", "ap-southeast-1"]);
    const mirrors = (await getJson<{ mirrors: unknown[] }>(`${api}/v1/mirrors?region=eu-west-1`)).body;
    expect(mirrors.mirrors.length).toBeGreaterThan(0);
    expect((await getJson<{ region: string }>(`${api}/v1/mirrors/stats?region=ap-southeast-1`)).body.region).toBe(
      "ap-southeast-1",
    );
    expect((await getJson(`${api}/v1/mirrors/stats?region=nowhere-1`)).status).toBe(404);
    const failover = await getJson<{ result: string }>(`${api}/v1/mirrors/test-failover`, { method: "POST" });
    expect(failover.body.result).toBe("passed");
    expect((await getJson(`${api}/v1/mirrors/sync`, { method: "POST" })).status).toBe(200);
    const resync = await getJson<{ results: unknown[] }>(`${api}/v1/admin/mirrors/resync`, { method: "POST" });
    expect(resync.body.results).toHaveLength(3);
    expect(
      (await getJson<{ region: string }>(`${api}/v1/admin/mirrors/resync?region=eu-west-1`, { method: "POST" })).body
        .region,
    ).toBe("eu-west-1");
    expect(
      (await getJson<{ expiredClips: number }>(`${api}/v1/admin/mirrors/cleanup`, { method: "POST" })).body
        .expiredClips,
    ).toBeGreaterThan(0);
    const cdn = (await getJson<{ provider: string; cacheHitRate: number }>(`${api}/v1/cdn/stats`)).body;
    expect(cdn.provider).toBe("cloudflare");
    expect((await getJson<{ totalUsd: number }>(`${api}/v1/cdn/costs`)).body.totalUsd).toBeGreaterThan(0);
    const byRegion = (await getJson<{ regions: unknown[] }>(`${api}/v1/cdn/costs?breakdown=region`)).body;
    expect(byRegion.regions).toHaveLength(3);
    const bw = (await getJson<{ bytesPerSecond: { cdn: number } }>(`${api}/v1/metrics/bandwidth`)).body;
    expect(bw.bytesPerSecond.cdn).toBeGreaterThan(0);
  }, 30_000);

  it("set-env + restart-api repoints an API; on a replica its writes fail", async () => {
    await expect(setApiEnv("eu-west-1", ["PORT=1"], { labDir })).rejects.toThrow(/cannot be set/);
    await expect(setApiEnv("eu-west-1", ["CDN_PROVIDER=akamai"], { labDir })).rejects.toThrow(/must be one of/);
    const replicaPort = region("eu-west-1").pgPort;
    await setApiEnv(
      "eu-west-1",
      [`DB_HOST=${region("eu-west-1").address}`, `DB_PORT=${replicaPort}`, "CDN_PROVIDER=bunny"],
      { labDir },
    );
    await restartApi("eu-west-1", { labDir });
    const h = await waitFor("writes to fail on the replica", async () => {
      const body = await health("eu-west-1");
      return body.db.connected && body.db.consecutiveFailures > 0 ? body : false;
    });
    expect(h.dbPort).toBe(replicaPort);
    expect(h.db.writable).toBe(false);
    // In words a person reads, with the server's SQLSTATE beside them.
    expect(h.db).toMatchObject({ lastError: "the database is read-only", lastErrorCode: "25006" });
    expect((await getJson<{ provider: string }>(`${region("eu-west-1").apiUrl}/v1/cdn/stats`)).body.provider).toBe(
      "bunny",
    );

    await setApiEnv(
      "eu-west-1",
      [`DB_HOST=${region("us-east-1").address}`, `DB_PORT=${region("us-east-1").pgPort}`, "CDN_PROVIDER=cloudflare"],
      { labDir },
    );
    await restartApi("eu-west-1", { labDir });
    await waitFor("writes to succeed again", async () => (await health("eu-west-1")).db.writable);
  }, 60_000);

  it("restart-api stops the API that answers even when the state file names an older PID (parallel restarts)", async () => {
    const before = readState(labDir)!.regions["eu-west-1"]!.apiPid!;
    // What a concurrent restart of another region can write back: this region's PID from before.
    updateState(labDir, (s) => (s.regions["eu-west-1"]!.apiPid = 1));
    const { pid } = await restartApi("eu-west-1", { labDir });
    expect(pid).not.toBe(before);
    expect(isOurApiProcess(before, labDir, "eu-west-1")).toBe(false);
    expect(readState(labDir)!.regions["eu-west-1"]!.apiPid).toBe(pid);
  });

  it("restart-api hands the region's booted spare the new environment; without a spare it starts Node afresh", async () => {
    const spare = () => readState(labDir)!.regions["eu-west-1"]!.spareApiPid;
    // booted and listening on its socket: a restart before that starts Node afresh
    const ready = () =>
      waitFor("a spare eu-west-1 API waiting", async () => {
        const pid = spare();
        return pid && running(pid) && existsSync(labFiles(labDir).apiSpareSocket("eu-west-1")) ? pid : false;
      });
    const cdnProvider = async () =>
      (await getJson<{ provider: string }>(`${region("eu-west-1").apiUrl}/v1/cdn/stats`)).body.provider;

    const first = await ready();
    await setApiEnv("eu-west-1", ["CDN_PROVIDER=bunny"], { labDir });
    const took = await restartApi("eu-west-1", { labDir });
    expect(took.pid, "the spare became the API").toBe(first);
    expect(await cdnProvider(), "with the environment written before the restart").toBe("bunny");
    await waitFor("writes to succeed", async () => (await health("eu-west-1")).db.writable);

    // A spare that died: the restart starts the API afresh, and a new spare waits for the next one.
    const second = await ready();
    expect(second).not.toBe(first);
    process.kill(second, "SIGKILL");
    await waitFor("the spare to be gone", () => !running(second));
    await setApiEnv("eu-west-1", ["CDN_PROVIDER=cloudflare"], { labDir });
    const fresh = await restartApi("eu-west-1", { labDir });
    expect(fresh.pid).not.toBe(second);
    expect(await cdnProvider()).toBe("cloudflare");
    await waitFor("writes to succeed", async () => (await health("eu-west-1")).db.writable);
    expect(await ready()).not.toBe(second);
  }, 60_000);

  it("db-down on the primary makes every API report failing writes; db-up heals", async () => {
    await injectFault("us-east-1", "db-down", { labDir });
    await expect(pgQuery(pgAt("us-east-1"), "SELECT 1")).rejects.toThrow();
    for (const id of ["us-east-1", "eu-west-1", "ap-southeast-1"] as const) {
      const h = await waitFor(
        `${id} API to report down`,
        async () => {
          const res = await getJson<Health>(`${region(id).apiUrl}/health`);
          return res.status === 503 ? res.body : false;
        },
        { timeoutMs: 15_000 },
      );
      expect(h).toMatchObject({ status: "down", db: { connected: false, writable: false } });
    }
    await injectFault("us-east-1", "db-up", { labDir });
    for (const id of ["us-east-1", "eu-west-1", "ap-southeast-1"] as const) {
      await waitFor(`${id} writes to succeed`, async () => (await health(id)).db.writable, { timeoutMs: 15_000 });
    }
    await waitFor(
      "replicas to stream again",
      async () => {
        const s = await labStatus({ labDir });
        return s.regions.filter((r) => r.replication === "streaming").length === 2;
      },
      { timeoutMs: 20_000 },
    );
  }, 90_000);
});

// ---- host commands over SSH: a real sshd per region when the lab runs as root --------------------------

/** Root with OpenSSH and sudo installed and real Postgres: the lab must then route host commands over SSH. */
const sshExpected = () =>
  process.getuid?.() === 0 &&
  !status.simulated &&
  ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/sudo"].every((f) => existsSync(f));

const readFleet = (): FleetConfig =>
  parseFleetConfig(JSON.parse(readFileSync(status.fleetFile, "utf8")), status.fleetFile);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function runArgv(argv: string[], timeoutMs = 60_000): Promise<Ran> {
  const [command, ...args] = argv;
  if (!command) throw new Error("empty argv");
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd: "/", timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code: Number.isFinite(code) ? code : 1, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** What the console's SSH transport runs (lib/ssh-command), on a connection of its own. */
const overSsh = (t: SshTransport, argv: string[]): Promise<Ran> => runArgv(["ssh", ...sshArgs(t, argv)]);

function sshTransports(): SshTransport[] {
  return readFleet().regions.map((r) => {
    if (r.transport.kind !== "ssh") throw new Error(`${r.id}: transport is ${r.transport.kind}`);
    return r.transport;
  });
}

/** A live (not zombie) process; sshds this process started are reaped by Node once they exit. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** What the console's side gets when it opens a TCP connection: a dropped packet answers nothing, not a reset. */
function tcpFromConsole(host: string, port: number, budgetMs = 1_000): Promise<"connected" | "refused" | "timed out"> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answer: "connected" | "refused" | "timed out") => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(budgetMs, () => done("timed out"));
    socket.once("connect", () => done("connected"));
    socket.once("error", () => done("refused"));
  });
}

interface Reaches {
  reaches?: { region: string; reachable: boolean; checkedAt: string }[];
}

/** Waits until `viewer`'s region API reports (in a look taken after `since`) whether it reaches `target`'s database. */
async function regionSees(viewer: RegionId, target: RegionId, reachable: boolean, since: number): Promise<void> {
  await waitFor(
    `${viewer}'s API to report ${target} ${reachable ? "reachable" : "unreachable"}`,
    async () => {
      const res = await controlHealth(viewer);
      const seen = res.reaches?.find((r) => r.region === target);
      return !!seen && Date.parse(seen.checkedAt) > since && seen.reachable === reachable;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
}

/** A region API's /health through the lab's control socket: the same answer whatever the network does. */
async function controlHealth(id: RegionId): Promise<Reaches> {
  const { controlRequest } = await import("./api-process");
  return (await controlRequest(labDir, id, "GET", "/health", undefined, 5_000)).body as Reaches;
}

describe("the lab network", () => {
  const onNetwork = () => status.network !== null;

  it("puts each region on its own address, in a namespace with no route out, or says why it cannot", async () => {
    if (!onNetwork()) {
      expect(process.getuid?.()).not.toBe(0);
      expect(status.networkFaults).toMatchObject({ unavailable: expect.stringMatching(/root/) });
      await expect(injectNetworkFault("isolate", "us-east-1", undefined, { labDir })).rejects.toThrow(
        /network faults are unavailable/,
      );
      return;
    }
    const subnet = status.network!.subnet.replace(/\.0\/24$/, "");
    expect(status.regions.map((r) => r.address)).toEqual([`${subnet}.11`, `${subnet}.12`, `${subnet}.13`]);
    expect(status.networkFaults).toBe("available");
    for (const r of status.regions) {
      expect(await tcpFromConsole(r.address, r.pgPort)).toBe("connected");
      expect(await tcpFromConsole(r.address, Number(new URL(r.apiUrl).port))).toBe("connected");
      if (r.sshd) expect(await tcpFromConsole(r.address, r.sshd.port)).toBe("connected");
    }
    const prefix = readState(labDir)!.network!.prefix;
    const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.split(" ")[0])
      .filter((n) => n?.startsWith(`${prefix}-`));
    expect(namespaces.sort()).toEqual([`${prefix}-0`, `${prefix}-1`, `${prefix}-2`]);
    for (const ns of namespaces) {
      // only the lab's own /24: no default route, so nothing leaves the machine
      expect(execFileSync("ip", ["-n", ns!, "-4", "route"], { encoding: "utf8" }).trim()).toBe(
        `${subnet}.0/24 dev eth0 proto kernel scope link src ${status.regions[Number(ns!.split("-").at(-1))]!.address}`,
      );
    }
  });

  it("partition --from console: the console times out on the region's database, API and sshd; the other regions still reach it", async () => {
    if (!onNetwork()) return;
    const east = region("us-east-1");
    const since = Date.now();
    await injectNetworkFault("partition", "us-east-1", "console", { labDir });
    try {
      expect(await tcpFromConsole(east.address, east.pgPort)).toBe("timed out");
      expect(await tcpFromConsole(east.address, Number(new URL(east.apiUrl).port))).toBe("timed out");
      if (east.sshd) expect(await tcpFromConsole(east.address, east.sshd.port)).toBe("timed out");
      await regionSees("eu-west-1", "us-east-1", true, since);
      await regionSees("ap-southeast-1", "us-east-1", true, since);
      expect((await labStatus({ labDir })).regions.find((r) => r.id === "us-east-1")?.faults).toContain(
        "partition-from-console",
      );
    } finally {
      await injectNetworkFault("heal", "us-east-1", undefined, { labDir });
    }
    expect(await tcpFromConsole(east.address, east.pgPort)).toBe("connected");
  }, 60_000);

  it("partition --from regions: the other regions cannot reach it, the console and its own API still can", async () => {
    if (!onNetwork()) return;
    const east = region("us-east-1");
    const since = Date.now();
    await injectNetworkFault("partition", "us-east-1", "regions", { labDir });
    try {
      await regionSees("eu-west-1", "us-east-1", false, since);
      await regionSees("ap-southeast-1", "us-east-1", false, since);
      await regionSees("us-east-1", "us-east-1", true, since);
      expect(await tcpFromConsole(east.address, east.pgPort)).toBe("connected");
      expect((await labStatus({ labDir })).regions.find((r) => r.id === "us-east-1")?.faults).toContain(
        "partition-from-regions",
      );
    } finally {
      await injectNetworkFault("heal", undefined, undefined, { labDir });
    }
    await regionSees("eu-west-1", "us-east-1", true, Date.now());
  }, 60_000);

  it("isolate: nothing reaches the region and it reaches nothing; fault recover heals it", async () => {
    if (!onNetwork()) return;
    const west = region("eu-west-1");
    const since = Date.now();
    await injectNetworkFault("isolate", "eu-west-1", undefined, { labDir });
    expect(await tcpFromConsole(west.address, west.pgPort)).toBe("timed out");
    await regionSees("us-east-1", "eu-west-1", false, since);
    await regionSees("eu-west-1", "us-east-1", false, since);
    expect((await labStatus({ labDir })).regions.find((r) => r.id === "eu-west-1")?.faults).toContain("isolated");
    await injectFault("eu-west-1", "recover", { labDir });
    expect(await tcpFromConsole(west.address, west.pgPort)).toBe("connected");
    await regionSees("eu-west-1", "us-east-1", true, Date.now());
    expect((await labStatus({ labDir })).regions.find((r) => r.id === "eu-west-1")?.faults).toEqual([]);
  }, 60_000);
});

describe("lab hosts over SSH", () => {
  it("runs a verified sshd per region and routes host commands through it, or says why host commands run locally", () => {
    const fleet = readFleet();
    if (!sshExpected()) {
      expect(status.hostCommands).toBe("local");
      expect(status.localReason).toMatch(/not running as root|not installed|simulated/);
      expect(status.regions.map((r) => r.sshd)).toEqual([null, null, null]);
      expect(fleet.regions.map((r) => r.transport)).toEqual([{ kind: "local" }, { kind: "local" }, { kind: "local" }]);
      expect(started.warnings.join("\n")).toMatch(/Host commands run locally, not over SSH: /);
      return;
    }
    expect(status.hostCommands).toBe("ssh");
    expect(status.localReason).toBeUndefined();
    expect(started.warnings.join("\n")).not.toMatch(/Host commands run locally/);
    const ports = status.regions.map((r) => r.sshd?.port);
    for (const r of status.regions)
      expect(r.sshd).toMatchObject({ up: true, pid: expect.any(Number), port: expect.any(Number) });
    expect(new Set(ports).size).toBe(3);
    const otherPorts = status.regions.flatMap((r) => [r.pgPort, Number(new URL(r.apiUrl).port)]);
    for (const port of ports) expect(otherPorts).not.toContain(port);

    const ssh = path.join(labDir, "ssh");
    expect(fleet.regions.map((r) => r.transport)).toEqual(
      status.regions.map((r) => ({
        kind: "ssh",
        host: r.address,
        port: r.sshd?.port,
        user: "root",
        identityFile: path.join(ssh, "client_ed25519"),
        knownHostsFile: path.join(ssh, "known_hosts"),
        connectTimeoutSeconds: 2,
      })),
    );
    expect(statSync(path.join(ssh, "client_ed25519")).mode & 0o777).toBe(0o600);
    const knownHosts = readFileSync(path.join(ssh, "known_hosts"), "utf8").trim().split("\n");
    expect(knownHosts.map((line) => line.split(" ")[0])).toEqual(
      status.regions.map((r) => `[${r.address}]:${r.sshd?.port}`),
    );
    for (const r of status.regions) {
      const hostKey = readFileSync(path.join(ssh, r.id, "host_ed25519.pub"), "utf8")
        .split(" ")
        .slice(0, 2)
        .join(" ");
      expect(knownHosts).toContain(`[${r.address}]:${r.sshd?.port} ${hostKey}`);
    }
    // the console sudoes to the user Postgres runs as
    expect(fleet.regions.map((r) => r.hooks.postgres?.runAsUser)).toEqual(["postgres", "postgres", "postgres"]);
  });

  it("a real ssh client with the fleet file's key and known_hosts runs commands on every region, and sudo to postgres works", async () => {
    if (!sshExpected()) return expect(status.hostCommands).toBe("local");
    const results = await Promise.all(
      sshTransports().map(async (t) => ({
        t,
        ok: await overSsh(t, ["true"]),
        who: await overSsh(t, ["sudo", "-n", "-u", "postgres", "--", "id", "-un"]),
      })),
    );
    for (const { t, ok, who } of results) {
      expect(ok, `ssh to port ${t.port}: ${ok.stderr}`).toMatchObject({ code: 0 });
      expect(who.stdout.trim(), who.stderr).toBe("postgres");
    }
    console.log(`fresh ssh logins (ms): ${results.map((r) => r.ok.ms).join(", ")}`);
    // a host key other than the pinned one is refused: pin us-east-1's address to eu-west-1's key
    const [east, west] = sshTransports();
    if (!east || !west) throw new Error("no transports");
    const lines = readFileSync(east.knownHostsFile, "utf8").trim().split("\n");
    const westKey = lines
      .find((l) => l.startsWith(`[${west.host}]:${west.port} `))
      ?.split(" ")
      .slice(1)
      .join(" ");
    const wrongKnownHosts = path.join(labDir, "wrong_known_hosts");
    writeFileSync(wrongKnownHosts, `[${east.host}]:${east.port} ${westKey}\n`);
    const wrong = await overSsh({ ...east, knownHostsFile: wrongKnownHosts }, ["true"]);
    expect(wrong.code).toBe(255);
    expect(wrong.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  }, 60_000);

  it("the fleet file's hooks work from a foreign cwd: restart-api over SSH with sshd's environment, or locally from /", async () => {
    const fleet = readFleet();
    const region = fleet.regions.find((r) => r.id === "ap-southeast-1");
    const hook = region?.hooks.restartApi?.argv;
    if (!region || !hook) throw new Error("no restartApi hook");
    // the hook script copied at the lab's start, asking the host agent through curl, all by absolute path
    expect(hook.slice(0, 2)).toEqual(["/bin/sh", path.join(labDir, "bin", "host-hook.sh")]);
    expect(hook.slice(-2)).toEqual(["restart-api", "ap-southeast-1"]);
    for (const file of hook.slice(0, 4)) expect(existsSync(file), file).toBe(true);
    const before = JSON.parse(readFileSync(path.join(labDir, "state.json"), "utf8")).regions["ap-southeast-1"]
      .apiPid as number;
    // over SSH with sshd's environment; locally this runs from /
    const ran = region.transport.kind === "ssh" ? await overSsh(region.transport, hook) : await runArgv(hook);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/ap-southeast-1 API restarted \(pid \d+\)/);
    const after = JSON.parse(readFileSync(path.join(labDir, "state.json"), "utf8")).regions["ap-southeast-1"]
      .apiPid as number;
    expect(after).not.toBe(before);
    const answered = await fetch(`${status.regions.find((r) => r.id === "ap-southeast-1")?.apiUrl}/health`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(answered.ok || answered.status === 503).toBe(true);
    expect((await labStatus({ labDir })).regions.find((r) => r.id === "ap-southeast-1")?.api).toBe("up");
  }, 60_000);

  it("the API hooks ask the host agent: each argument arrives as given, a refused one changes nothing, a missing agent is named", async () => {
    const region = readFleet().regions.find((r) => r.id === "eu-west-1")!;
    const run = (argv: string[]) => (region.transport.kind === "ssh" ? overSsh(region.transport, argv) : runArgv(argv));
    const setEnv = region.hooks.setApiEnv!.argv;
    const envFile = path.join(labDir, "api", "eu-west-1.env");
    const before = readFileSync(envFile, "utf8");
    const marker = path.join(labDir, "hook-ran-a-shell");
    for (const bad of [`DB_HOST=$(touch ${marker})`, `DB_HOST=x;touch ${marker}`, "PORT=1"]) {
      const refused = await run([...setEnv, bad]);
      expect(refused.code, bad).not.toBe(0);
      // the lab's own words, the argument quoted exactly as given
      expect(refused.stderr, bad).toMatch(bad.startsWith("PORT") ? /lab: PORT cannot be set/ : /must be a host name/);
      if (!bad.startsWith("PORT")) expect(refused.stderr).toContain(bad);
    }
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(envFile, "utf8")).toBe(before);
    expect((await run([...setEnv, "CDN_ROLLOUT_PERCENT=0"])).stdout).toMatch(
      /^eu-west-1: set CDN_ROLLOUT_PERCENT=0 \(restart-api to apply\)/,
    );
    // the agent that answered is the lab's, recorded by its PID; without it the hook says what to do
    const agent = readState(labDir)!.hostAgentPid!;
    expect(running(agent)).toBe(true);
    const { stopped } = await stopLab({ labDir });
    expect(stopped).toContain("the host agent");
    expect(running(agent)).toBe(false);
    const missing = await runArgv(region.hooks.restartApi!.argv);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/host agent does not answer on .*npm run lab starts it/);
    await startLab({ labDir });
    status = await labStatus({ labDir });
  }, 180_000);

  it("falls back to local for every region when a login fails, and comes back over SSH once it works", async () => {
    if (!sshExpected()) return expect(status.hostCommands).toBe("local");
    const pub = path.join(labDir, "ssh", "client_ed25519.pub");
    const saved = `${pub}.saved`;
    copyFileSync(pub, saved);
    // authorized_keys is written from this file on every start: a public key that is not the client's
    copyFileSync(path.join(labDir, "ssh", "us-east-1", "host_ed25519.pub"), pub);
    const pids = (await labStatus({ labDir })).regions.map((r) => r.sshd?.pid ?? 0);
    try {
      const failed = await startLab({ labDir });
      expect(failed.warnings.join("\n")).toMatch(
        /Host commands run locally, not over SSH: verification failed: .*Permission denied/,
      );
      const local = await labStatus({ labDir });
      expect(local.hostCommands).toBe("local");
      expect(local.localReason).toMatch(/^verification failed: /);
      expect(local.regions.map((r) => r.sshd)).toEqual([null, null, null]);
      expect(readFleet().regions.map((r) => r.transport.kind)).toEqual(["local", "local", "local"]);
      for (const pid of pids) await waitFor(`sshd ${pid} to be gone`, () => !running(pid), { timeoutMs: 15_000 });
    } finally {
      copyFileSync(saved, pub);
      rmSync(saved);
    }
    const back = await startLab({ labDir });
    expect(back.warnings.join("\n")).not.toMatch(/Host commands run locally/);
    status = await labStatus({ labDir });
    expect(status.hostCommands).toBe("ssh");
    for (const t of sshTransports()) expect((await overSsh(t, ["true"])).code).toBe(0);
  }, 120_000);

  it("stop stops every sshd by PID; start brings them back on their ports", async () => {
    const beforeStop = await labStatus({ labDir });
    const pids = beforeStop.regions.map((r) => r.sshd?.pid).filter((p): p is number => typeof p === "number");
    expect(pids).toHaveLength(sshExpected() ? 3 : 0);
    const spares = Object.values(readState(labDir)!.regions).map((r) => r.spareApiPid);
    expect(
      spares.every((pid) => pid && running(pid)),
      "a spare API per region",
    ).toBe(true);
    const { stopped } = await stopLab({ labDir });
    for (const pid of spares) expect(running(pid!), `spare API ${pid} stopped`).toBe(false);
    if (sshExpected())
      expect(stopped).toEqual(expect.arrayContaining(["us-east-1 sshd", "eu-west-1 sshd", "ap-southeast-1 sshd"]));
    for (const pid of pids) await waitFor(`sshd ${pid} to be gone`, () => !running(pid), { timeoutMs: 15_000 });
    const down = await labStatus({ labDir });
    for (const r of down.regions) expect(r.sshd === null || (r.sshd.up === false && r.sshd.pid === null)).toBe(true);
    const prefix = readState(labDir)?.network?.prefix;
    const ours = () =>
      execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })
        .split("\n")
        .filter((l) => prefix && l.includes(`: ${prefix}`)).length +
      execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
        .split("\n")
        .filter((l) => prefix && l.startsWith(prefix)).length;
    if (prefix) {
      expect(ours(), "stop removes every namespace and link of the lab").toBe(0);
      // what a crashed lab leaves behind is found by its prefix and removed at the next start
      execFileSync("ip", ["netns", "add", `${prefix}-9`]);
      execFileSync("ip", ["link", "add", `${prefix}x`, "type", "veth", "peer", "name", `${prefix}y`]);
    }

    const restarted = await startLab({ labDir });
    if (prefix) {
      expect(restarted.actions.join("\n")).toMatch(
        new RegExp(`removed leftovers of an earlier lab network: .*namespace ${prefix}-9.*link ${prefix}[xy]`),
      );
      expect(ours()).toBe(3 + 4); // three namespaces; a bridge and three veths
    }
    status = await labStatus({ labDir });
    expect(status.hostCommands).toBe(sshExpected() ? "ssh" : "local");
    if (!sshExpected()) return;
    expect(status.regions.map((r) => r.sshd?.port)).toEqual(beforeStop.regions.map((r) => r.sshd?.port));
    for (const r of status.regions) {
      expect(r.sshd?.up).toBe(true);
      expect(pids).not.toContain(r.sshd?.pid);
    }
    for (const t of sshTransports()) expect((await overSsh(t, ["true"])).code).toBe(0);
  }, 180_000);
});
