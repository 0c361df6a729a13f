import { z } from "zod";

/**
 * Global traffic: what the load balancer does with users' requests and what the users see. Shared by the
 * collector, the store, the API, the pages, the live checks and the traffic actions.
 */

/**
 * What synthetic users in each geography saw over the last `windowSeconds`: the lab's traffic generator answers
 * `GET <usersUrl>/figures` with this (a real fleet's synthetic checks can answer the same).
 */
export const userFiguresSchema = z.object({
  at: z.string(),
  windowSeconds: z.number().positive(),
  geographies: z.array(
    z.object({
      id: z.string(),
      /** requests sent in the window */
      requests: z.number().int().nonnegative(),
      /** requests that got no answer or a 5xx */
      errors: z.number().int().nonnegative(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      /** successful answers in the window per region that served them (the region API's `x-served-by`) */
      servedBy: z.record(z.string(), z.number().int().nonnegative()),
      /** the region that served the newest successful answer */
      lastServedBy: z.string().nullable(),
    }),
  ),
});
export type UserFigures = z.infer<typeof userFiguresSchema>;

/**
 * One request of a synthetic user: the lab's traffic generator answers `GET <usersUrl>/requests?since=<epoch ms>`
 * with `{ requests: UserRequest[] }` (the bench and the tests measure failover from it).
 */
export const userRequestSchema = z.object({
  /** when it was sent, epoch ms */
  at: z.number(),
  geography: z.string(),
  /** the HTTP status, 0 when no answer came */
  status: z.number().int(),
  ms: z.number(),
  servedBy: z.string().nullable(),
  error: z.string().optional(),
});
export type UserRequest = z.infer<typeof userRequestSchema>;

/** A region's state in the balancer, in words a person reads. */
export type BalancerState = "up" | "down" | "draining" | "maintenance" | "unknown";

export interface RegionTraffic {
  id: string;
  state: BalancerState;
  /** the balancer's last health check of it, e.g. "L7OK 200" or "L4CON connection refused" */
  check: string | null;
  /** its weight in its home geography's backend (0–256) */
  weight: number | null;
  /** requests the balancer sent it per second, every backend together */
  requestsPerSecond: number | null;
  /** share of its answers that were 5xx, 0–1 */
  errorRate: number | null;
  /** the balancer's average response time for it, ms */
  avgResponseMs: number | null;
}

export interface GeographyTraffic {
  id: string;
  displayName: string;
  home: string;
  /** its home first, then the regions its users fail over to */
  order: string[];
  /** the users' figures over the window (null without a usersUrl) */
  requestsPerSecond: number | null;
  /** 0–1 */
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** share of the window's successful answers per serving region, 0–1 */
  shares: Record<string, number>;
  /** the region serving most of its users now */
  servedBy: string | null;
}

export interface TrafficSnapshot {
  at: string;
  balancer: { kind: "haproxy"; reachable: boolean; error: string | null };
  /** the global health check (`GET <frontendUrl>/health`) as users would get it */
  globalHealth: {
    ok: boolean;
    status: number | null;
    latencyMs: number | null;
    servedBy: string | null;
    error: string | null;
  };
  regions: RegionTraffic[];
  geographies: GeographyTraffic[];
  /** the window the users' figures cover, null without a usersUrl */
  usersWindowSeconds: number | null;
  /** why the users' figures could not be read this time (null when they were, or when there is no usersUrl) */
  usersError?: string | null;
}

/** One server of the balancer as its adapter reads it (server/traffic/balancer.ts). */
export interface ServerStat {
  /** e.g. geo_europe */
  backend: string;
  /** e.g. eu-west-1 or us-east-1_backup */
  server: string;
  region: string;
  backup: boolean;
  /** HAProxy's status: UP, DOWN, DRAIN, MAINT, NOLB, "UP 1/2" (going down), "DOWN 1/2" (coming up), no check */
  status: string;
  /** the current (user-set) weight */
  weight: number;
  /** the last health check, e.g. "L7OK 200", "L4CON connection refused"; null when not checked */
  check: string | null;
  /** HTTP responses so far (all classes) and those that were 5xx: counters, rates come from two reads */
  responses: number;
  responses5xx: number;
  /** connections that failed or were retried towards this server so far */
  connectionErrors: number;
  /** average response time over the last 1024 requests, ms; null when none */
  avgResponseMs: number | null;
  currentSessions: number;
}
