import { describe, expect, it } from "vitest";
import { allFaults, compatible, faultClass, possible, type Topology } from "./faults";
import { seededRandom } from "./random";
import { describeEpisode, HOLD_MS, planSchedule, QUIET_MS, STAGGER_MS, type Schedule } from "./schedule";

const topology: Topology = { primary: "us-east-1", replicas: ["eu-west-1", "ap-southeast-1"] };
const plan = (seed: number, minutes: number, network = true) => planSchedule({ seed, minutes, topology, network });
const seeds = Array.from({ length: 100 }, (_, i) => i * 7919 + 1);

describe("seededRandom", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("refuses a seed that is not a whole number in range", () => {
    expect(() => seededRandom(-1)).toThrow();
    expect(() => seededRandom(1.5)).toThrow();
    expect(() => seededRandom(2 ** 32)).toThrow();
  });
});

describe("compatible faults", () => {
  const f = (kind: Parameters<typeof faultClass>[0]["kind"], region: string) => ({ kind, region });

  it("never puts two faults in one region", () => {
    expect(compatible(f("mirror-down", "eu-west-1"), f("cdn-outage", "eu-west-1"), topology)).toBe(false);
  });

  it("never stops the primary together with a replica, nor pauses a replica's replay while the primary is down", () => {
    expect(compatible(f("db-down", "us-east-1"), f("db-down", "eu-west-1"), topology)).toBe(false);
    expect(compatible(f("db-down", "us-east-1"), f("lag", "ap-southeast-1"), topology)).toBe(false);
    expect(compatible(f("db-down", "eu-west-1"), f("lag", "ap-southeast-1"), topology)).toBe(true);
  });

  it("puts a network fault only beside a surface fault in another region", () => {
    expect(compatible(f("isolate", "us-east-1"), f("mirror-down", "eu-west-1"), topology)).toBe(true);
    expect(compatible(f("isolate", "us-east-1"), f("api-down", "eu-west-1"), topology)).toBe(false);
    expect(
      compatible(f("partition-from-console", "eu-west-1"), f("partition-from-regions", "ap-southeast-1"), topology),
    ).toBe(false);
  });

  it("pauses replay only on a replica", () => {
    expect(possible(f("lag", "us-east-1"), topology)).toBe(false);
    expect(possible(f("lag", "eu-west-1"), topology)).toBe(true);
    expect(allFaults(topology, { network: true }).some((x) => x.kind === "lag" && x.region === "us-east-1")).toBe(
      false,
    );
  });

  it("leaves network faults out when the lab has no network of its own", () => {
    expect(
      allFaults(topology, { network: false }).some((x) =>
        ["isolate", "partition-from-console", "partition-from-regions"].includes(x.kind),
      ),
    ).toBe(false);
  });
});

function everyFault(s: Schedule) {
  return s.episodes.flatMap((e) => (e.type === "faults" ? e.faults : e.alongside ? [e.alongside] : []));
}

describe("planSchedule", () => {
  it("is the same schedule for the same seed", () => {
    expect(plan(12345, 10)).toEqual(plan(12345, 10));
    expect(plan(12345, 10)).not.toEqual(plan(12346, 10));
  });

  it("has one or two faults per episode, each possible, a pair always compatible, with holds and starts in range", () => {
    for (const seed of seeds) {
      const s = plan(seed, 10);
      for (const e of s.episodes) {
        expect(e.quietBeforeMs).toBeGreaterThanOrEqual(QUIET_MS.min);
        expect(e.quietBeforeMs).toBeLessThanOrEqual(QUIET_MS.max);
        if (e.type === "failover") continue;
        expect(e.faults.length).toBeGreaterThanOrEqual(1);
        expect(e.faults.length).toBeLessThanOrEqual(2);
        expect(e.faults[0]!.startAfterMs).toBe(0);
        if (e.faults.length === 2) {
          expect(compatible(e.faults[0]!, e.faults[1]!, topology), describeEpisode(e)).toBe(true);
          expect(e.faults[1]!.startAfterMs).toBeGreaterThanOrEqual(STAGGER_MS.min);
          expect(e.faults[1]!.startAfterMs).toBeLessThanOrEqual(STAGGER_MS.max);
        }
      }
      for (const f of everyFault(s)) {
        expect(possible(f, topology)).toBe(true);
        expect(f.holdMs).toBeGreaterThanOrEqual(HOLD_MS.min);
        expect(f.holdMs).toBeLessThanOrEqual(HOLD_MS.max);
      }
    }
  });

  it("fails over with a surface fault at most beside it, in a replica's region", () => {
    for (const seed of seeds) {
      for (const e of plan(seed, 10).episodes) {
        if (e.type !== "failover" || !e.alongside) continue;
        expect(["mirror-down", "cdn-outage"]).toContain(e.alongside.kind);
        expect(topology.replicas).toContain(e.alongside.region);
      }
    }
  });

  it("plans at least one failover in every run of two minutes or more, in the first half of a short run", () => {
    for (const seed of seeds) {
      const short = plan(seed, 2);
      const at = short.episodes.findIndex((e) => e.type === "failover");
      expect(at, `seed ${seed}`).toBeGreaterThanOrEqual(0);
      const before = short.episodes.slice(0, at).reduce((a, e) => a + e.quietBeforeMs + e.estimateMs, 0);
      expect(before, `seed ${seed}`).toBeLessThanOrEqual(60_000);
      expect(plan(seed, 30).episodes.filter((e) => e.type === "failover").length).toBeGreaterThanOrEqual(7);
    }
  });

  it("isolates the primary for a failover only where network faults can be injected", () => {
    for (const seed of seeds.slice(0, 50)) {
      const s = plan(seed, 10, false);
      expect(s.episodes.some((e) => e.type === "failover" && e.cause === "isolate")).toBe(false);
      expect(everyFault(s).some((f) => faultClass(f, topology) === "network")).toBe(false);
    }
    expect(
      seeds
        .slice(0, 50)
        .some((seed) => plan(seed, 10).episodes.some((e) => e.type === "failover" && e.cause === "isolate")),
    ).toBe(true);
  });

  it("fills about twice the asked time, and plans something even for a very short run", () => {
    for (const seed of seeds.slice(0, 50)) {
      const s = plan(seed, 10);
      const total = s.episodes.reduce((a, e) => a + e.quietBeforeMs + e.estimateMs, 0);
      expect(total).toBeLessThanOrEqual(20 * 60_000);
      expect(total).toBeGreaterThan(17 * 60_000);
      expect(plan(seed, 0.1).episodes.length).toBeGreaterThanOrEqual(1);
    }
  });

  it("covers every kind of fault over a few long runs", () => {
    const kinds = new Set(seeds.slice(0, 20).flatMap((seed) => everyFault(plan(seed, 30)).map((f) => f.kind)));
    expect([...kinds].sort()).toEqual([
      "api-down",
      "api-hang",
      "api-slow",
      "cdn-outage",
      "db-down",
      "isolate",
      "lag",
      "mirror-down",
      "partition-from-console",
      "partition-from-regions",
    ]);
  });
});
