import { backendName, failoverOrderOf } from "./balancer-layout";
import type { BalancerConfig } from "./fleet-config";
import { ageSeconds, staleAfterMs } from "./freshness";
import type {
  BalancerState,
  GeographyTraffic,
  RegionTraffic,
  ServerStat,
  TrafficSnapshot,
  UserFigures,
} from "./traffic";

/**
 * Global traffic as pages, the JSON API, /metrics and the live checks see it: the collector's pure summary of the
 * balancer's counters, the users' figures and the global health check (summariseTraffic), its age (trafficViewAt)
 * and its history points. Pure and free of zod: client components import it.
 */

/** What the summary needs of each balancer server. */
export type ServerCounters = Omit<ServerStat, "currentSessions">;

/** One read of the balancer: when it was made (epoch ms) and every server's counters. */
export interface BalancerRead {
  at: number;
  stats: ServerCounters[];
}

/** What the collector gathered in one pass; each part may have failed on its own. */
export interface TrafficInputs {
  /** when the pass ended, ISO */
  at: string;
  balancer: Pick<BalancerConfig, "kind" | "geographies" | "failoverOrder">;
  /** the fleet's regions, in the fleet file's order */
  regionIds: string[];
  /** an earlier read to take rates from (a few seconds before `current`), null on the first pass */
  previous: BalancerRead | null;
  current: BalancerRead | { error: string };
  /** the users' figures, or why they could not be read; null when the fleet names no usersUrl */
  users: UserFigures | { error: string } | null;
  globalHealth: TrafficSnapshot["globalHealth"];
}

/**
 * A region's state from HAProxy's status word. Transitional words keep the state the server is in now: "UP 1/2"
 * (a check failed, still serving) is up, "DOWN 1/2" (a check passed, not serving yet) is down. NOLB (answers,
 * takes no new traffic) reads as draining; a server without checks ("no check") is taken as up.
 */
