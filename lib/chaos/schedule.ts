import {
  allFaults,
  chaosFaultKinds,
  compatible,
  describeFault,
  networkFaultKinds,
  possible,
  type ChaosFault,
  type ChaosFaultKind,
  type Topology,
} from "./faults";
import { seededRandom, type Random } from "./random";

/**
 * The chaos soak's schedule: a seeded, reproducible sequence of episodes. An episode is one or two faults with
 * random holds (recovered each when its hold ends), or a failover: the primary stopped or isolated, and the
 * runbook's promotion, repoint, rebuild and switchover back done through the console, so that every episode
 * starts from the lab's home topology. The runner (chaos/soak.ts) plays episodes in order while its time
 * lasts; the estimates here only decide how many are planned and where the failovers fall.
 */

export interface PlannedFault extends ChaosFault {
  /** after the episode starts (its first fault lands at 0) */
  startAfterMs: number;
  /** how long it stays in place before the soak recovers it */
  holdMs: number;
}

export type FailoverCause = "db-down" | "isolate";

export type Episode =
  | { type: "faults"; quietBeforeMs: number; faults: PlannedFault[]; estimateMs: number }
  | {
      type: "failover";
      quietBeforeMs: number;
      /** how the primary fails: stopped (db-down), or cut off from everything (isolate), which needs a fence first */
      cause: FailoverCause;
      /** isolate only: the engineer fences the old primary (db.fence-primary) before asking for the promotion, which otherwise fences it itself */
      fenceFirst: boolean;
      /** a surface fault elsewhere meanwhile (recovered before the region APIs are repointed), or none */
      alongside: PlannedFault | null;
      estimateMs: number;
    };

export interface Schedule {
  seed: number;
  minutes: number;
  topology: Topology;
  network: boolean;
  episodes: Episode[];
}

export interface ScheduleOptions {
  seed: number;
  minutes: number;
  topology: Topology;
  /** whether network faults (partition, isolate) can be injected: the lab runs as root with its own network */
  network: boolean;
}

export const HOLD_MS = { min: 4_000, max: 12_000 } as const;
/** the second fault of a pair lands this long after the first */
export const STAGGER_MS = { min: 1_000, max: 4_000 } as const;
export const QUIET_MS = { min: 1_000, max: 4_000 } as const;
/** a failover roughly this often, and at least one in any run long enough for it */
export const FAILOVER_EVERY_MS = 4 * 60_000;
/** what an episode costs beyond its holds: recovery, the pages clearing, a mirror's re-sync */
const SETTLE_ESTIMATE_MS = 12_000;
const FAILOVER_ESTIMATE_MS: Record<FailoverCause, number> = { "db-down": 60_000, isolate: 80_000 };
const PAIR_CHANCE = 0.5;

function hold(rng: Random): number {
  return rng.int(HOLD_MS.min / 250, HOLD_MS.max / 250) * 250;
}

function pickFault(
  rng: Random,
  topology: Topology,
  network: boolean,
  kinds: readonly ChaosFaultKind[] = chaosFaultKinds,
): ChaosFault {
  const usable = kinds.filter((k) => network || !networkFaultKinds.includes(k));
  const regions = [topology.primary, ...topology.replicas];
  for (;;) {
    const f = { kind: rng.pick(usable), region: rng.pick(regions) };
    if (possible(f, topology)) return f;
  }
}

function faultsEpisode(rng: Random, topology: Topology, network: boolean): Episode {
  const first = pickFault(rng, topology, network);
  const faults: PlannedFault[] = [{ ...first, startAfterMs: 0, holdMs: hold(rng) }];
  if (rng.chance(PAIR_CHANCE)) {
    const partners = allFaults(topology, { network }).filter((f) => compatible(first, f, topology));
    if (partners.length) {
      const second = rng.pick(partners);
      faults.push({
        ...second,
        startAfterMs: rng.int(STAGGER_MS.min / 250, STAGGER_MS.max / 250) * 250,
        holdMs: hold(rng),
      });
    }
  }
  const lastEnd = Math.max(...faults.map((f) => f.startAfterMs + f.holdMs));
  return { type: "faults", quietBeforeMs: quiet(rng), faults, estimateMs: lastEnd + SETTLE_ESTIMATE_MS };
}

