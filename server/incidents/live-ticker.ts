import "server-only";
import type { RuleSettingsMap } from "@/lib/alert-rules";
import { evaluateCheck } from "@/lib/live-checks";
import type { FleetSnapshot } from "@/lib/fleet-view";
import type { TrafficSnapshot } from "@/lib/traffic";
import { getDb, type Queryable } from "@/server/db";
import { publish } from "@/server/events/bus";
import { addEvent, checklistFor, tickStep, toIncident, INCIDENT_SELECT } from "./incident-store";

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
  now = new Date(),
): Promise<number> {
  const seenFailing = (seen.__switchyardSeenFailing ??= new Set());
  const db = await getDb();
  const open = await db.query<Parameters<typeof toIncident>[0]>(`${INCIDENT_SELECT} where i.status <> 'resolved'`);
  let changed = 0;
  for (const row of open.rows) {
    const incident = toIncident(row);
    const pending = await db.query<{ step_key: string; holding_since: Date | null }>(
      "select step_key, holding_since from incident_steps where incident_id = $1 and not checked",
      [incident.id],
    );
    const unchecked = new Map(pending.rows.map((r) => [r.step_key, r.holding_since]));
    for (const step of checklistFor(incident)) {
      if (!step.check || !unchecked.has(step.key)) continue;
      const result = evaluateCheck(step.check, snapshot, settings, traffic);
      const key = `${incident.id}/${step.key}`;
      if (!result.holds) {
        seenFailing.add(key);
        if (step.holdMinutes && unchecked.get(step.key))
          changed += await db.transaction((tx) => breakHold(tx, incident.id, step, result.observed));
        continue;
      }
      if (fixPhases.has(step.phase) && !seenFailing.has(key)) continue;
      if (step.holdMinutes) {
        const since = unchecked.get(step.key);
        if (!since) {
          changed += await db.transaction((tx) => startHold(tx, incident.id, step.key, now));
          continue;
        }
        if (now.getTime() - since.getTime() < step.holdMinutes * 60_000) continue;
      }
      const observed = step.holdMinutes
        ? `${result.observed} for ${step.holdMinutes} min without a break`
        : result.observed;
      const done = await db.transaction((tx) => tickStep(tx, incident.id, step, "Live check", observed));
      if (done) changed++;
    }
  }
  if (changed) publish("incidents");
  return changed;
}

/** A stability timer starts: its check holds (and was seen failing, for a step that says something was fixed). */
async function startHold(tx: Queryable, incidentId: number, stepKey: string, now: Date): Promise<number> {
  const r = await tx.query(
    "update incident_steps set holding_since = $3 where incident_id = $1 and step_key = $2 and not checked and holding_since is null",
    [incidentId, stepKey, now.toISOString()],
  );
  return r.rowCount;
}

/** A stability timer breaks: it starts over the next time its check holds, and the timeline says why. */
async function breakHold(
  tx: Queryable,
  incidentId: number,
  step: { key: string; title: string; holdMinutes: number | null },
  observed: string,
): Promise<number> {
  const r = await tx.query(
    "update incident_steps set holding_since = null where incident_id = $1 and step_key = $2 and not checked and holding_since is not null",
    [incidentId, step.key],
  );
  if (r.rowCount === 0) return 0;
  await addEvent(tx, incidentId, {
    actor: "Live check",
    kind: "step",
    message: `"${step.title}": stability broken (${observed}); the ${step.holdMinutes}-minute timer starts over`,
    data: { stepKey: step.key, holdBroken: true, observed },
  });
  return 1;
}
