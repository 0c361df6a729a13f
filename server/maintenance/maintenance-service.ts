import "server-only";
import { announcedWindows, windowPhase, type MaintenanceWindowView } from "@/lib/maintenance";
import { maintenanceId, maintenanceInput } from "@/lib/maintenance-schema";
import { publicTextProblems } from "@/lib/status-page";
import { appendAudit } from "@/server/audit/append-audit";
import { requireRole } from "@/server/auth/require-role";
import { readUsers, type User } from "@/server/auth/users";
import { getDb } from "@/server/db";
import { conflict, invalid, notFound, parseInput } from "@/server/errors";
import { getFleetConfig } from "@/server/fleet/config";
import {
  insertWindow,
  markWindowCancelled,
  readPastWindows,
  readUpcomingAndActive,
  readWindow,
} from "./maintenance-store";

/**
 * Maintenance windows' policy: leads and admins schedule and cancel them, everyone signed in reads them. Each change
 * is checked, validated and audited in its own transaction, so a refused or invalid request writes nothing. What a
 * window does is elsewhere: the alert engine asks which window covers a new group's alert (server/alerts), the
 * status page announces the public ones (server/status).
 */

const refusal = { refusal: "Only incident leads and admins can schedule or cancel maintenance." };

/** How far back the page lists windows that ended or were cancelled. */
const PAST_DAYS = 30;

export interface MaintenanceOverview {
  at: string;
  active: MaintenanceWindowView[];
  upcoming: MaintenanceWindowView[];
  /** ended or cancelled in the last 30 days, the latest first */
  past: MaintenanceWindowView[];
}

/** The windows in progress, those to come, and the recent past ones. */
export async function readMaintenanceOverview(actor: User, at = new Date()): Promise<MaintenanceOverview> {
  requireRole(actor, "viewer", "Reading maintenance windows");
  const db = await getDb();
  const [current, past] = await Promise.all([
    readUpcomingAndActive(db, at),
    readPastWindows(db, at, new Date(at.getTime() - PAST_DAYS * 86_400_000)),
  ]);
  return {
    at: at.toISOString(),
    active: current.filter((w) => windowPhase(w, at) === "active"),
    upcoming: current.filter((w) => windowPhase(w, at) === "upcoming"),
    past,
  };
}

/** What the incident list announces: windows in progress or starting within 24 hours, soonest first. */
export async function readMaintenanceAnnouncements(actor: User, at = new Date()): Promise<MaintenanceWindowView[]> {
  requireRole(actor, "viewer", "Reading maintenance windows");
  return announcedWindows(await readUpcomingAndActive(await getDb(), at), at);
}

/** The fleet's regions, for the form's choices and the check of what a window names. */
export function maintenanceRegions(): { id: string; displayName: string }[] {
  return getFleetConfig().regions.map((r) => ({ id: r.id, displayName: r.displayName }));
}

const listWords = (xs: string[]) => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`);

/**
 * Schedules a window (leads and admins). Its regions must be the fleet's; it must not have ended already; a public
 * window's title goes on the status page, so it must say nothing internal nor name anyone.
 */
export async function scheduleMaintenance(actor: User, raw: unknown, now = new Date()): Promise<{ id: number }> {
  requireRole(actor, "lead", refusal);
  const input = parseInput(maintenanceInput, raw);
  const known = new Set(maintenanceRegions().map((r) => r.id));
  const unknown = input.regions.filter((r) => !known.has(r));
  if (unknown.length)
    throw invalid(
      `Regions: ${listWords(unknown)} ${unknown.length === 1 ? "is not a region" : "are not regions"} of this fleet.`,
    );
  if (Date.parse(input.endsAt) <= now.getTime()) throw invalid("Ends: must be in the future.");
  const db = await getDb();
  if (input.public) {
    const problems = publicTextProblems(
      input.title,
      (await readUsers(db)).map((u) => u.name),
    );
    if (problems.length)
      throw invalid(
        `Title: the status page shows it, so it must not contain ${listWords(problems)}; edit it, or do not announce the window.`,
      );
  }
  return db.transaction(async (tx) => {
    const id = await insertWindow(tx, input, actor.id);
    await appendAudit(tx, {
      actor,
      action: "maintenance.schedule",
      target: `maintenance: ${input.title}`,
      detail: {
        id,
        title: input.title,
        reason: input.reason,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        regions: input.regions,
        components: input.components,
        public: input.public,
      },
    });
    return { id };
  });
}

/**
 * Cancels a window (leads and admins): one in progress ends now, one to come never starts. A window that has ended,
 * or was cancelled already, is refused.
 */
export async function cancelMaintenance(actor: User, raw: unknown, now = new Date()): Promise<{ id: number }> {
  requireRole(actor, "lead", refusal);
  const { id } = parseInput(maintenanceId, raw);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const w = await readWindow(tx, id, true);
    if (!w) throw notFound(`There is no maintenance window ${id}.`);
    const phase = windowPhase(w, now);
    if (phase === "cancelled") throw conflict(`The maintenance window "${w.title}" was cancelled already.`);
    if (phase === "ended") throw conflict(`The maintenance window "${w.title}" has ended; it cannot be cancelled.`);
    await markWindowCancelled(tx, id, now, actor.id);
    await appendAudit(tx, {
      actor,
      action: "maintenance.cancel",
      target: `maintenance: ${w.title}`,
      detail: { id, title: w.title, startsAt: w.startsAt, endsAt: w.endsAt, inProgress: phase === "active" },
    });
    return { id };
  });
}