export function serverState(status: string): BalancerState {
  const word = status.trim().split(/[\s(]/)[0]?.toUpperCase() ?? "";
  switch (word) {
    case "UP":
    case "OPEN":
      return "up";
    case "NO":
      return /^no check/i.test(status.trim()) ? "up" : "unknown";
    case "DOWN":
      return "down";
    case "DRAIN":
    case "NOLB":
      return "draining";
    case "MAINT":
      return "maintenance";
    default:
      return "unknown";
  }
}

const key = (s: Pick<ServerCounters, "backend" | "server">) => `${s.backend}/${s.server}`;

type Delta = { responses: number; errors5xx: number; connectionErrors: number; stat: ServerCounters };

/** Per server, what happened between two reads; a counter that went back (the balancer restarted) gives nothing. */
function deltas(previous: BalancerRead | null, current: BalancerRead): { seconds: number; byServer: Delta[] } | null {
  if (!previous) return null;
  const seconds = (current.at - previous.at) / 1000;
  if (!(seconds > 0)) return null;
  const before = new Map(previous.stats.map((s) => [key(s), s]));
  const byServer: Delta[] = [];
  for (const stat of current.stats) {
    const b = before.get(key(stat));
    if (!b) continue;
    const responses = stat.responses - b.responses;
    const errors5xx = stat.responses5xx - b.responses5xx;
    const connectionErrors = stat.connectionErrors - b.connectionErrors;
    if (responses < 0 || errors5xx < 0 || connectionErrors < 0) continue;
    byServer.push({ responses, errors5xx, connectionErrors, stat });
  }
  return { seconds, byServer };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The region that answered most of `counts` (ties: the earlier of `order`), null when nobody answered. */
function most(counts: Record<string, number>, order: string[]): string | null {
  let best: string | null = null;
  const rank = (r: string) => (order.includes(r) ? order.indexOf(r) : order.length);
  for (const [region, n] of Object.entries(counts)) {
    if (n <= 0) continue;
    const b = best === null ? 0 : counts[best]!;
    if (best === null || n > b || (n === b && rank(region) < rank(best))) best = region;
  }
  return best;
}

function regionTraffic(
  id: string,
  homeBackend: string | undefined,
  stats: ServerCounters[] | null,
  d: ReturnType<typeof deltas>,
): RegionTraffic {
  const mine = stats?.filter((s) => s.region === id) ?? [];
  if (!stats || !mine.length)
    return {
      id,
      state: "unknown",
      check: null,
      weight: null,
      requestsPerSecond: null,
      errorRate: null,
      avgResponseMs: null,
    };
  // The server that carries the region's weight: its active server in the backend of the geography it is home to.
  const main =
    (homeBackend && mine.find((s) => s.backend === homeBackend && !s.backup)) ||
    mine.find((s) => !s.backup) ||
    mine[0]!;
  // Drain and maintenance are set on every server named for the region; health is the main server's checks.
  const states = mine.map((s) => serverState(s.status));
  const state: BalancerState = states.includes("maintenance")
    ? "maintenance"
    : states.includes("draining")
      ? "draining"
      : serverState(main.status);
  const own = d?.byServer.filter((x) => x.stat.region === id) ?? [];
  const answered = own.reduce((a, x) => a + x.responses, 0);
  const failed = own.reduce((a, x) => a + x.errors5xx + x.connectionErrors, 0);
  const attempts = answered + own.reduce((a, x) => a + x.connectionErrors, 0);
  const timed = own.filter((x) => x.responses > 0 && x.stat.avgResponseMs !== null);
  const timedCount = timed.reduce((a, x) => a + x.responses, 0);
  return {
    id,
    state,
    check: main.check,
    weight: homeBackend ? main.weight : null,
    requestsPerSecond: d && own.length ? round(answered / d.seconds, 2) : null,
    errorRate: d && attempts > 0 ? round(failed / attempts, 4) : null,
    avgResponseMs: timedCount
      ? Math.round(timed.reduce((a, x) => a + x.stat.avgResponseMs! * x.responses, 0) / timedCount)
      : null,
  };
}

/**
 * The traffic snapshot of one collector pass. Rates come from the counters' growth between `previous` and
 * `current`; a region's error rate counts its 5xx answers and failed connections among all its attempts. Each
 * geography's figures are its users' (requests, errors, latency, who answered them over the users' window); which
 * region serves it now is the region whose servers answered most of its backend's requests between the two reads,
 * or, without those, the users' newest answer.
 */
export function summariseTraffic(input: TrafficInputs): TrafficSnapshot {
  const { balancer } = input;
  const current = "stats" in input.current ? input.current : null;
  const d = current ? deltas(input.previous, current) : null;
  const homeBackendOf = new Map(balancer.geographies.map((g) => [g.home, backendName(g.id)]));
  const users = input.users && "geographies" in input.users ? input.users : null;

  const regions = input.regionIds.map((id) => regionTraffic(id, homeBackendOf.get(id), current?.stats ?? null, d));

  const geographies: GeographyTraffic[] = balancer.geographies.map((g) => {
    const order = failoverOrderOf(balancer, g.home);
    const u = users?.geographies.find((x) => x.id === g.id);
    const answered = u ? Object.values(u.servedBy).reduce((a, n) => a + n, 0) : 0;
    const shares: Record<string, number> = {};
    if (u && answered > 0)
      for (const [r, n] of Object.entries(u.servedBy)) if (n > 0) shares[r] = round(n / answered, 4);
    // The balancer's own count of successful answers per region in this geography's backend, between the two reads.
    const recent: Record<string, number> = {};
    for (const x of d?.byServer ?? [])
      if (x.stat.backend === backendName(g.id))
        recent[x.stat.region] = (recent[x.stat.region] ?? 0) + x.responses - x.errors5xx;
    return {
      id: g.id,
      displayName: g.displayName,
      home: g.home,
      order,
      requestsPerSecond: u && users ? round(u.requests / users.windowSeconds, 2) : null,
      errorRate: u && u.requests > 0 ? round(u.errors / u.requests, 4) : null,
      p50Ms: u?.p50Ms ?? null,
      p95Ms: u?.p95Ms ?? null,
      shares,
      servedBy: most(recent, order) ?? u?.lastServedBy ?? most(shares, order),
    };
  });

  return {
    at: input.at,
    balancer: {
      kind: balancer.kind,
      reachable: !!current,
      error: current ? null : (input.current as { error: string }).error,
    },
    globalHealth: input.globalHealth,
    regions,
    geographies,
    usersWindowSeconds: users?.windowSeconds ?? null,
    usersError: input.users && "error" in input.users ? input.users.error : null,
  };
}

/** How often figures alone (no change of who serves whom, of a region's state, of the global check) reach pages. */
export const TRAFFIC_FIGURES_EVERY_MS = 5_000;

/**
 * A traffic snapshot older than this is stale: three poll intervals, as a region's samples, plus the figures tick,
 * since pages learn of figures alone only that often.
 */
export const trafficStaleAfterMs = (pollIntervalMs: number) => staleAfterMs(pollIntervalMs) + TRAFFIC_FIGURES_EVERY_MS;

/** What changes at a glance: who serves each geography, each region's state and weight, the global check. */
export function trafficAtAGlance(s: TrafficSnapshot): string {
  return JSON.stringify([
    s.balancer.reachable,
    s.globalHealth.ok,
    s.globalHealth.servedBy,
    s.regions.map((r) => [r.id, r.state, r.weight]),
    s.geographies.map((g) => [g.id, g.servedBy]),
    s.usersError ?? null,
  ]);
}

/** Global traffic as the JSON API answers it, and pages age it by the server's clock. */
export interface TrafficView {
  /** false when the fleet file has no balancer section: nothing to show */
  configured: boolean;
  /** the server's clock when this was answered (or aged to) */
  generatedAt: string;
  /** a snapshot older than this is stale (trafficStaleAfterMs) */
  staleAfterSeconds: number;
  /** the latest snapshot the collector stored, however old; null before the first */
  snapshot: TrafficSnapshot | null;
  ageSeconds: number | null;
  /** true when the snapshot is too old to be taken as current */
  stale: boolean;
}

/** The view as of `nowMs`: the snapshot's age, and whether it is stale. Pure and idempotent, like snapshotAt. */
export function trafficViewAt(v: TrafficView, nowMs: number): TrafficView {
  const age = v.snapshot ? ageSeconds(v.snapshot.at, nowMs) : null;
  return {
    ...v,
    generatedAt: new Date(nowMs).toISOString(),
    ageSeconds: age,
    stale: age !== null && age > v.staleAfterSeconds,
  };
}

/** A region's figures at one moment, for charts. */
export interface RegionTrafficPoint {
  at: string;
  requestsPerSecond: number | null;
  errorRate: number | null;
  avgResponseMs: number | null;
}

/** A geography's figures at one moment, as its users saw them, for charts. */
export interface GeographyTrafficPoint {
  at: string;
  requestsPerSecond: number | null;
  errorRate: number | null;
  p95Ms: number | null;
  /** the share of its answers its home region gave, 0–1 */
  homeShare: number | null;
}

export function trafficPoints(s: TrafficSnapshot): {
  regions: Record<string, RegionTrafficPoint>;
  geographies: Record<string, GeographyTrafficPoint>;
} {
  return {
    regions: Object.fromEntries(
      s.regions.map((r) => [
        r.id,
        { at: s.at, requestsPerSecond: r.requestsPerSecond, errorRate: r.errorRate, avgResponseMs: r.avgResponseMs },
      ]),
    ),
    geographies: Object.fromEntries(
      s.geographies.map((g) => [
        g.id,
        {
          at: s.at,
          requestsPerSecond: g.requestsPerSecond,
          errorRate: g.errorRate,
          p95Ms: g.p95Ms,
          homeShare: Object.keys(g.shares).length ? (g.shares[g.home] ?? 0) : null,
        },
      ]),
    ),
  };
}

/** Chart history of global traffic: one series per region and per geography. */
export interface TrafficHistory {
  range: "15m" | "1h" | "24h";
  bucketSeconds: number;
  regions: Record<string, RegionTrafficPoint[]>;
  geographies: Record<string, GeographyTrafficPoint[]>;
}

/** Adds the snapshot's points to a history of the last 15 minutes (pages between two reads of it). */
export function withLatestPoints(h: TrafficHistory, s: TrafficSnapshot, minSpacingMs = 4_500): TrafficHistory {
  if (h.range !== "15m") return h;
  const at = Date.parse(s.at);
  const cutoff = at - 15 * 60_000;
  const points = trafficPoints(s);
  const extend = <P extends { at: string }>(series: Record<string, P[]>, latest: Record<string, P>) => {
    const out: Record<string, P[]> = { ...series };
    for (const [id, p] of Object.entries(latest)) {
      const list = out[id] ?? [];
      const last = list[list.length - 1];
      if (last && Date.parse(last.at) > at - minSpacingMs) continue;
      out[id] = [...list.filter((x) => Date.parse(x.at) >= cutoff), p];
    }
    return out;
  };
  return { ...h, regions: extend(h.regions, points.regions), geographies: extend(h.geographies, points.geographies) };
}
