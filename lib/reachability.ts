import type { RegionSample } from "./fleet-sample";

/**
 * Who can reach which region's database: the console's own probe and what each region API reports of every
 * region's database, turned into one verdict per region. A database unreachable from the console alone is a
 * partition, not an outage; DESIGN.md "When may a primary be replaced?" builds the promotion pre-flight on it.
 * Pure: the collector supplies the samples and the clock.
 */

/** The vantage name of the console's own probes. */
export const CONSOLE = "console";

/** What one vantage ("console" or the region id whose API reported it) saw of one region's database. */
export interface Sighting {
  vantage: string;
  reachable: boolean;
  acceptsWrites: boolean;
  latencyMs: number | null;
  /** words a person reads (lib/error-words) */
  error: string | null;
  /** the SQLSTATE or system code behind `error`, when the vantage gave one */
  errorCode?: string;
  checkedAt: string;
  ageSeconds: number;
}

export type ReachVerdict =
  "reachable" | "partitioned-from-console" | "partitioned-from-regions" | "unreachable" | "unknown";

export interface RegionReachability {
  region: string;
  verdict: ReachVerdict;
  sightings: Sighting[];
  /** words for people; null when it is simply reachable */
  reason: string | null;
}

/** The parts of a sample the verdict reads: a collector can judge a pass before it derives each region's health. */
export type ReachSample = Pick<RegionSample, "regionId" | "at" | "api" | "db">;

/**
 * Codes that only a host that answers gives: nothing listens there (ECONNREFUSED), or the server is stopping or
 * starting: 57P01 admin_shutdown (a held connection ended by a fast stop), 57P02 crash_shutdown and 57P03
 * cannot_connect_now (shutting down or starting up).
 */
const REFUSED_CODES = new Set(["ECONNREFUSED", "57P01", "57P02", "57P03"]);

/** A failure (a sample's, a sighting's or a server's state) that says its host answers and the server is down. */
export function refused(failure: { errorCode?: string | null } | null | undefined): boolean {
  return !!failure?.errorCode && REFUSED_CODES.has(failure.errorCode);
}

/** "a", "a and b", "a, b and c". */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** How a vantage is named in a sentence. */
export const vantageName = (vantage: string) => (vantage === CONSOLE ? "the console" : vantage);
const names = (vantages: string[]) => joinNames(vantages.map(vantageName));
const list = (vantages: string[]) => vantages.map(vantageName).join(", ");

/** Age in seconds of a sighting taken at `checkedAt`; null when the time cannot be read. */
function ageOf(checkedAt: string, nowMs: number): number | null {
  const at = Date.parse(checkedAt);
  return Number.isFinite(at) ? Math.max(0, nowMs - at) / 1000 : null;
}

/** Every vantage's recent sighting of `regionId`'s database: the console first, then region APIs in the order of `samples`. */
export function sightingsOf(regionId: string, samples: ReachSample[], nowMs: number, maxAgeMs: number): Sighting[] {
  const out: Sighting[] = [];
  const fresh = (checkedAt: string) => {
    const age = ageOf(checkedAt, nowMs);
    return age !== null && age * 1000 <= maxAgeMs ? age : null;
  };

  const own = samples.find((s) => s.regionId === regionId);
  if (own?.db) {
    const age = fresh(own.at);
    if (age !== null) {
      const db = own.db;
      out.push({
        vantage: CONSOLE,
        reachable: db.up,
        acceptsWrites: db.up && !db.inRecovery,
        latencyMs: db.up ? db.latencyMs : null,
        error: db.up ? null : db.error,
        errorCode: db.up ? undefined : db.errorCode,
        checkedAt: own.at,
        ageSeconds: age,
      });
    }
  }

  for (const s of samples) {
    if (!s.api.up) continue;
    const seen = s.api.health.reaches?.find((x) => x.region === regionId);
    if (!seen) continue;
    const age = fresh(seen.checkedAt);
    if (age === null) continue;
    out.push({
      vantage: s.regionId,
      reachable: seen.reachable,
      acceptsWrites: seen.reachable && seen.inRecovery === false,
      latencyMs: seen.latencyMs,
      error: seen.error,
      errorCode: seen.errorCode ?? undefined,
      checkedAt: seen.checkedAt,
      ageSeconds: age,
    });
  }
  return out;
}

