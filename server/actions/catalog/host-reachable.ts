import "server-only";
import type { Check } from "@/lib/actions/run";
import type { RegionConfig } from "@/lib/fleet-config";
import { probeSsh } from "../executors/ssh";
import { check } from "../module";

/**
 * Pre-flight of every action that runs commands on a region's host: each host answers over SSH on the connection
 * its commands will share (in ssh's failure in plain words), or the command runs on the console's own machine and
 * the check says so.
 */
export async function hostReachable(regions: RegionConfig[]): Promise<Check[]> {
  return Promise.all(
    regions.map(async (r) => {
      const t = r.transport;
      if (t.kind === "local")
        return check(
          `host-${r.id}`,
          `${r.id}'s host commands run on the console's own machine`,
          true,
          "local execution (no SSH transport in the fleet file)",
        );
      const probe = await probeSsh(t, { shared: true });
      return check(`host-${r.id}`, `${r.id}'s host is reachable over SSH`, probe.ok, probe.observed);
    }),
  );
}
