import { backendName, HOME_WEIGHT } from "../balancer-layout";
import type { BalancerConfig } from "../fleet-config";
import type { ServerStat, UserRequest } from "../traffic";
import { formatPercent } from "../units";

/**
 * The pure side of the traffic actions (traffic.drain-region, traffic.restore-region, traffic.set-weights): who
 * serves each geography given the balancer's servers, what a change would do to that, the steps of a gradual
 * restore, what "headroom" means, and the verdicts read from the users' requests. No I/O and no zod: the request
 * form uses the step choices, the actions and their tests use the rest.
 */

/** One balancer server as these rules need it. */
export type ServerView = Pick<ServerStat, "backend" | "server" | "region" | "backup" | "status" | "weight">;

/**
 * Headroom, absent capacity figures: a region has room for more users when the users it served over the last
 * `windowSeconds` saw under `maxErrorRate` of their requests fail and a p95 latency under `maxP95Ms`. A region that
 * is slow or failing for its own users is not given anybody else's.
 */
export const HEADROOM = { maxErrorRate: 0.01, maxP95Ms: 1_000, windowSeconds: 30 } as const;

/** The hold between the steps of a gradual restore when none is given (seconds). */
export const DEFAULT_RESTORE_HOLD_SECONDS = 300;

/** The restore's step choices the request form offers: each a list of the home region's weight, ending at 100. */
export const restoreStepChoices: { value: string; label: string; steps: number[] }[] = [
  { value: "100", label: "At once", steps: [100] },
  { value: "25,50,100", label: "In steps: 25 % → 50 % → 100 %", steps: [25, 50, 100] },
  { value: "10,50,100", label: "In steps: 10 % → 50 % → 100 %", steps: [10, 50, 100] },
];

/** Health checks pass, whatever the admin state (a drained server that is healthy still shows DRAIN). */
export function checksPass(status: string): boolean {
  return /^(UP|DRAIN|NOLB)( \d+\/\d+)?$/.test(status) || status === "DRAIN (agent)" || status === "no check";
}

/** The server's admin state as its status shows it. */
export function adminStateOf(status: string): "drain" | "maint" | "ready" {
  if (status.startsWith("MAINT")) return "maint";
  if (status.startsWith("DRAIN")) return "drain";
  return "ready";
}

/** Takes new requests: up (or unchecked), not drained, in maintenance or stopping, and with a weight. */
export function takesNewRequests(s: Pick<ServerView, "status" | "weight">): boolean {
  return (/^UP( \d+\/\d+)?$/.test(s.status) || s.status === "no check") && s.weight > 0;
}

/** A region's state in the balancer, over every server named for it: drained when any is, in maintenance when any is. */
export function regionState(servers: ServerView[], region: string): "drain" | "maint" | "ready" | "absent" {
  const mine = servers.filter((s) => s.region === region);
  if (!mine.length) return "absent";
  const states = mine.map((s) => adminStateOf(s.status));
  return states.includes("maint") ? "maint" : states.includes("drain") ? "drain" : "ready";
}

export type Shares = Record<string, number>;

/**
 * Who takes a geography's new requests, by region (shares 0–1 summing to 1): its active servers that take new
 * requests, in proportion to their weights; when none does, the first backup that does, in failover order (HAProxy
 * uses only the first usable backup); when no server can, nobody (an empty record: users get 503).
 */
export function sharesOf(servers: ServerView[], backend: string, order: string[]): Shares {
  const mine = servers.filter((s) => s.backend === backend);
  const active = mine.filter((s) => !s.backup && takesNewRequests(s));
  const total = active.reduce((n, s) => n + s.weight, 0);
  if (total > 0) {
    const shares: Shares = {};
    for (const s of active) shares[s.region] = (shares[s.region] ?? 0) + s.weight / total;
    return shares;
  }
  const rank = (r: string) => (order.indexOf(r) < 0 ? order.length : order.indexOf(r));
  const backup = mine.filter((s) => s.backup && takesNewRequests(s)).sort((a, b) => rank(a.region) - rank(b.region))[0];
  return backup ? { [backup.region]: 1 } : {};
}

type Layout = Pick<BalancerConfig, "geographies" | "failoverOrder">;

/** A geography's failover order: its home, then the fleet's failover order (as lib/balancer-layout lays it out). */
const orderOf = (balancer: Layout, home: string) => [home, ...balancer.failoverOrder.filter((r) => r !== home)];

