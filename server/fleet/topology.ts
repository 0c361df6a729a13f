import "server-only";
import type { FleetConfig } from "@/lib/fleet-config";
import { getDb, type Queryable } from "@/server/db";

/**
 * Which region serves as primary after a promotion or switchover. The fleet file says how the fleet was
 * built; the store says what Switchyard made of it since, and that wins for every page, probe and rule.
 */

const holder = globalThis as unknown as { __switchyardPrimary?: { region: string | null; loaded: boolean } };
const state = () => (holder.__switchyardPrimary ??= { region: null, loaded: false });

/** The fleet with the store's primary applied; the fleet file as it is when none is recorded. */
export function withCurrentPrimary(fleet: FleetConfig): FleetConfig {
  const primary = state().region;
  if (!primary || !fleet.regions.some((r) => r.id === primary)) return fleet;
  if (fleet.regions.find((r) => r.role === "primary")?.id === primary) return fleet;
  return { ...fleet, regions: fleet.regions.map((r) => ({ ...r, role: r.id === primary ? "primary" : "replica" })) };
}

/** Reads the recorded primary from the store (the collector calls this on its resync; actions after a change). */
export async function loadCurrentPrimary(): Promise<string | null> {
  const db = await getDb();
  const r = await db.query<{ primary_region: string }>("select primary_region from fleet_topology where id = 1");
  const s = state();
  s.region = r.rows[0]?.primary_region ?? null;
  s.loaded = true;
  return s.region;
}

/** Whether the recorded primary was read from the store at least once (what this process knows of it, then). */
export const currentPrimaryKnown = (): boolean => state().loaded;

/** Records the new primary inside the action's transaction; applied in this process at once. */
export async function recordPrimary(tx: Queryable, region: string, runId: number | null): Promise<void> {
  await tx.query(
    `insert into fleet_topology (id, primary_region, changed_at, run_id) values (1, $1, now(), $2)
     on conflict (id) do update set primary_region = excluded.primary_region, changed_at = now(), run_id = excluded.run_id`,
    [region, runId],
  );
  state().region = region;
}
