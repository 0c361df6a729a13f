import "server-only";
import { backendName, balancerLayout, HOME_WEIGHT, MAX_WEIGHT } from "@/lib/balancer-layout";
import type { BalancerConfig } from "@/lib/fleet-config";
import type { Balancer, RegionAdminState } from "./balancer";
import { BalancerError, runtimeChange, runtimeCommand } from "./haproxy-runtime";
import { parseShowStat } from "./haproxy-stat";

/**
 * The Balancer over HAProxy's runtime API (`stats socket … level admin`). Servers and backends are named as
 * lib/balancer-layout.ts lays them out; a region or geography the fleet file does not name is refused before
 * anything is sent, so no command ever carries text it did not come from the fleet file.
 */
export function createHaproxyBalancer(config: BalancerConfig): Balancer {
  const address = config.runtimeApi;
  const layout = balancerLayout(config);

  return {
    async read(timeoutMs) {
      return parseShowStat(await runtimeCommand(address, "show stat", timeoutMs));
    },

    async setRegionState(region, state: RegionAdminState, timeoutMs) {
      const targets = layout.flatMap((b) =>
        b.servers.filter((s) => s.region === region).map((s) => `${b.name}/${s.name}`),
      );
      if (targets.length === 0) throw new BalancerError(`${region} is not a region of the balancer`);
      // One command per connection; the servers are independent, so they go side by side.
      const results = await Promise.allSettled(
        targets.map((t) => runtimeChange(address, `set server ${t} state ${state}`, timeoutMs)),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },

    async setWeight(geography, region, weight, timeoutMs) {
      const backend = layout.find((b) => b.geography === geography);
      if (!backend) throw new BalancerError(`${geography} is not a geography of the balancer`);
      if (!backend.order.includes(region)) throw new BalancerError(`${region} is not a region of the balancer`);
      if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT)
        throw new BalancerError(`a weight is a whole number from 0 to ${MAX_WEIGHT} (${HOME_WEIGHT} is a home's)`);
      await runtimeChange(address, `set server ${backendName(geography)}/${region} weight ${weight}`, timeoutMs);
    },
  };
}
