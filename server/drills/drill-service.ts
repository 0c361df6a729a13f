import "server-only";
import { scoreDrill, type DrillScore } from "@/lib/drill-score";
import { endDrillInput, startDrillInput } from "@/lib/drill-schema";
import {
  DRILL_GRACE_MS,
  DRILL_MAX_MS,
  drillClockStart,
  drillFaultLabels,
  drillRef,
  drillWindowScope,
  type DrillView,
} from "@/lib/drills";
import type { RegionConfig } from "@/lib/fleet-config";
import { appendAudit } from "@/server/audit/append-audit";
import { requireRole } from "@/server/auth/require-role";
import type { User } from "@/server/auth/users";
import { getDb, type Queryable } from "@/server/db";
import { conflict, invalid, notFound, parseInput, ServiceError } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { getFleetConfig } from "@/server/fleet/config";
import { endWindowBy, insertWindow } from "@/server/maintenance/maintenance-store";
import { readPeople } from "@/server/oncall/oncall-store";
import { findRunbook } from "@/server/runbooks/catalog";
import {
  insertDrill,
  lockDrillStarts,
  markDrillOver,
  markFaultCleared,
  markFaultInjected,
  readDrill,
  readDrills,
  readRunningDrill,
  writeDrillWindow,
  writeFaultNote,
} from "./drill-store";
import { hasFaultHook, runFaultHook } from "./fault-hook";

/**
 * Drills' policy: leads and admins start and end them, everyone signed in reads them and their scores. Starting one
 * records it, with a maintenance window of its own (not public) so the alerts it causes page nobody, then injects the
 * fault through the fleet's injectFault hook when there is one (the lab); on a fleet without it people cause the
 * fault. Its incident is declared from the drill (server/incidents/incident-service.ts, `drillId`) and pages the
 * participants only. Ending it scores the response (lib/drill-score.ts), keeps the score, clears the fault and lets
 * the window end a few minutes later. A refused or invalid request writes nothing.
 */

const refusal = { refusal: "Only incident leads and admins can start or end a drill." };

const drillTarget = (id: number) => `drill #${id}`;

/** The drills, latest first, for everyone signed in. */
export async function listDrills(actor: User): Promise<DrillView[]> {
  requireRole(actor, "viewer", "Reading drills");
  return readDrills(await getDb());
}

export async function getDrill(actor: User, id: number): Promise<DrillView> {
  requireRole(actor, "viewer", "Reading drills");
  const d = await readDrill(await getDb(), id);
  if (!d) throw notFound(`There is no ${drillRef(id)}.`);
  return d;
}

/** The drill running now, if any, for the declaration form's notice. */
export async function getRunningDrill(actor: User): Promise<DrillView | null> {
  requireRole(actor, "viewer", "Reading drills");
  return readRunningDrill(await getDb());
}

/** The score so far of a drill still running, or the one kept when it ended. */
export function drillScore(d: DrillView, now = new Date()): DrillScore {
  return (
    d.score ??
    scoreDrill({
      severity: d.severity,
      clockStart: drillClockStart(d),
      incident: d.incident,
      at: (d.endedAt ? new Date(d.endedAt) : now).toISOString(),
      final: d.status !== "running",
    })
  );
}

export interface DrillRegion {
  id: string;
  displayName: string;
  role: RegionConfig["role"];
  /** the fleet file lets Switchyard inject and clear faults there (the lab) */
  canInject: boolean;
}

/** The fleet's regions, for the start form: which is the primary now, and where Switchyard can inject a fault. */
export function drillRegions(): DrillRegion[] {
  return getFleetConfig().regions.map((r) => ({
    id: r.id,
    displayName: r.displayName,
    role: r.role,
    canInject: hasFaultHook(r, "injectFault") && hasFaultHook(r, "clearFault"),
  }));
}

/** Everyone who can be a participant: the console's people. */
export async function drillPeople(actor: User): Promise<{ id: string; name: string; email: string }[]> {
  requireRole(actor, "viewer", "Reading drills");
  return [...(await readPeople(await getDb())).values()];
}

function audit(tx: Queryable, actor: User | null, action: string, id: number, detail: Record<string, unknown>) {
  return appendAudit(tx, { actor, action: `drill.${action}`, target: drillTarget(id), detail });
}

/**
 * Starts a drill (leads and admins). Refused while another runs. With a fault, the region must have the fleet's
 * injectFault and clearFault hooks; the fault goes in after the drill is recorded, and when it cannot, the drill is
 * cancelled and the caller told why.
 */
