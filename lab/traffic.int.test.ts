import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFleetConfig, type BalancerConfig } from "../lib/fleet-config";
import type { UserRequest } from "../lib/traffic";
import { isUserError } from "../lib/user-figures";
import type { Balancer } from "../server/traffic/balancer";
import { createHaproxyBalancer } from "../server/traffic/haproxy";
import { readUserFigures, readUserRequests } from "../server/traffic/users-probe";
import { findHaproxy } from "./balancer";
import { injectFault, labStatus, resetBalancer, resetLab, startLab, stopLab, type LabStatus } from "./index";
import { waitFor } from "./wait";

/**
 * The global load balancer in the lab: real HAProxy in front of the three region APIs, real users (the traffic
 * generator) behind it, steered through the adapter the console uses (server/traffic/haproxy.ts).
 */

const haproxyHere = findHaproxy() !== null;
const labDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-traffic-test-"));
let status: LabStatus;
let balancerConfig: BalancerConfig;
let balancer: Balancer;
let usersUrl: string;

const HOMES = { americas: "us-east-1", europe: "eu-west-1", "asia-pacific": "ap-southeast-1" } as const;

/** The users' requests of one geography sent since `since` (epoch ms), oldest first. */
async function requestsOf(geography: string, since: number): Promise<UserRequest[]> {
  return (await readUserRequests(usersUrl, since, 5_000)).filter((r) => r.geography === geography);
}

/** Polls until `count` answered requests of the geography in a row, sent after `since`, came from `region`. */
async function servedBy(geography: string, region: string, since: number, timeoutMs: number, count = 10) {
  return waitFor(
    `${geography}'s users to be served by ${region}`,
    async () => {
      const recent = (await requestsOf(geography, since)).slice(-count);
      return recent.length === count && recent.every((r) => r.status === 200 && r.servedBy === region) && recent;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Pids of processes whose command line names this lab (its HAProxy configuration or its directory). */
function labProcesses(): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
        return argv.some((a) => a.startsWith(labDir)) && argv.some((a) => /haproxy|generator\.ts$/.test(a));
      } catch {
        return false;
      }
    })
    .map(Number);
}

beforeAll(async () => {
  if (!haproxyHere) return;
  await startLab({ labDir });
  status = await labStatus({ labDir });
  const fleet = parseFleetConfig(JSON.parse(readFileSync(status.fleetFile, "utf8")), status.fleetFile);
  if (!fleet.balancer) throw new Error("the lab's fleet file has no balancer section");
  balancerConfig = fleet.balancer;
  balancer = createHaproxyBalancer(balancerConfig);
  usersUrl = balancerConfig.usersUrl ?? "";
}, 180_000);

afterAll(async () => {
  try {
    await stopLab({ labDir });
  } finally {
    await resetLab({ labDir });
    rmSync(labDir, { recursive: true, force: true });
  }
}, 120_000);

