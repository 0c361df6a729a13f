import type { BalancerConfig } from "./fleet-config";

/**
 * How the global load balancer is laid out, said once for the lab (which writes HAProxy's configuration from it)
 * and for the console (which reads and steers it through the runtime API):
 *
 *   frontend: the request's geography (the `X-Client-Geo` header) picks the backend `geo_<geography>`.
 *   backend geo_<geography>: one active server per region, named by the region's id, with a weight (the home
 *   region 100, every other 0), then a backup server `<region>_backup` for every other region in failover order.
 *
 * So a geography is served by its home region while that region is up and not drained; the weights can split it
 * across regions (a stepped restore); and when no active server with a weight can serve (home down or drained),
 * HAProxy sends the geography to the first backup that can, which is the next region of the failover order.
 * Draining a region drains every server named for it, in every backend.
 */

export const GEO_HEADER = "x-client-geo";
/** The header a region API answers with: which region served the request. */
export const SERVED_BY_HEADER = "x-served-by";

/** The weight a geography's home region has when nothing was changed. */
export const HOME_WEIGHT = 100;
/** HAProxy's highest server weight. */
export const MAX_WEIGHT = 256;

export interface LayoutServer {
  /** HAProxy's server name */
  name: string;
  region: string;
  backup: boolean;
  /** the configured weight (backups: 1; HAProxy uses the first usable backup only) */
  weight: number;
}

export interface LayoutBackend {
  /** HAProxy's backend name */
  name: string;
  geography: string;
  home: string;
  /** the regions in the order this geography's users fail over: its home first */
  order: string[];
  servers: LayoutServer[];
}

export const backendName = (geography: string) => `geo_${geography}`;
export const backupServerName = (region: string) => `${region}_backup`;

/** The region a server name belongs to (`eu-west-1` and `eu-west-1_backup` both belong to eu-west-1). */
export const serverRegion = (server: string) => server.replace(/_backup$/, "");

/** A geography's failover order: its home, then every other region in the fleet's failover order. */
export function failoverOrderOf(balancer: Pick<BalancerConfig, "failoverOrder">, home: string): string[] {
  return [home, ...balancer.failoverOrder.filter((r) => r !== home)];
}

export function balancerLayout(balancer: Pick<BalancerConfig, "geographies" | "failoverOrder">): LayoutBackend[] {
  return balancer.geographies.map((g) => {
    const order = failoverOrderOf(balancer, g.home);
    return {
      name: backendName(g.id),
      geography: g.id,
      home: g.home,
      order,
      servers: [
        ...order.map((region) => ({
          name: region,
          region,
          backup: false,
          weight: region === g.home ? HOME_WEIGHT : 0,
        })),
        ...order.slice(1).map((region) => ({ name: backupServerName(region), region, backup: true, weight: 1 })),
      ],
    };
  });
}
