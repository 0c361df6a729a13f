import "server-only";
import type { BalancerConfig } from "@/lib/fleet-config";

/**
 * What Switchyard needs from a global load balancer: read every server's state and figures, drain or restore a
 * region, set a region's weight in a geography. HAProxy's runtime API implements it (./haproxy.ts); a cloud
 * balancer (Cloudflare Load Balancing pools, Route 53 health-checked weighted records) would implement the same
 * three calls. Servers and backends are named as lib/balancer-layout.ts lays them out.
 */

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

export type RegionAdminState = "drain" | "ready" | "maint";

export interface Balancer {
  /** Every server of every geography backend. Throws when the balancer cannot be reached. */
  read(timeoutMs: number): Promise<ServerStat[]>;
  /** Sets the state of every server named for the region, in every backend (drain: existing connections finish). */
  setRegionState(region: string, state: RegionAdminState, timeoutMs: number): Promise<void>;
  /** Sets the weight (0–256) of a region's active server in one geography's backend. */
  setWeight(geography: string, region: string, weight: number, timeoutMs: number): Promise<void>;
}

export type BalancerFactory = (config: BalancerConfig) => Balancer;