describe.skipIf(!haproxyHere)("global traffic in the lab", () => {
  it("lab status lists the balancer and the generator, and the fleet file names them", () => {
    expect(status.balancer).toMatchObject({ kind: "haproxy", status: "up", pid: expect.any(Number) });
    expect(status.balancer?.frontendUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(status.balancer?.adminSocket).toMatch(/\/haproxy\.sock$/);
    expect(status.generator).toMatchObject({
      status: "up",
      pid: expect.any(Number),
      ratePerGeography: 10,
      geographies: ["americas", "europe", "asia-pacific"],
    });
    expect(balancerConfig).toEqual({
      kind: "haproxy",
      frontendUrl: status.balancer?.frontendUrl,
      runtimeApi: { socket: status.balancer?.adminSocket },
      geographies: [
        { id: "americas", displayName: "Americas", home: "us-east-1" },
        { id: "europe", displayName: "Europe", home: "eu-west-1" },
        { id: "asia-pacific", displayName: "Asia Pacific", home: "ap-southeast-1" },
      ],
      failoverOrder: ["us-east-1", "eu-west-1", "ap-southeast-1"],
      usersUrl: status.generator?.url,
    });
  });

  it("users' traffic flows through HAProxy to every region, each geography served by its home", async () => {
    const figures = await waitFor(
      "every geography's users to be served by their home",
      async () => {
        const f = await readUserFigures(usersUrl, 5_000, 5);
        return (
          f.geographies.every(
            (g) => g.requests >= 20 && g.errors === 0 && g.lastServedBy === HOMES[g.id as keyof typeof HOMES],
          ) && f
        );
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    for (const g of figures.geographies) {
      expect(Object.keys(g.servedBy)).toEqual([HOMES[g.id as keyof typeof HOMES]]);
      expect(g.p95Ms).toBeGreaterThan(0);
    }
    // the balancer's own figures agree: every home has answered through it
    const stats = await balancer.read(5_000);
    for (const [geography, home] of Object.entries(HOMES)) {
      const server = stats.find((s) => s.backend === `geo_${geography}` && s.server === home);
      // "L7OK" alone while a check is running
      expect(server).toMatchObject({ status: "UP", weight: 100, check: expect.stringMatching(/^L7OK/) });
      expect(server?.responses).toBeGreaterThan(0);
    }
    // the global health check (no geography) reaches the primary's geography
    const health = await fetch(`${balancerConfig.frontendUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    expect(health.status).toBe(200);
    expect(health.headers.get("x-served-by")).toBe("us-east-1");
  }, 60_000);

  it("draining us-east-1 moves the Americas to eu-west-1 with no failed request; ready brings them back", async () => {
    const drainedAt = Date.now();
    await balancer.setRegionState("us-east-1", "drain", 5_000);
    // ten answers in a row from eu-west-1, all sent well after the drain: what the checks below count
    await servedBy("americas", "eu-west-1", drainedAt + 500, 15_000);
    const states = (await balancer.read(5_000)).filter((s) => s.region === "us-east-1").map((s) => s.status);
    expect(new Set(states)).toEqual(new Set(["DRAIN"]));
    const restoredAt = Date.now();
    await balancer.setRegionState("us-east-1", "ready", 5_000);
    await servedBy("americas", "us-east-1", restoredAt, 15_000);
    const sinceDrain = await requestsOf("americas", drainedAt);
    expect(sinceDrain.length).toBeGreaterThan(10);
    expect(sinceDrain.filter(isUserError), "no user request failed while draining and restoring").toEqual([]);
    // every user request sent while drained (after the command returned) went elsewhere
    const whileDrained = sinceDrain.filter((r) => r.at > drainedAt + 500 && r.at < restoredAt);
    expect(whileDrained.length).toBeGreaterThan(5);
    expect(whileDrained.filter((r) => r.servedBy === "us-east-1")).toEqual([]);
  }, 60_000);

  it("a 50/50 weight split in the Americas makes both regions serve them", async () => {
    try {
      await balancer.setWeight("americas", "us-east-1", 50, 5_000);
      await balancer.setWeight("americas", "eu-west-1", 50, 5_000);
      const splitAt = Date.now();
      const requests = await waitFor(
        "both regions to serve the Americas",
        async () => {
          const answered = (await requestsOf("americas", splitAt + 200)).filter((r) => r.status === 200);
          const us = answered.filter((r) => r.servedBy === "us-east-1").length;
          const eu = answered.filter((r) => r.servedBy === "eu-west-1").length;
          return us >= 10 && eu >= 10 && { us, eu };
        },
        { timeoutMs: 20_000, intervalMs: 300 },
      );
      // round robin at equal weights: close to even
      expect(Math.abs(requests.us - requests.eu)).toBeLessThanOrEqual(Math.max(4, (requests.us + requests.eu) / 4));
      const weights = (await balancer.read(5_000))
        .filter((s) => s.backend === "geo_americas" && !s.backup)
        .map((s) => [s.server, s.weight]);
      expect(weights).toEqual([
        ["us-east-1", 50],
        ["eu-west-1", 50],
        ["ap-southeast-1", 0],
      ]);
    } finally {
      await balancer.setWeight("americas", "us-east-1", 100, 5_000);
      await balancer.setWeight("americas", "eu-west-1", 0, 5_000);
    }
    await servedBy("americas", "us-east-1", Date.now(), 15_000);
  }, 60_000);

  it("balancer-reset undoes a drain and changed weights: every server ready at its configured weight", async () => {
    await balancer.setRegionState("eu-west-1", "drain", 5_000);
    await balancer.setWeight("americas", "ap-southeast-1", 30, 5_000);
    const drained = (await balancer.read(5_000)).filter((s) => s.region === "eu-west-1").map((s) => s.status);
    expect(new Set(drained)).toEqual(new Set(["DRAIN"]));
    const resetAt = Date.now();
    expect(await resetBalancer({ labDir })).toHaveLength(15);
    const stats = await balancer.read(5_000);
    expect(stats.filter((s) => s.status !== "UP").map((s) => `${s.backend}/${s.server} ${s.status}`)).toEqual([]);
    expect(stats.filter((s) => s.backend === "geo_americas" && !s.backup).map((s) => [s.server, s.weight])).toEqual([
      ["us-east-1", 100],
      ["eu-west-1", 0],
      ["ap-southeast-1", 0],
    ]);
    await servedBy("americas", "us-east-1", resetAt, 15_000);
    await servedBy("europe", "eu-west-1", resetAt, 15_000);
  }, 60_000);

  it("the adapter says in words what HAProxy refuses", async () => {
    await expect(balancer.setWeight("americas", "us-east-1", 300, 5_000)).rejects.toThrow(/0 to 256/);
    const elsewhere = createHaproxyBalancer({
      ...balancerConfig,
      geographies: [{ id: "oceania", displayName: "Oceania", home: "us-east-1" }],
    });
    await expect(elsewhere.setWeight("oceania", "us-east-1", 10, 5_000)).rejects.toThrow(
      /^HAProxy refused "set server geo_oceania\/us-east-1 weight 10": no such backend$/,
    );
  });

  it("api-down on us-east-1 sends the Americas to eu-west-1 within seconds; api-up brings them back", async () => {
    await servedBy("americas", "us-east-1", Date.now() - 2_000, 15_000);
    const killedAt = Date.now();
    await injectFault("us-east-1", "api-down", { labDir });
    // HAProxy checks every second and calls a server down after two failed checks 250 ms apart
    const downAt = await waitFor(
      "HAProxy to call us-east-1 down",
      async () =>
        (await balancer.read(5_000)).some(
          (s) => s.backend === "geo_americas" && s.server === "us-east-1" && s.status === "DOWN",
        ) && Date.now(),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(downAt - killedAt).toBeLessThan(5_000);
    await servedBy("americas", "eu-west-1", killedAt, 15_000);
    const stats = await balancer.read(5_000);
    expect(stats.find((s) => s.backend === "geo_americas" && s.server === "us-east-1")).toMatchObject({
      status: "DOWN",
      check: "L4CON connection refused",
    });
    // what the users saw: requests caught by the kill are retried elsewhere by HAProxy (slower, not failed)
    const sinceKill = await requestsOf("americas", killedAt);
    const firstElsewhere = sinceKill.find((r) => r.servedBy === "eu-west-1");
    const errors = sinceKill.filter(isUserError);
    console.info(
      `api-down: HAProxy called us-east-1 down after ${downAt - killedAt} ms; the first user request sent ` +
        `${(firstElsewhere?.at ?? NaN) - killedAt} ms after the kill was served by eu-west-1; ` +
        `${errors.length} failed; slowest answer ${Math.max(...sinceKill.map((r) => r.ms))} ms`,
    );
    // Europe and Asia Pacific never noticed
    for (const geography of ["europe", "asia-pacific"] as const)
      expect((await requestsOf(geography, killedAt)).filter(isUserError)).toEqual([]);

    await injectFault("us-east-1", "api-up", { labDir });
    await servedBy("americas", "us-east-1", Date.now(), 20_000);
  }, 90_000);

  it("api-slow on eu-west-1 shows as latency for Europe, not as errors or a failover", async () => {
    await injectFault("eu-west-1", "api-slow", { labDir });
    const slowAt = Date.now();
    try {
      const figures = await waitFor(
        "Europe's p50 latency to pass 2.5 s",
        async () => {
          // a request counts once answered: the last 3 s of a slow region's requests are still waiting
          const f = await readUserFigures(usersUrl, 5_000, 10);
          const europe = f.geographies.find((g) => g.id === "europe");
          return europe && (europe.p50Ms ?? 0) > 2_500 && europe;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(figures.servedBy).toEqual({ "eu-west-1": expect.any(Number) });
      const europe = await requestsOf("europe", slowAt);
      expect(europe.filter(isUserError)).toEqual([]);
      expect(new Set(europe.map((r) => r.servedBy))).toEqual(new Set(["eu-west-1"]));
    } finally {
      await injectFault("eu-west-1", "recover", { labDir });
    }
  }, 60_000);

  it("stop leaves no HAProxy and no traffic generator running", async () => {
    const before = await labStatus({ labDir });
    const pids = [before.balancer?.pid, before.generator?.pid].filter((p): p is number => typeof p === "number");
    expect(pids).toHaveLength(2);
    const { stopped } = await stopLab({ labDir });
    expect(stopped).toEqual(expect.arrayContaining(["the traffic generator", "HAProxy"]));
    await waitFor("the lab's HAProxy and generator to be gone", () => labProcesses().length === 0, {
      timeoutMs: 15_000,
    });
    const after = await labStatus({ labDir });
    expect(after.balancer).toMatchObject({ status: "down", pid: null });
    expect(after.generator).toMatchObject({ status: "down", pid: null });
  }, 120_000);
});
