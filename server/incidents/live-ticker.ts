import "server-only";
import { evaluateCheck } from "@/lib/live-checks";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { getDb } from "@/server/db";
import { publish } from "@/server/events/bus";
import { addEvent, checklistFor, toIncident, INCIDENT_SELECT } from "./incident-store";

// Steps that say something was fixed tick only once their condition has been seen failing: a healthy
// fleet at declaration must not tick "Verify resolution". Steps that confirm the problem tick at once.
const fixPhases = new Set(["mitigate", "resolve", "postmortem"]);
const seen = globalThis as unknown as { __switchyardSeenFailing?: Set<string> };

/**
 * Ticks the open incidents' steps whose live check holds now, recording the value observed and when. Runs on
 * the leading console after collector passes. Only unchecked steps are ticked, once each; the timeline says so.
 */
export async function tickLiveChecks(snapshot: FleetSnapshot): Promise<number> {
  const seenFailing = (seen.__switchyardSeenFailing ??= new Set());
  const db = await getDb();
  const open = await db.query<Parameters<typeof toIncident>[0]>(`${INCIDENT_SELECT} where i.status <> 'resolved'`);
  let ticked = 0;
  for (const row of open.rows) {
    const incident = toIncident(row);
    const pending = await db.query<{ step_key: string }>("select step_key from incident_steps where incident_id = $1 and not checked", [incident.id]);
    const unchecked = new Set(pending.rows.map((r) => r.step_key));
    for (const step of checklistFor(incident)) {
      if (!step.check || !unchecked.has(step.key)) continue;
      const result = evaluateCheck(step.check, snapshot);
      const key = `${incident.id}/${step.key}`;
      if (!result.holds) {
        seenFailing.add(key);
        continue;
      }
      if (fixPhases.has(step.phase) && !seenFailing.has(key)) continue;
      const done = await db.transaction(async (tx) => {
        const r = await tx.query(
          `update incident_steps set checked = true, checked_by = 'Live check', checked_at = now(), observed = $3, version = version + 1
           where incident_id = $1 and step_key = $2 and not checked`,
          [incident.id, step.key, result.observed],
        );
        if (r.rowCount === 0) return false;
        await addEvent(tx, incident.id, { actor: "Live check", kind: "step", message: `Checked "${step.title}": ${result.observed}`, data: { stepKey: step.key, checked: true, observed: result.observed } });
        return true;
      });
      if (done) ticked++;
    }
  }
  if (ticked) publish("incidents");
  return ticked;
}
