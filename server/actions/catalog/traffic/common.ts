import "server-only";
import {
  adminStateOf,
  checksPass,
  describeFailures,
  failed,
  headroomOf,
  HEADROOM,
  regionState,
  type ServerView,
} from "@/lib/actions/traffic-plan";
import type { Check } from "@/lib/actions/run";
import { backendName, balancerLayout } from "@/lib/balancer-layout";
import type { BalancerConfig } from "@/lib/fleet-config";
import type { UserRequest } from "@/lib/traffic";
import type { Balancer, RegionAdminState, ServerStat } from "@/server/traffic/balancer";
import { createHaproxyBalancer } from "@/server/traffic/haproxy";
import { describeAddress } from "@/server/traffic/haproxy-runtime";
import { readUserRequests } from "@/server/traffic/users-probe";
import { unknownRegion } from "../../fleet-context";
import { check, type FleetContext, type RunContext } from "../../module";
import { sleep } from "../../wait";
import { apiHealth } from "../region-api";

/**
 * What the three traffic actions share: the fleet's balancer through its adapter (server/traffic/), the users'
 * requests from the traffic generator (server/traffic/users-probe), and the checks a person reads before and
 * after a change of who serves whom. The rules themselves are pure, in lib/actions/traffic-plan.
 */

/** One runtime API call, and one read of the users' requests. */
export const BALANCER_TIMEOUT_MS = 3_000;
const USERS_TIMEOUT_MS = 3_000;
/** How long a verification waits for enough users' requests after the change (the generator sends a few a second). */
export const VERIFY_TIMEOUT_MS = 45_000;
/** Answered requests a geography needs after a change before its verification judges it. */
export const VERIFY_MIN_ANSWERED = 10;

export const NO_BALANCER = "the fleet file has no balancer section: Switchyard has no global balancer to steer";

/** The fleet's balancer and its configuration; throws, in words, when the fleet file has none. */
export function balancerOf(ctx: FleetContext): { config: BalancerConfig; balancer: Balancer } {
  const config = ctx.fleet.balancer;
  if (!config) throw new Error(NO_BALANCER);
  return { config, balancer: createHaproxyBalancer(config) };
}

/** The region exists in the fleet and the fleet has a balancer: a message, or null. */
export function validateRegion(ctx: FleetContext, region: string): string | null {
  return unknownRegion(ctx, region) ?? (ctx.fleet.balancer ? null : NO_BALANCER);
}

const whereIs = (config: BalancerConfig) => `HAProxy's runtime API at ${describeAddress(config.runtimeApi)}`;

export interface Observed {
  config: BalancerConfig | null;
  servers: ServerStat[] | null;
  /** why servers is null */
  balancerError: string | null;
  balancerMs: number;
  /** the users' requests of the last HEADROOM window; null when they cannot be read */
  requests: UserRequest[] | null;
  usersError: string | null;
}

/** The balancer's servers and the users' requests of the last headroom window, read side by side. */
export async function observe(ctx: FleetContext): Promise<Observed> {
  const config = ctx.fleet.balancer ?? null;
  if (!config)
    return {
      config,
      servers: null,
      balancerError: NO_BALANCER,
      balancerMs: 0,
      requests: null,
      usersError: "no balancer",
    };
  const started = performance.now();
  const [servers, users] = await Promise.all([
    createHaproxyBalancer(config)
      .read(BALANCER_TIMEOUT_MS)
      .then(
        (s) => ({ s, error: null }),
        (err: Error) => ({ s: null, error: err.message }),
      ),
    config.usersUrl
      ? readUserRequests(config.usersUrl, Date.now() - HEADROOM.windowSeconds * 1000, USERS_TIMEOUT_MS).then(
          (r) => ({ r, error: null }),
          (err: Error) => ({ r: null, error: err.message }),
        )
      : Promise.resolve({
          r: null,
          error:
            "the balancer section names no usersUrl: there are no users' figures to judge headroom by or to verify with",
        }),
  ]);
  return {
    config,
    servers: servers.s,
    balancerError: servers.error,
    balancerMs: Math.round(performance.now() - started),
    requests: users.r,
    usersError: users.error,
  };
}