/** Who takes each geography's new requests now. */
export function servingByGeography(balancer: Layout, servers: ServerView[]): Record<string, Shares> {
  return Object.fromEntries(
    balancer.geographies.map((g) => [g.id, sharesOf(servers, backendName(g.id), orderOf(balancer, g.home))]),
  );
}

/** The region with the largest share, or null when nobody serves. */
export function mainServer(shares: Shares): string | null {
  const top = Object.entries(shares).sort((a, b) => b[1] - a[1])[0];
  return top && top[1] > 0 ? top[0] : null;
}

export type BalancerChange =
  | { kind: "state"; region: string; state: "drain" | "ready" }
  | { kind: "weight"; geography: string; region: string; weight: number };

/**
 * The servers as they would be after the changes, as far as can be told without making them: a drained server
 * that passes its checks (or has none) shows DRAIN, a down one stays DOWN; a ready one shows what its checks say
 * (MAINT had no checks running: DOWN until they pass again); a weight applies to the region's active server in that geography's backend.
 */
export function applyChanges(servers: ServerView[], changes: BalancerChange[]): ServerView[] {
  return changes.reduce(
    (list, c) =>
      list.map((s) => {
        if (c.kind === "weight")
          return s.backend === backendName(c.geography) && s.region === c.region && !s.backup
            ? { ...s, weight: c.weight }
            : s;
        if (s.region !== c.region) return s;
        const counted = s.status.match(/ \d+\/\d+$/)?.[0] ?? "";
        const state = adminStateOf(s.status);
        if (c.state === "drain") {
          if (state === "maint") return s;
          return checksPass(s.status) ? { ...s, status: `DRAIN${counted}` } : s;
        }
        if (state === "maint") return { ...s, status: "DOWN" };
        return state === "drain" ? { ...s, status: `UP${counted}` } : s;
      }),
    servers,
  );
}

/** "eu-west-1", or "eu-west-1 60 %, us-east-1 40 %" (largest first, then by name); nobody: "no region". */
export function describeShares(shares: Shares): string {
  const entries = Object.entries(shares)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (!entries.length) return "no region";
  if (entries.length === 1) return entries[0]![0];
  return entries.map(([r, v]) => `${r} ${formatPercent(v * 100, 0)}`).join(", ");
}

export interface Move {
  geography: string;
  before: Shares;
  after: Shares;
}

/** The geographies whose serving regions a change moves, with who serves them before and after. */
export function movesOf(before: Record<string, Shares>, after: Record<string, Shares>): Move[] {
  const same = (a: Shares, b: Shares) =>
    Object.keys({ ...a, ...b }).every((r) => Math.abs((a[r] ?? 0) - (b[r] ?? 0)) < 1e-9);
  return Object.keys(after)
    .filter((g) => !same(before[g] ?? {}, after[g]!))
    .map((g) => ({ geography: g, before: before[g] ?? {}, after: after[g]! }));
}

/** The regions that take some of a geography's users after a change that they did not take before. */
export function takersOf(moves: Move[]): string[] {
  const takers = new Set<string>();
  for (const m of moves)
    for (const [r, v] of Object.entries(m.after)) if (v > (m.before[r] ?? 0) + 1e-9 && v > 0) takers.add(r);
  return [...takers];
}

/** Geographies that someone serves now and nobody would after the change: a change that must be refused. */
export function leftUnserved(before: Record<string, Shares>, after: Record<string, Shares>): string[] {
  return Object.keys(after).filter(
    (g) => Object.keys(after[g]!).length === 0 && Object.keys(before[g] ?? {}).length > 0,
  );
}

/** Steps of a restore: the restored region's weight at each, and the weight left to the region that served meanwhile. */
export function restoreSteps(steps: number[]): { percent: number; regionWeight: number; otherWeight: number }[] {
  return steps.map((percent) => {
    const regionWeight = Math.round((HOME_WEIGHT * percent) / 100);
    return { percent, regionWeight, otherWeight: HOME_WEIGHT - regionWeight };
  });
}

/** "at once" or "25 % → 50 % → 100 %". */
export const describeSteps = (steps: number[]) =>
  steps.length === 1 && steps[0] === 100 ? "at once" : steps.map((p) => `${p} %`).join(" → ");

// ---- what the users saw ------------------------------------------------------------------------------------

