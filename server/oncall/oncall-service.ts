import "server-only";
import { formatInZone, onCallNowAndNext, type Shift } from "@/lib/oncall-rotation";
import { overrideId, overrideInput, rotationInput } from "@/lib/oncall-schema";
import type { OnCallBoard, OnCallLevelView, OnCallPerson, OnCallStretch } from "@/lib/oncall-view";
import { appendAudit } from "@/server/audit/append-audit";
import { requireRole } from "@/server/auth/require-role";
import type { User } from "@/server/auth/users";
import { getDb, type Queryable } from "@/server/db";
import { invalid, notFound, parseInput } from "@/server/errors";
import { readPolicy } from "@/server/incidents/escalation";
import {
  deleteOverride,
  insertOverride,
  readOverrides,
  readPeople,
  readRotations,
  writeRotation,
} from "./oncall-store";

/**
 * On-call schedules: one rotation per level of the escalation chain, with overrides on top. Everyone signed in
 * reads who is on call; admins edit. Every change is audited in its own transaction.
 */

const refusal = { refusal: "Only admins can change on-call schedules." };

/** Who is on call at every level of the escalation chain at `at`, and the next hand-offs. */
export async function readOnCallBoard(actor: User, at = new Date(), nextCount = 3): Promise<OnCallBoard> {
  requireRole(actor, "viewer", "Reading the on-call schedule");
  const db = await getDb();
  const [policy, rotations, overrides, people] = await Promise.all([
    readPolicy(db),
    readRotations(db),
    readOverrides(db, at),
    readPeople(db),
  ]);
  const person = (id: string | null): OnCallPerson | null => (id ? (people.get(id) ?? null) : null);
  const levels: OnCallLevelView[] = [...policy]
    .sort((a, b) => a.afterSeconds - b.afterSeconds || a.level - b.level)
    .map((l) => {
      const rotation = rotations.find((r) => r.level === l.level) ?? null;
      const own = overrides.filter((o) => o.level === l.level);
      const zone = rotation?.timeZone ?? "UTC";
      const stretch = (s: Shift): OnCallStretch => ({
        person: person(s.memberId),
        overrideId: s.overrideId,
        start: s.start.toISOString(),
        startText: formatInZone(s.start, zone),
        end: s.end?.toISOString() ?? null,
        endText: s.end ? formatInZone(s.end, zone) : null,
      });
      const { now, next } = onCallNowAndNext(rotation, own, at, nextCount);
      return {
        level: l.level,
        target: l.target,
        timeZone: zone,
        rotation: rotation && {
          kind: rotation.kind,
          handoffTime: rotation.handoffTime,
          handoffDay: rotation.handoffDay,
          timeZone: rotation.timeZone,
          startDate: rotation.startDate,
          members: rotation.members.map((id) => person(id) ?? { id, name: "(deleted account)", email: "" }),
          updatedAt: rotation.updatedAt.toISOString(),
        },
        // Nobody on call: "since when" says nothing useful (the look-back's edge), so it is not shown.
        now: now.memberId === null ? { ...stretch(now), startText: "" } : stretch(now),
        next: next.map(stretch),
        overrides: own.map((o) => ({
          id: o.id,
          person: person(o.memberId),
          start: o.start.toISOString(),
          end: o.end.toISOString(),
          startText: formatInZone(o.start, zone),
          endText: formatInZone(o.end, zone),
          note: o.note,
        })),
      };
    });
  return { at: at.toISOString(), levels };
}

/** The people an admin may put on call: every console account. */
export async function listOnCallCandidates(actor: User): Promise<OnCallPerson[]> {
  requireRole(actor, "admin", refusal);
  return [...(await readPeople(await getDb())).values()];
}

async function requireLevel(tx: Queryable, level: number): Promise<string> {
  const found = (await readPolicy(tx)).find((l) => l.level === level);
  if (!found) throw notFound(`Level ${level} is not in the escalation chain.`);
  return found.target;
}

async function requirePeople(tx: Queryable, ids: string[]): Promise<Map<string, OnCallPerson>> {
  const people = await readPeople(tx, [...new Set(ids)]);
  const missing = ids.find((id) => !people.has(id));
  if (missing) throw invalid(`No console user has the id ${missing}.`);
  return people;
}

/** Creates or replaces a level's rotation (admins only). */
export async function saveRotation(actor: User, raw: unknown): Promise<void> {
  requireRole(actor, "admin", refusal);
  const input = parseInput(rotationInput, raw);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const target = await requireLevel(tx, input.level);
    const people = await requirePeople(tx, input.members);
    const before = (await readRotations(tx)).find((r) => r.level === input.level) ?? null;
    await writeRotation(tx, input, actor.id);
    await appendAudit(tx, {
      actor,
      action: "oncall.rotation.update",
      target: `on-call rotation: ${target}`,
      detail: {
        level: input.level,
        kind: input.kind,
        handoffTime: input.handoffTime,
        handoffDay: input.handoffDay,
        timeZone: input.timeZone,
        startDate: input.startDate,
        members: input.members.map((id) => people.get(id)!.email),
        created: before === null,
      },
    });
  });
}

/** Puts someone on call for a level for an interval, over the rotation (admins only). */
export async function addOverride(actor: User, raw: unknown): Promise<{ id: number }> {
  requireRole(actor, "admin", refusal);
  const input = parseInput(overrideInput, raw);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const target = await requireLevel(tx, input.level);
    const people = await requirePeople(tx, [input.userId]);
    const o = await insertOverride(tx, input, actor.id);
    await appendAudit(tx, {
      actor,
      action: "oncall.override.add",
      target: `on-call override: ${target}`,
      detail: {
        id: o.id,
        level: input.level,
        member: people.get(input.userId)!.email,
        start: o.start.toISOString(),
        end: o.end.toISOString(),
        note: o.note,
      },
    });
    return { id: o.id };
  });
}

/** Removes an override (admins only); the rotation decides again for its interval. */
export async function removeOverride(actor: User, raw: unknown): Promise<void> {
  requireRole(actor, "admin", refusal);
  const { id } = parseInput(overrideId, raw);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const o = await deleteOverride(tx, id);
    if (!o) throw notFound(`There is no override ${id}.`);
    const people = await readPeople(tx, [o.memberId]);
    await appendAudit(tx, {
      actor,
      action: "oncall.override.remove",
      target: `on-call override: level ${o.level}`,
      detail: {
        id: o.id,
        level: o.level,
        member: people.get(o.memberId)?.email ?? o.memberId,
        start: o.start.toISOString(),
        end: o.end.toISOString(),
      },
    });
  });
}