export function balancerCheck(o: Observed): Check {
  if (!o.config) return check("balancer", "The fleet has a global balancer and it answers", false, NO_BALANCER);
  const backends = new Set(o.servers?.map((s) => s.backend) ?? []).size;
  return check(
    "balancer",
    "The fleet has a global balancer and it answers",
    !!o.servers && o.servers.length > 0,
    o.servers
      ? o.servers.length
        ? `${whereIs(o.config)} answered in ${o.balancerMs} ms: ${o.servers.length} servers in ${backends} geography backends`
        : `${whereIs(o.config)} answered, but lists no geography backend (geo_*)`
      : (o.balancerError ?? "no answer"),
  );
}

export function usersCheck(o: Observed): Check {
  return check(
    "users",
    "The users' figures answer (headroom is judged, and the change verified, by what users see)",
    !!o.requests,
    o.requests
      ? `${o.config?.usersUrl ?? "the traffic generator"}: ${o.requests.length} requests in the last ${HEADROOM.windowSeconds} s`
      : (o.usersError ?? "no answer"),
  );
}

/** "UP (L7OK 200) ×3, DRAIN (L7OK 200) ×1" over the servers named for a region. */
export function describeRegionServers(servers: (ServerView & { check?: string | null })[], region: string) {
  const counts = new Map<string, number>();
  for (const s of servers.filter((x) => x.region === region)) {
    const k = `${s.status}${s.check ? ` (${s.check})` : ""}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  if (!counts.size) return `${region} has no server in the balancer`;
  return [...counts].map(([k, n]) => `${k}${n > 1 ? ` ×${n}` : ""}`).join(", ");
}

/** The region is up in the balancer: its health checks pass and it is neither drained nor in maintenance. */
export function upCheck(servers: ServerStat[], region: string, label = `${region} is up in the balancer`): Check {
  const mine = servers.filter((s) => s.region === region);
  const state = regionState(servers, region);
  const ok = mine.length > 0 && mine.every((s) => checksPass(s.status)) && state === "ready";
  const why = state === "drain" ? "; drained" : state === "maint" ? "; in maintenance" : "";
  return check(
    `up:${region}`,
    `${label} (its health checks pass; not drained, not in maintenance)`,
    ok,
    `${describeRegionServers(mine, region)}${ok ? "" : why}`,
  );
}

/** Healthy in the fleet: its API's /health says ok now, and the console's last view of it is not degraded or worse. */
export async function healthyCheck(ctx: FleetContext, region: string): Promise<Check> {
  const started = performance.now();
  const health = await apiHealth(ctx.region(region));
  const ms = Math.round(performance.now() - started);
  const view = ctx.snapshot.regions.find((r) => r.id === region);
  const status = view?.status ?? null;
  const consoleSays =
    status === null
      ? "the console has not sampled it yet"
      : status === "stale"
        ? "the console's last sample of it is stale"
        : `the console sees it ${status}${status !== "healthy" && view?.reasons.length ? ` (${view.reasons.join("; ")})` : ""}`;
  const ok = health?.status === "ok" && (status === null || status === "stale" || status === "healthy");
  return check(
    `healthy:${region}`,
    `${region} is healthy in the fleet`,
    ok,
    `${health ? `its API's /health says ${health.status} in ${ms} ms` : `its API did not answer /health within ${ms} ms`}; ${consoleSays}`,
  );
}

/** Headroom, as lib/actions/traffic-plan HEADROOM defines it. */
export function headroomCheck(o: Observed, region: string): Check {
  const label = `${region} has headroom: the users it served in the last ${HEADROOM.windowSeconds} s saw under ${HEADROOM.maxErrorRate * 100} % failed requests and a p95 under ${HEADROOM.maxP95Ms} ms`;
  if (!o.requests) return check(`headroom:${region}`, label, false, `cannot tell: ${o.usersError ?? "no figures"}`);
  const h = headroomOf(region, o.requests);
  return check(`headroom:${region}`, label, h.ok, h.observed);
}

/** For each region that takes users: up in the balancer, healthy in the fleet, with headroom. */
export async function takerChecks(ctx: FleetContext, o: Observed, takers: string[]): Promise<Check[]> {
  const healthy = await Promise.all(takers.map((t) => healthyCheck(ctx, t)));
  return takers.flatMap((t, i) => [
    upCheck(o.servers ?? [], t, `${t}, which takes users, is up in the balancer`),
    healthy[i]!,
    headroomCheck(o, t),
  ]);
}

/** The runtime API commands a region state change sends, as the layout names the servers. */
export function statePlan(config: BalancerConfig | undefined, region: string, state: RegionAdminState): string[] {
  if (!config) return [`(${NO_BALANCER})`];
  return balancerLayout(config).flatMap((b) =>
    b.servers.filter((s) => s.region === region).map((s) => `set server ${b.name}/${s.name} state ${state}`),
  );
}

export const weightCommand = (geography: string, region: string, weight: number) =>
  `set server ${backendName(geography)}/${region} weight ${weight}`;

/** The weights of a geography's active servers now, by region. */
export function weightsIn(servers: ServerView[], geography: string): Record<string, number> {
  return Object.fromEntries(
    servers.filter((s) => s.backend === backendName(geography) && !s.backup).map((s) => [s.region, s.weight]),
  );
}

export const describeWeights = (w: Record<string, number>) =>
  Object.entries(w)
    .map(([r, v]) => `${r} ${v}`)
    .join(", ");

/** Sets a weight and logs the command. */
export async function setWeight(ctx: RunContext, b: Balancer, geography: string, region: string, weight: number) {
  ctx.log(weightCommand(geography, region, weight), "stdout");
  await b.setWeight(geography, region, weight, BALANCER_TIMEOUT_MS);
}

/** Sets a region's state in every backend and logs the commands. */
export async function setState(
  ctx: RunContext,
  config: BalancerConfig,
  b: Balancer,
  region: string,
  state: RegionAdminState,
) {
  for (const line of statePlan(config, region, state)) ctx.log(line, "stdout");
  await b.setRegionState(region, state, BALANCER_TIMEOUT_MS);
}

/** Is every server of the region in the admin state asked (a down server shows DOWN whatever its admin state)? */
export function stateShown(servers: ServerView[], region: string, state: "drain" | "ready"): boolean {
  const mine = servers.filter((s) => s.region === region);
  return (
    mine.length > 0 &&
    mine.every((s) =>
      state === "drain"
        ? adminStateOf(s.status) === "drain" || !checksPass(s.status)
        : adminStateOf(s.status) === "ready",
    )
  );
}

/**
 * The users' requests sent since `sinceMs`, polled until `enough` says they suffice or VERIFY_TIMEOUT_MS passes
 * (then what came is judged as it is). Null, with the reason, when they cannot be read at all.
 */
export async function usersSince(
  ctx: Pick<RunContext, "signal" | "fleet">,
  sinceMs: number,
  enough: (requests: UserRequest[]) => boolean,
): Promise<{ requests: UserRequest[]; error: null } | { requests: null; error: string }> {
  const url = ctx.fleet.balancer?.usersUrl;
  if (!url) return { requests: null, error: "the balancer section names no usersUrl: nothing to verify with" };
  const deadline = Date.now() + VERIFY_TIMEOUT_MS;
  let last: UserRequest[] | null = null;
  let error = "no answer";
  for (;;) {
    try {
      last = await readUserRequests(url, sinceMs, USERS_TIMEOUT_MS);
      if (enough(last)) return { requests: last, error: null };
    } catch (err) {
      error = (err as Error).message;
    }
    if (Date.now() > deadline) break;
    await sleep(500, ctx.signal);
  }
  return last ? { requests: last, error: null } : { requests: null, error };
}

/** Answered (successful, with a serving region) requests of the geography sent at or after `fromMs`. */
export const answeredIn = (requests: UserRequest[], geography: string, fromMs: number) =>
  requests.filter((r) => r.geography === geography && r.at >= fromMs && !failed(r) && r.servedBy);

/** "Users of americas saw no failed request since …" over the geographies' requests from `fromMs`. */
export function noFailuresCheck(
  id: string,
  label: string,
  requests: UserRequest[],
  geographies: string[],
  fromMs: number,
  maxRate = 0,
): Check {
  const mine = requests.filter((r) => geographies.includes(r.geography) && r.at >= fromMs);
  const bad = mine.filter(failed).length;
  const ok = mine.length > 0 && (maxRate === 0 ? bad === 0 : bad / mine.length < maxRate);
  return check(id, label, ok, mine.length ? describeFailures(mine) : "no users' request came in the time waited");
}
