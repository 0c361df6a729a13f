import "server-only";
import type { RuleSettingsMap } from "@/lib/alert-rules";
import { evaluateCheck } from "@/lib/live-checks";
import type { FleetSnapshot } from "@/lib/fleet-view";
import type { TrafficSnapshot } from "@/lib/traffic";
import { getDb } from "@/server/db";
import { publish } from "@/server/events/bus";
import { checklistFor, tickStep, toIncident, INCIDENT_SELECT } from "./incident-store";

// Steps that say something was fixed tick only once their condition has been seen failing: a healthy
// fleet at declaration must not tick "Verify resolution". Steps that confirm the problem tick at once.
const fixPhases = new Set(["mitigate", "resolve", "postmortem"]);
const seen = globalThis as unknown as { __switchyardSeenFailing?: Set<string> };

/**
 * Ticks the open incidents' steps whose live check holds now, recording the value observed and when. Runs on
 * the leading console after collector passes, judging by the alert rules' `settings` and, for the traffic checks,
 * the collector's fresh global traffic snapshot (null: none, or too old). Only unchecked steps are ticked, once
 * each; the timeline says so.
 */
export async function tickLiveChecks(
  snapshot: FleetSnapshot,
  settings: RuleSettingsMap,
  traffic: TrafficSnapshot | null = null,
): Promise<number> {
  const seenFailing = (seen.__switchyardSeenFailing ??= new Set());
  const db = await getDb();
  const open = await db.query<Parameters<typeof toIncident>[0]>(`${INCIDENT_SELECT} where i.status <> 'resolved'`);
  let ticked = 0;
  for (const row of open.rows) {
    const incident = toIncident(row);
    const pending = await db.query<{ step_key: string }>(
      "select step_key from incident_steps where incident_id = $1 and not checked",
      [incident.id],
    );
    const unchecked = new Set(pending.rows.map((r) => r.step_key));
    for (const step of checklistFor(incident)) {
      if (!step.check || !unchecked.has(step.key)) continue;
      const result = evaluateCheck(step.check, snapshot, settings, traffic);
      const key = `${incident.id}/${step.key}`;
      if (!result.holds) {
        seenFailing.add(key);
        continue;
      }
      if (fixPhases.has(step.phase) && !seenFailing.has(key)) continue;
      const done = await db.transaction((tx) => tickStep(tx, incident.id, step, "Live check", result.observed));
      if (done) ticked++;
    }
  }
  if (ticked) publish("incidents");
  return ticked;
}
