import "server-only";
import type { BalancerConfig } from "@/lib/fleet-config";
import type { ServerStat } from "@/lib/traffic";

export type { ServerStat };

/**
 * What Switchyard needs from a global load balancer: read every server's state and figures, drain or restore a
 * region, set a region's weight in a geography. HAProxy's runtime API implements it (./haproxy.ts); a cloud
 * balancer (Cloudflare Load Balancing pools, Route 53 health-checked weighted records) would implement the same
 * three calls. Servers and backends are named as lib/balancer-layout.ts lays them out.
 */

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