function failoverEpisode(rng: Random, topology: Topology, network: boolean): Episode {
  const cause: FailoverCause = network && rng.chance(0.5) ? "isolate" : "db-down";
  let alongside: PlannedFault | null = null;
  if (rng.chance(0.5)) {
    const f = pickFault(rng, { primary: topology.primary, replicas: topology.replicas }, network, [
      "mirror-down",
      "cdn-outage",
    ]);
    // a surface fault elsewhere: the failing primary's region is the failover's alone
    const region = f.region === topology.primary ? rng.pick(topology.replicas) : f.region;
    alongside = { kind: f.kind, region, startAfterMs: rng.int(0, 12) * 250, holdMs: hold(rng) };
  }
  const fenceFirst = cause === "isolate" && rng.chance(0.5);
  return {
    type: "failover",
    quietBeforeMs: quiet(rng),
    cause,
    fenceFirst,
    alongside,
    estimateMs: FAILOVER_ESTIMATE_MS[cause],
  };
}

const quiet = (rng: Random) => rng.int(QUIET_MS.min / 250, QUIET_MS.max / 250) * 250;

/** The shortest episode the plan makes: one fault for the shortest hold. */
const SHORTEST_MS = QUIET_MS.max + HOLD_MS.min + SETTLE_ESTIMATE_MS;

/**
 * Plans episodes whose estimates fill twice `minutes` (the runner plays them in order until its time is up, and
 * estimates err on the long side): one failover per FAILOVER_EVERY_MS of the plan (at least one when a failover
 * fits in `minutes` at all), each at a random place in the first quarter of its share of the plan, and fault
 * episodes around them.
 */
export function planSchedule(options: ScheduleOptions): Schedule {
  const { seed, minutes, topology, network } = options;
  if (!(minutes > 0)) throw new Error(`minutes must be positive, not ${minutes}`);
  if (topology.replicas.length < 2) throw new Error("the soak needs a primary and at least two replicas");
  const rng = seededRandom(seed);
  const budget = 2 * minutes * 60_000;
  const cost = (e: Episode) => e.quietBeforeMs + e.estimateMs;

  const longestFailover = QUIET_MS.max + Math.max(...Object.values(FAILOVER_ESTIMATE_MS));
  const failoverCount =
    budget / 2 >= longestFailover + SHORTEST_MS ? Math.max(1, Math.floor(budget / FAILOVER_EVERY_MS)) : 0;
  const failovers = Array.from({ length: failoverCount }, () => failoverEpisode(rng, topology, network));
  let left = budget - failovers.reduce((a, e) => a + cost(e), 0);

  const faults: Episode[] = [];
  for (let misses = 0; left >= SHORTEST_MS && misses < 20;) {
    const e = faultsEpisode(rng, topology, network);
    if (cost(e) > left) {
      misses++;
      continue;
    }
    faults.push(e);
    left -= cost(e);
  }
  if (faults.length === 0 && failovers.length === 0) {
    const only = pickFault(rng, topology, network);
    faults.push({
      type: "faults",
      quietBeforeMs: QUIET_MS.min,
      faults: [{ ...only, startAfterMs: 0, holdMs: HOLD_MS.min }],
      estimateMs: HOLD_MS.min + SETTLE_ESTIMATE_MS,
    });
  }

  // Failover k goes somewhere in the first quarter of the k-th share of the fault episodes (so that the first
  // one lands in the first half of the run even when episodes take longer than their estimates).
  const episodes = [...faults];
  const share = faults.length / Math.max(1, failovers.length);
  failovers.forEach((f, k) => {
    const at = Math.floor(k * share) + rng.int(0, Math.floor(share / 4)) + k;
    episodes.splice(Math.min(at, episodes.length), 0, f);
  });
  return { seed, minutes, topology, network, episodes };
}

export function describeEpisode(e: Episode): string {
  const ms = (n: number) => `${(n / 1000).toFixed(n % 1000 ? 2 : 0)} s`;
  if (e.type === "failover") {
    const how =
      e.cause === "isolate"
        ? `isolate the primary, ${e.fenceFirst ? "fence it, promote" : "promote (which fences it)"}`
        : "stop the primary, promote";
    const also = e.alongside ? `; meanwhile ${describeFault(e.alongside)} for ${ms(e.alongside.holdMs)}` : "";
    return `failover: ${how}, repoint, rebuild, switch back${also}`;
  }
  return e.faults
    .map((f) => `${describeFault(f)}${f.startAfterMs ? ` at +${ms(f.startAfterMs)}` : ""} for ${ms(f.holdMs)}`)
    .join(" + ");
}
