import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrafficSnapshot } from "@/lib/traffic";
import { injectFault, resetLab, startLab } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * The collector's traffic loop against the real lab (HAProxy in front of the region APIs, the synthetic users
 * behind it) and a real PostgreSQL store: what it stores, what the API, /metrics and the live check make of it,
 * and a region whose API dies failing over to the next region of the order.
 */

const labDir = await ownLabAndStore("traffic-collector");
process.env.POLL_INTERVAL = "500";

const { leadingCollector } = await import("@/tests/support/collector-lease");
const { readLatestTraffic, readTrafficHistory } = await import("@/server/traffic/traffic-store");
const { cachedTrafficView } = await import("@/server/traffic/traffic-service");
const { readFleetSnapshot } = await import("@/server/fleet/sample-store");
const { getFleetConfig } = await import("@/server/fleet/config");
const { evaluateCheck } = await import("@/lib/live-checks");
const { defaultRuleSettings } = await import("@/lib/alert-rules");
const { renderMetrics } = await import("@/lib/prometheus");
const { getDb } = await import("@/server/db");

let collector: Awaited<ReturnType<typeof leadingCollector>> | undefined;

async function until(
  what: string,
  check: (s: TrafficSnapshot) => boolean,
  timeoutMs = 30_000,
): Promise<TrafficSnapshot> {
  let last: TrafficSnapshot | null = null;
  try {
    return await waitFor(
      what,
      async () => {
        last = await readLatestTraffic();
        return last && check(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last snapshot: ${JSON.stringify(last)}`);
  }
}

const geography = (s: TrafficSnapshot, id: string) => s.geographies.find((g) => g.id === id)!;
const region = (s: TrafficSnapshot, id: string) => s.regions.find((r) => r.id === id)!;
const eachHome = (s: TrafficSnapshot) =>
  s.balancer.reachable &&
  s.globalHealth.ok &&
  s.regions.every((r) => r.state === "up") &&
  s.geographies.every((g) => g.servedBy === g.home && (g.shares[g.home] ?? 0) >= 0.99);

beforeAll(async () => {
  const started = await startLab({ labDir });
  if (!getFleetConfig().balancer) throw new Error(`the lab runs without its balancer: ${started.warnings.join("; ")}`);
  collector = await leadingCollector();
  // The users' window is 10 s: each geography's shares are its home's alone once a whole window went there.
  await until("each geography served by its home", eachHome, 60_000);
});

afterAll(async () => {
  collector?.stop();
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
});

describe("global traffic on the real lab", () => {
  it("stores a snapshot where each geography is served by its home, with the users' figures and the balancer's", async () => {
    const s = await until(
      "rates in the snapshot",
      (x) => eachHome(x) && x.regions.every((r) => r.requestsPerSecond !== null),
    );
    expect(s.geographies.map((g) => [g.id, g.home, g.servedBy])).toEqual(
      getFleetConfig().balancer!.geographies.map((g) => [g.id, g.home, g.home]),
    );
    for (const g of s.geographies) {
      expect(g.requestsPerSecond).toBeGreaterThan(0);
      expect(g.errorRate).toBe(0);
      expect(g.p95Ms).toBeGreaterThan(0);
    }
    for (const r of s.regions) {
      expect(r.weight).toBe(100);
      expect(r.check).toMatch(/^L7OK/);
      expect(r.requestsPerSecond).toBeGreaterThan(0);
    }
    expect(s.globalHealth).toMatchObject({ ok: true, status: 200 });
    expect(s.globalHealth.servedBy).not.toBeNull();
    expect(s.usersWindowSeconds).toBe(10);

    // Any console serves what the store holds, aged; /metrics says the same.
    const view = await cachedTrafficView();
    expect(view).toMatchObject({ configured: true, stale: false });
    expect(view.ageSeconds).toBeLessThan(5);
    const metrics = renderMetrics(await readFleetSnapshot(getFleetConfig()), view);
    expect(metrics).toContain('lb_region_state{region="us-east-1",state="up"} 1');
    expect(metrics).toContain("global_health_up 1");
    expect(metrics).toMatch(/user_served_ratio\{geography="americas",region="us-east-1"\} 1\n/);

    // History points every few seconds, one per region and geography.
    await waitFor(
      "two history points",
      async () => ((await readTrafficHistory("15m")).regions["us-east-1"]?.length ?? 0) >= 2,
      { timeoutMs: 15_000 },
    );
    const h = await readTrafficHistory("15m");
    expect(Object.keys(h.geographies).sort()).toEqual(s.geographies.map((g) => g.id).sort());
    // A pass whose balancer read timed out (a loaded machine) leaves a gap, null; the points with a rate show the traffic.
    const rates = h.regions["us-east-1"]!.map((p) => p.requestsPerSecond).filter((r) => r !== null);
    expect(rates.length).toBeGreaterThan(0);
    for (const r of rates) expect(r).toBeGreaterThan(0);
  });

  it("after api-down on us-east-1 americas is served by eu-west-1, and the live check ticks; after api-up it comes back", async () => {
    const americasHome = (s: TrafficSnapshot) => geography(s, "americas").home;
    const before = await until("americas at home", (s) => geography(s, "americas").servedBy === americasHome(s));
    expect(americasHome(before)).toBe("us-east-1");
    const fleet = () => readFleetSnapshot(getFleetConfig());
    expect(evaluateCheck("traffic-failed-over", await fleet(), defaultRuleSettings(), before).holds).toBe(false);

    const downAt = Date.now();
    await injectFault("us-east-1", "api-down", { labDir });
    const moved = await until(
      "americas served by eu-west-1",
      (s) => geography(s, "americas").servedBy === "eu-west-1" && region(s, "us-east-1").state === "down",
      30_000,
    );
    expect(Date.parse(moved.at) - downAt).toBeLessThan(20_000);
    expect(geography(moved, "europe").servedBy).toBe("eu-west-1");

    // A whole users' window later: at least 90 % of americas' answers from eu-west-1, under 1 % errors.
    const failedOver = await waitFor(
      "the traffic-failed-over check to hold",
      async () => {
        const t = await readLatestTraffic();
        const r = t && evaluateCheck("traffic-failed-over", await fleet(), defaultRuleSettings(), t);
        return r?.holds ? r : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    );
    expect(failedOver.observed).toMatch(
      /^americas: \d+ % served by eu-west-1(, \d+ % by [a-z0-9-]+)*, \d\.\d % errors, p95 \d+ ms$/,
    );

    await injectFault("us-east-1", "api-up", { labDir });
    const back = await until(
      "americas back on us-east-1",
      (s) => geography(s, "americas").servedBy === "us-east-1" && region(s, "us-east-1").state === "up",
      30_000,
    );
    expect(region(back, "us-east-1").check).toMatch(/^L7OK/);
  });

  it("api-slow on eu-west-1 shows as Europe's users' latency in the snapshot, still served at home and without errors", async () => {
    const calm = await until("europe at home", (s) => geography(s, "europe").servedBy === "eu-west-1");
    expect(geography(calm, "europe").p95Ms).toBeLessThan(1_000);
    await injectFault("eu-west-1", "api-slow", { labDir });
    try {
      // every answer takes 3 s more: the p95 of the window's finished requests rises past 2 s
      const slow = await until("europe's p95 above 2 s", (s) => (geography(s, "europe").p95Ms ?? 0) > 2_000, 40_000);
      expect(geography(slow, "europe").servedBy).toBe("eu-west-1");
      expect(geography(slow, "europe").errorRate).toBe(0);
      expect(region(slow, "eu-west-1").state).toBe("up");
      expect(geography(slow, "americas").p95Ms).toBeLessThan(1_000);
    } finally {
      await injectFault("eu-west-1", "recover", { labDir });
    }
    await until("europe fast again", (s) => (geography(s, "europe").p95Ms ?? Infinity) < 1_000, 40_000);
  });
});