/** The reachability verdict of one region's database, from the latest sample of each region. */
export function reachabilityOf(
  regionId: string,
  samples: ReachSample[],
  nowMs: number,
  maxAgeMs: number,
): RegionReachability {
  const sightings = sightingsOf(regionId, samples, nowMs, maxAgeMs);
  const done = (verdict: ReachVerdict, reason: string | null): RegionReachability => ({
    region: regionId,
    verdict,
    sightings,
    reason,
  });

  const consoleSaw = sightings.find((s) => s.vantage === CONSOLE);
  const regions = sightings.filter((s) => s.vantage !== CONSOLE);
  const reach = regions.filter((s) => s.reachable).map((s) => s.vantage);
  const cannot = regions.filter((s) => !s.reachable).map((s) => s.vantage);
  const reachWord = reach.length === 1 ? "reaches" : "reach";
  const cutWord = cannot.length === 1 ? "its" : "their";

  if (!consoleSaw && regions.length === 0) {
    return done(
      "unknown",
      `nothing recent says whether ${regionId}'s database is reachable: the console does not probe it and no region API reports on it`,
    );
  }
  if (!consoleSaw || consoleSaw.reachable) {
    if (cannot.length === 0) return done("reachable", null);
    if (consoleSaw)
      return done(
        "partitioned-from-regions",
        `${regionId} is reachable from the console but not from ${names(cannot)} — ${cutWord} replication and writes to it are cut`,
      );
    // No console probe (a simulated database tier): the region APIs alone speak.
    if (reach.length > 0)
      return done(
        "partitioned-from-regions",
        `${regionId} is reachable from ${names(reach)} but not from ${names(cannot)} — ${cutWord} replication and writes to it are cut`,
      );
    return done(
      "unreachable",
      `${regionId} is unreachable from every vantage that answers (${list(cannot)}): down or isolated`,
    );
  }
  // The console cannot reach it. Refused (rather than unanswered) means its host answered and the server is
  // down: a region's report that it still reaches it is older than that.
  if (refused(consoleSaw))
    return done("unreachable", `${regionId}'s database refuses connections: its host answers, the server is down`);
  if (reach.length > 0) {
    const from = cannot.length === 0 ? "the console only" : names([CONSOLE, ...cannot]);
    return done(
      "partitioned-from-console",
      `${regionId} is unreachable from ${from}; ${names(reach)} ${reachWord} it — a network partition, not an outage`,
    );
  }
  if (cannot.length === 0)
    return done(
      "unreachable",
      `${regionId} is unreachable from the console and no region API answered to say otherwise: down, or the console is cut off`,
    );
  return done(
    "unreachable",
    `${regionId} is unreachable from every vantage that answers (${list([CONSOLE, ...cannot])}): down or isolated`,
  );
}

/** One verdict per region, in the order of `regionIds`. */
export function fleetReachability(
  regionIds: string[],
  samples: ReachSample[],
  nowMs: number,
  maxAgeMs: number,
): RegionReachability[] {
  return regionIds.map((id) => reachabilityOf(id, samples, nowMs, maxAgeMs));
}

/** Every vantage reaches every database: how many links that is, the slowest of them, the one that takes writes. */
export interface AllReach {
  links: number;
  slowestMs: number | null;
  writer: string;
}

/**
 * What the matrix would say when there is nothing in it to look at: every region is fresh, every vantage reaches
 * every region's database, and all of them see the same one database accept writes. Null otherwise (a stale region,
 * a failed or missing sighting, a verdict other than "reachable", no primary or two).
 */
export function allReach(
  regions: { id: string; status: string | null; sample?: { reachability?: RegionReachability | null } | null }[],
): AllReach | null {
  const vantages = [CONSOLE, ...regions.map((r) => r.id)];
  const writers: string[] = [];
  const latencies: number[] = [];
  for (const r of regions) {
    const reach = r.sample?.reachability;
    if (r.status === "stale" || reach?.verdict !== "reachable") return null;
    const seen = vantages.map((v) => reach.sightings.find((s) => s.vantage === v));
    if (!seen.every((s) => s?.reachable)) return null;
    const writing = seen.filter((s) => s!.acceptsWrites).length;
    if (writing === seen.length) writers.push(r.id);
    else if (writing > 0) return null; // the vantages disagree on whether it takes writes
    for (const s of seen) if (s!.latencyMs !== null) latencies.push(s!.latencyMs);
  }
  if (writers.length !== 1) return null;
  return {
    links: vantages.length * regions.length,
    slowestMs: latencies.length ? Math.max(...latencies) : null,
    writer: writers[0]!,
  };
}

export interface DownVerdict {
  down: boolean;
  /** vantages with a recent sighting ("console" or region ids) */
  answering: string[];
  cannotReach: string[];
  canReach: string[];
  /** vantages that see it out of recovery: it takes writes */
  acceptingWrites: string[];
  reason: string;
}

/**
 * "Is the old primary down?" for the promotion pre-flight: a majority of the vantages that answer cannot reach
 * it, and none sees it accept writes. Down here is not fenced: the pre-flight still fences it first.
 */
export function primaryDownVerdict(r: RegionReachability): DownVerdict {
  const answering = r.sightings.map((s) => s.vantage);
  const cannotReach = r.sightings.filter((s) => !s.reachable).map((s) => s.vantage);
  const canReach = r.sightings.filter((s) => s.reachable).map((s) => s.vantage);
  const acceptingWrites = r.sightings.filter((s) => s.acceptsWrites).map((s) => s.vantage);
  const down = cannotReach.length * 2 > answering.length && acceptingWrites.length === 0;
  const of = `${cannotReach.length} of ${answering.length} ${answering.length === 1 ? "vantage that answers" : "vantages that answer"}`;

  let reason: string;
  if (acceptingWrites.length > 0) {
    reason = `${names(acceptingWrites)} still ${acceptingWrites.length === 1 ? "sees" : "see"} ${r.region} accept writes: promoting now would make two primaries`;
  } else if (answering.length === 0) {
    reason = `no vantage answers for ${r.region}: nothing says it is down`;
  } else if (down) {
    reason = `${of} cannot reach ${r.region} (${list(cannotReach)})`;
  } else if (cannotReach.length === 0) {
    reason = `every vantage that answers reaches ${r.region} (${list(canReach)})`;
  } else {
    reason = `only ${of} cannot reach ${r.region} (${list(cannotReach)}): a majority must`;
  }
  return { down, answering, cannotReach, canReach, acceptingWrites, reason };
}