/** No answer, or a 5xx: what the users count as a failed request. */
export const failed = (r: Pick<UserRequest, "status">) => r.status === 0 || r.status >= 500;

/** The p-th percentile (0–100) of the values, nearest rank; null when there are none. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Headroom {
  ok: boolean;
  served: number;
  failed: number;
  p95Ms: number | null;
  observed: string;
}

/**
 * A region's headroom (see HEADROOM) from the users' requests of the last window that it answered: the share that
 * failed (a 5xx it answered with) and their p95 latency. A region that served nobody in the window has all its room.
 */
export function headroomOf(region: string, requests: UserRequest[], windowSeconds = HEADROOM.windowSeconds): Headroom {
  const mine = requests.filter((r) => r.servedBy === region);
  const bad = mine.filter(failed).length;
  const p95 = percentile(
    mine.filter((r) => !failed(r)).map((r) => r.ms),
    95,
  );
  const bounds = `under ${formatPercent(HEADROOM.maxErrorRate * 100, 0)}, p95 under ${HEADROOM.maxP95Ms} ms`;
  if (!mine.length)
    return {
      ok: true,
      served: 0,
      failed: 0,
      p95Ms: null,
      observed: `served no users in the last ${windowSeconds} s: nothing it carries now is at risk`,
    };
  const rate = bad / mine.length;
  const ok = rate < HEADROOM.maxErrorRate && (p95 === null || p95 < HEADROOM.maxP95Ms);
  return {
    ok,
    served: mine.length,
    failed: bad,
    p95Ms: p95,
    observed: `of ${mine.length} requests it served users in the last ${windowSeconds} s, ${formatPercent(rate * 100)} failed and p95 was ${p95 === null ? "—" : `${Math.round(p95)} ms`} (${bounds})`,
  };
}

/** Successful answers by serving region, as shares 0–1, with the count they are of. */
export function measuredShares(requests: UserRequest[]): { shares: Shares; answered: number } {
  const ok = requests.filter((r) => !failed(r) && r.servedBy);
  const shares: Shares = {};
  for (const r of ok) shares[r.servedBy!] = (shares[r.servedBy!] ?? 0) + 1;
  for (const k of Object.keys(shares)) shares[k] = shares[k]! / ok.length;
  return { shares, answered: ok.length };
}

/** "0 of 212 failed" / "3 of 212 failed (1.4 %)". */
export function describeFailures(requests: UserRequest[]): string {
  const bad = requests.filter(failed);
  if (!bad.length) return `0 of ${requests.length} failed`;
  const why = [...new Set(bad.map((r) => (r.status ? `HTTP ${r.status}` : (r.error ?? "no answer"))))].slice(0, 3);
  return `${bad.length} of ${requests.length} failed (${formatPercent((100 * bad.length) / requests.length)}: ${why.join(", ")})`;
}

/** A step's failed requests are judged once this many came (or at the end of its hold, however few). */
export const STEP_MIN_REQUESTS = 20;

/**
 * The gate of a restore's step over the step's users' requests: too many failed (the headroom's bound or more) sends
 * the restore back. Judged while it holds once STEP_MIN_REQUESTS came; at the end of the hold (`final`), on
 * whatever came. Null: nothing to judge yet.
 */
export function stepVerdict(requests: UserRequest[], final: boolean): { ok: boolean; observed: string } | null {
  if (!requests.length || (!final && requests.length < STEP_MIN_REQUESTS)) return null;
  const bad = requests.filter(failed).length;
  const rate = bad / requests.length;
  return {
    ok: rate < HEADROOM.maxErrorRate,
    observed: `${bad} of ${requests.length} requests failed (${formatPercent(rate * 100)}; the bound is under ${formatPercent(HEADROOM.maxErrorRate * 100, 0)})`,
  };
}

/**
 * Whether the measured shares of a geography's new requests follow the expected ones: a region expected to get
 * nothing got nothing, one expected to get everything got everything, and the others are within `tolerance`
 * (weighted round robin over a short sample is close, not exact).
 */
export function sharesFollow(expected: Shares, measured: Shares, tolerance = 0.2): boolean {
  const regions = new Set([...Object.keys(expected), ...Object.keys(measured)]);
  for (const r of regions) {
    const e = expected[r] ?? 0;
    const m = measured[r] ?? 0;
    if (e === 0 && m > 0) return false;
    if (e === 1 && m < 1) return false;
    if (Math.abs(e - m) > tolerance) return false;
  }
  return true;
}