export async function startDrill(
  actor: User,
  raw: unknown,
  now = new Date(),
): Promise<{ id: number; faultInjectedAt: string | null }> {
  requireRole(actor, "lead", refusal);
  const input = parseInput(startDrillInput, raw);
  const region = getFleetConfig().regions.find((r) => r.id === input.region);
  if (!region) throw invalid(`Region: ${input.region} is not a region of this fleet.`);
  if (input.fault && !(hasFaultHook(region, "injectFault") && hasFaultHook(region, "clearFault")))
    throw invalid(
      `Fault: ${region.id} has no injectFault and clearFault hooks in the fleet file, so Switchyard cannot cause the fault; start the drill without one and cause it by hand.`,
    );
  const db = await getDb();
  const people = await readPeople(db, input.participants);
  const unknown = input.participants.filter((id) => !people.has(id));
  if (unknown.length)
    throw invalid(
      `Participants: ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not people of this console.`,
    );
  const title = findRunbook(input.scenarioId)?.title ?? input.scenarioId;

  const id = await db.transaction(async (tx) => {
    await lockDrillStarts(tx);
    const running = await readRunningDrill(tx);
    if (running) throw conflict(`${drillRef(running.id)} is running; end it before starting another.`);
    const drillId = await insertDrill(tx, { ...input, startedBy: actor.id });
    const scope = drillWindowScope(input.scenarioId, input.region, input.fault);
    const windowId = await insertWindow(
      tx,
      {
        title: `${drillRef(drillId)}: ${title}`.slice(0, 120),
        reason: "A drill's expected alerts: its incident pages the drill's participants only.",
        timeZone: "UTC",
        startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + DRILL_MAX_MS).toISOString(),
        regions: scope.regions,
        components: scope.components,
        public: false,
      },
      actor.id,
    );
    await writeDrillWindow(tx, drillId, windowId);
    await audit(tx, actor, "start", drillId, {
      scenarioId: input.scenarioId,
      severity: input.severity,
      region: input.region,
      fault: input.fault,
      participants: [...people.values()].map((p) => p.email),
      maintenanceWindowId: windowId,
    });
    return drillId;
  });
  publish("incidents");
  if (!input.fault) return { id, faultInjectedAt: null };

  try {
    const said = await runFaultHook(region, "injectFault", input.fault);
    const at = new Date();
    await db.transaction(async (tx) => {
      await markFaultInjected(tx, id, at);
      await audit(tx, actor, "inject-fault", id, { region: region.id, fault: input.fault, output: said });
    });
    return { id, faultInjectedAt: at.toISOString() };
  } catch (err) {
    const note = `${drillFaultLabels[input.fault]} could not be injected in ${region.id}: ${(err as Error).message}`;
    await db.transaction(async (tx) => {
      await writeFaultNote(tx, id, note);
      await markDrillOver(tx, id, { status: "cancelled", at: new Date(), by: actor.id, score: null });
      await endDrillWindow(tx, id, new Date());
      await audit(tx, actor, "cancel", id, { reason: note });
    });
    publish("incidents");
    throw new ServiceError(
      "precondition_failed",
      `${note}. ${drillRef(id)} was cancelled; check the lab and try again.`,
    );
  }
}

/** The drill's window ends at `at` (its alerts after that are routed as after any maintenance window). */
async function endDrillWindow(tx: Queryable, drillId: number, at: Date): Promise<void> {
  const d = await readDrill(tx, drillId);
  if (d?.maintenanceWindowId) await endWindowBy(tx, d.maintenanceWindowId, at);
}

export interface EndedDrill {
  id: number;
  score: DrillScore;
  /** null: there was no injected fault to clear, or the lead chose to leave it */
  faultCleared: boolean | null;
  note: string | null;
}

/**
 * Ends a running drill (leads and admins): scores the response from the real timestamps and keeps the score, lets its
 * alerts stay expected for DRILL_GRACE_MS more, then clears the injected fault when asked to. A fault that cannot be
 * cleared leaves the drill ended, with the reason noted.
 */
export async function endDrill(actor: User, raw: unknown, now = new Date()): Promise<EndedDrill> {
  requireRole(actor, "lead", refusal);
  const input = parseInput(endDrillInput, raw);
  const db = await getDb();
  const drill = await db.transaction(async (tx) => {
    const d = await readDrill(tx, input.id, true);
    if (!d) throw notFound(`There is no ${drillRef(input.id)}.`);
    if (d.status !== "running") throw conflict(`${drillRef(d.id)} has ${d.status} already.`);
    const score = scoreDrill({
      severity: d.severity,
      clockStart: drillClockStart(d),
      incident: d.incident,
      at: now.toISOString(),
      final: true,
    });
    await markDrillOver(tx, d.id, { status: "ended", at: now, by: actor.id, score });
    if (d.maintenanceWindowId) await endWindowBy(tx, d.maintenanceWindowId, new Date(now.getTime() + DRILL_GRACE_MS));
    await audit(tx, actor, "end", d.id, {
      incident: d.incident?.id ?? null,
      percent: score.percent,
      measures: Object.fromEntries(score.measures.map((m) => [m.measure, { ms: m.measuredMs, state: m.state }])),
    });
    return { ...d, score };
  });
  publish("incidents");

  const toClear =
    input.clearFault && drill.fault && drill.faultInjectedAt && !drill.faultClearedAt ? drill.fault : null;
  if (!toClear) return { id: drill.id, score: drill.score, faultCleared: null, note: null };
  const region = getFleetConfig().regions.find((r) => r.id === drill.region);
  let outcome: { ok: boolean; said: string };
  try {
    if (!region) throw new Error(`${drill.region} is no longer a region of this fleet`);
    outcome = { ok: true, said: await runFaultHook(region, "clearFault", toClear) };
  } catch (err) {
    outcome = { ok: false, said: (err as Error).message };
  }
  const note = outcome.ok ? null : `${drillFaultLabels[toClear]} was not cleared: ${outcome.said}`;
  await db.transaction(async (tx) => {
    if (outcome.ok) await markFaultCleared(tx, drill.id, new Date());
    else await writeFaultNote(tx, drill.id, note!);
    await audit(tx, actor, "clear-fault", drill.id, {
      region: drill.region,
      fault: toClear,
      cleared: outcome.ok,
      output: outcome.said,
    });
  });
  return { id: drill.id, score: drill.score, faultCleared: outcome.ok, note };
}
