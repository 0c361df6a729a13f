import "server-only";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { incidentRef } from "@/lib/ids";
import { publicMaintenanceOf } from "@/lib/maintenance";
import {
  UPTIME_DAYS,
  publicIncidentStatus,
  publicStatusOf,
  publicTextProblems,
  utcDay,
  type PublicIncidentStatus,
  type PublicStatus,
  type ServedStatus,
} from "@/lib/status-page";
import { appendAudit } from "@/server/audit/append-audit";
import { requireRole } from "@/server/auth/require-role";
import { readUsers, type User } from "@/server/auth/users";
import { getDb } from "@/server/db";
import { conflict, invalid, parseInput } from "@/server/errors";
import { publish } from "@/server/events/bus";
import { cachedFleetSnapshot } from "@/server/fleet/fleet-service";
import { addEvent, checklistFor, readIncident, tickStep, writeCommSent } from "@/server/incidents/incident-store";
import { readUpcomingAndActive } from "@/server/maintenance/maintenance-store";
import { insertStatusUpdate, readPublicIncidents, readStatusDays } from "./status-store";

/**
 * The public status page's policy: who may post to it (leads and admins, as for the incident's other messages), what
 * a public text may say, and the public view model built from the fleet and the store, kept in memory so the page
 * goes on serving the last good one (with its age) while the store cannot be reached.
 */

export const statusPostInput = z.object({
  title: z.string().trim().min(1, "The public title is empty.").max(200),
  body: z.string().trim().min(1, "The update is empty.").max(4000),
});

const UPDATE_STEP = "incident-response/update-status-page";

const listWords = (xs: string[]) => (xs.length < 2 ? xs.join("") : `${xs.slice(0, -1).join(", ")} or ${xs.at(-1)}`);

/**
 * Posts a public update of an incident: its public title, the incident's status now and the text. Recorded on the
 * timeline as a message (the Communicate clock stops, "Update the status page" ticks) and in the audit log, in one
 * transaction. A text with internals or a person's name in it is refused, and nothing is written.
 */
export async function postStatusUpdate(
  actor: User,
  id: number,
  raw: z.input<typeof statusPostInput>,
): Promise<{ updateId: string; status: PublicIncidentStatus; postedAt: string }> {
  requireRole(actor, "lead", "Posting to the status page");
  const input = parseInput(statusPostInput, raw);
  const db = await getDb();
  const names = (await readUsers(db)).map((u) => u.name);
  const problems = publicTextProblems(`${input.title}\n${input.body}`, names);
  if (problems.length)
    throw invalid(`A public update must not contain ${listWords(problems)}; edit it before posting.`);
  const update = await db.transaction(async (tx) => {
    const incident = await readIncident(tx, id, true);
    // The public page is for real trouble: a drill is an exercise, and its users saw nothing (or the lab's did).
    if (incident.drillId !== null)
      throw conflict(`${incidentRef(id)} is a drill's incident: drills are not posted to the public status page.`);
    const row = await insertStatusUpdate(tx, {
      incidentId: id,
      title: input.title,
      status: incident.status,
      body: input.body,
      postedBy: actor.id,
    });
    await writeCommSent(tx, id);
    await addEvent(tx, id, {
      actor: actor.name,
      kind: "comm",
      message: `Posted to the status page: "${input.title}" (${publicIncidentStatus[incident.status]})`,
      data: { kind: "status-page", title: input.title, body: input.body, status: incident.status, updateId: row.id },
    });
    const step = checklistFor(incident).find((s) => s.key === UPDATE_STEP);
    if (step) await tickStep(tx, id, step, actor.name, `posted "${input.title}" to the status page`);
    await appendAudit(tx, {
      actor,
      action: "incident.status-page-post",
      target: incidentRef(id),
      detail: { updateId: row.id, title: input.title, status: incident.status, body: input.body },
    });
    return row;
  });
  publish("incidents");
  dropPublicStatus();
  return { updateId: update.id, status: publicIncidentStatus[update.status], postedAt: update.postedAt };
}

/**
 * The public view model now, from the fleet and the store (lib/status-page publicStatusOf): the incidents on the
 * page, the uptime minutes, and the public maintenance windows in progress or to come.
 */
export async function buildPublicStatus(fleet: FleetSnapshot, now = new Date()): Promise<PublicStatus> {
  const nowMs = now.getTime();
  const [records, days, windows] = await Promise.all([
    readPublicIncidents(new Date(nowMs - UPTIME_DAYS * 86_400_000)),
    readStatusDays(utcDay(nowMs - (UPTIME_DAYS - 1) * 86_400_000)),
    getDb().then((db) => readUpcomingAndActive(db, now)),
  ]);
  return publicStatusOf(fleet, records, days, nowMs, publicMaintenanceOf(windows, fleet.regions));
}

/** How long one built view is served before the next request builds it again. */
const REBUILD_MS = 1000;

type Cache = { promise: Promise<PublicStatus> | null; builtAt: number; last: PublicStatus | null };

/**
 * A reader of the public view: one build at a time, at most one per REBUILD_MS however many people ask, and when a
 * build fails (the store cannot be reached) the last good view, marked as such. Throws only if there never was one.
 */
export function publicStatusReader(
  readFleet: () => Promise<FleetSnapshot> = cachedFleetSnapshot,
  cache: Cache = { promise: null, builtAt: 0, last: null },
) {
  return {
    async read(): Promise<ServedStatus> {
      if (!cache.promise || performance.now() - cache.builtAt >= REBUILD_MS) {
        cache.builtAt = performance.now();
        const build = (async () => buildPublicStatus(await readFleet()))();
        cache.promise = build;
        build.then(
          (s) => (cache.last = s),
          () => {
            if (cache.promise === build) cache.promise = null;
          },
        );
      }
      try {
        const status = await cache.promise;
        return { status, servedAt: new Date().toISOString(), fromMemory: false };
      } catch (err) {
        if (!cache.last) throw err;
        return { status: cache.last, servedAt: new Date().toISOString(), fromMemory: true };
      }
    },
    drop() {
      cache.promise = null;
    },
  };
}

// One reader per process, shared by every bundle Next.js makes of this module.
const holder = globalThis as unknown as { __switchyardPublicStatus?: ReturnType<typeof publicStatusReader> };
const reader = () => (holder.__switchyardPublicStatus ??= publicStatusReader());

/** The public status page's view, for anyone: no sign-in, nothing internal. */
export function getPublicStatus(): Promise<ServedStatus> {
  return reader().read();
}

/** A post changed what the page shows: the next request builds it again. */
function dropPublicStatus() {
  reader().drop();
}
