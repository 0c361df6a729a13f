import "server-only";
import { invalid } from "@/server/errors";
import { getFleetConfig } from "@/server/fleet/config";
import { cachedFleetSnapshot } from "@/server/fleet/fleet-service";
import { currentPrimaryKnown, loadCurrentPrimary } from "@/server/fleet/topology";
import type { FleetContext, RunContext } from "./module";

/**
 * The fleet as an action sees it now: the fleet file, the recorded primary, the collector's latest view. While the
 * store cannot be reached, the primary this process last read (or set) stands: a run's verification reads the fleet
 * itself, not the store.
 */
export async function fleetContext(): Promise<FleetContext> {
  await loadCurrentPrimary().catch((err: unknown) => {
    if (!currentPrimaryKnown()) throw err;
  });
  const fleet = getFleetConfig();
  const snapshot = await cachedFleetSnapshot().catch(() => ({
    generatedAt: new Date().toISOString(),
    simulated: fleet.simulated,
    staleAfterSeconds: 0,
    regions: [],
    alerts: [],
  }));
  return {
    fleet,
    snapshot,
    region(id: string) {
      const r = fleet.regions.find((x) => x.id === id);
      if (!r) throw invalid(`There is no region ${id} in the fleet (${fleet.regions.map((x) => x.id).join(", ")}).`);
      return r;
    },
  };
}

/** The run's context with the fleet as it is now: what a verification judges after a step changed the primary. */
export async function now(ctx: RunContext): Promise<RunContext> {
  return { ...ctx, ...(await fleetContext()) };
}

/** A region id the fleet knows, or a message saying which it knows. */
export function unknownRegion(ctx: FleetContext, ...ids: string[]): string | null {
  const missing = ids.filter((id) => !ctx.fleet.regions.some((r) => r.id === id));
  return missing.length
    ? `unknown region ${missing.join(", ")} (the fleet has ${ctx.fleet.regions.map((r) => r.id).join(", ")})`
    : null;
}

export const primaryOf = (ctx: FleetContext) => ctx.fleet.regions.find((r) => r.role === "primary")!;
