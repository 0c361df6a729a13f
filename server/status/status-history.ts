import "server-only";
import type { RegionView } from "@/lib/fleet-view";
import { publicMaintenanceOf } from "@/lib/maintenance";
import {
  MinuteWorst,
  UPTIME_DAYS,
  deriveComponentStates,
  fleetComponentStates,
  statusComponents,
  utcDay,
} from "@/lib/status-page";
import { getDb } from "@/server/db";
import type { Fence } from "@/server/fleet/leader";
import { readActiveWindows } from "@/server/maintenance/maintenance-store";
import { readPublicIncidents, writeStatusMinute } from "./status-store";

/** Days of uptime history kept: the bars' 90 and a little more. */
const KEEP_DAYS = UPTIME_DAYS + 10;

/**
 * The uptime history behind the status page's bars, written by the collector that leads: each pass's component
 * states from the fleet; when a minute ends, the worst state of each component in it, raised by the incidents open
 * on the status page then, is added to its day — under maintenance where a public window was in progress then, as
 * the page showed it. Returns the function the collector calls after each pass.
 */
export function statusHistoryRecorder(fence: Fence): (regions: RegionView[], nowMs?: number) => Promise<void> {
  const minutes = new MinuteWorst();
  return async (regions, nowMs = Date.now()) => {
    const components = statusComponents(regions);
    const ended = minutes.observe(fleetComponentStates(components, regions), nowMs);
    if (!ended) return;
    const [incidents, windows] = await Promise.all([
      readPublicIncidents(new Date(nowMs)),
      getDb().then((db) => readActiveWindows(db, ended.minute)),
    ]);
    const states = deriveComponentStates({
      components: components.filter((c) => ended.states.has(c.id)),
      fleet: ended.states,
      incidents: incidents.filter((i) => i.status !== "resolved"),
      maintenances: publicMaintenanceOf(windows, regions),
      nowMs: ended.minute.getTime(),
    });
    await writeStatusMinute(ended.minute, states, fence, utcDay(nowMs - KEEP_DAYS * 86_400_000));
  };
}
