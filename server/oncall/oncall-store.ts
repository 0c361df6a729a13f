import "server-only";
import { onCallAt, type Override, type Rotation } from "@/lib/oncall-rotation";
import type { RotationInput } from "@/lib/oncall-schema";
import type { Queryable } from "@/server/db";

/** The on-call schedules' SQL (migration 0014): rotations per escalation level, their members, and overrides. */

export interface StoredRotation extends Rotation {
  level: number;
  updatedAt: Date;
}

export interface StoredOverride extends Override {
  level: number;
  note: string;
}

export async function readRotations(db: Queryable): Promise<StoredRotation[]> {
  const r = await db.query<{
    level: number;
    kind: Rotation["kind"];
    handoff_time: string;
    handoff_day: number;
    time_zone: string;
    start_date: string;
    updated_at: Date;
    members: string[] | null;
  }>(
    `select r.level, r.kind, r.handoff_time, r.handoff_day, r.time_zone, to_char(r.start_date, 'YYYY-MM-DD') as start_date,
            r.updated_at, (select array_agg(m.user_id::text order by m.position) from oncall_rotation_members m where m.level = r.level) as members
       from oncall_rotations r order by r.level`,
  );
  return r.rows.map((x) => ({
    level: x.level,
    kind: x.kind,
    handoffTime: x.handoff_time,
    handoffDay: x.handoff_day,
    timeZone: x.time_zone,
    startDate: x.start_date,
    updatedAt: x.updated_at,
    members: x.members ?? [],
  }));
}

/** Creates or replaces a level's rotation and its members, in the caller's transaction. */
export async function writeRotation(tx: Queryable, input: RotationInput, actorId: string): Promise<void> {
  await tx.query(
    `insert into oncall_rotations (level, kind, handoff_time, handoff_day, time_zone, start_date, updated_at, updated_by)
     values ($1, $2, $3, $4, $5, $6::date, now(), $7)
     on conflict (level) do update set kind = excluded.kind, handoff_time = excluded.handoff_time,
       handoff_day = excluded.handoff_day, time_zone = excluded.time_zone, start_date = excluded.start_date,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [input.level, input.kind, input.handoffTime, input.handoffDay, input.timeZone, input.startDate, actorId],
  );
  await tx.query("delete from oncall_rotation_members where level = $1", [input.level]);
  await tx.query(
    `insert into oncall_rotation_members (level, position, user_id)
     select $1, m.ord - 1, m.id from unnest($2::uuid[]) with ordinality as m(id, ord)`,
    [input.level, input.members],
  );
}

type OverrideRow = {
  id: string;
  level: number;
  user_id: string;
  starts_at: Date;
  ends_at: Date;
  note: string;
  created_at: Date;
};
const toOverride = (x: OverrideRow): StoredOverride => ({
  id: Number(x.id),
  level: x.level,
  memberId: x.user_id,
  start: x.starts_at,
  end: x.ends_at,
  note: x.note,
  createdAt: x.created_at,
});

/** Overrides that have not ended by `since`, every level, in start order. */
export async function readOverrides(db: Queryable, since: Date): Promise<StoredOverride[]> {
  const r = await db.query<OverrideRow>(
    "select id, level, user_id, starts_at, ends_at, note, created_at from oncall_overrides where ends_at > $1 order by starts_at, id",
    [since.toISOString()],
  );
  return r.rows.map(toOverride);
}

export async function insertOverride(
  tx: Queryable,
  o: { level: number; userId: string; start: Date; end: Date; note: string },
  actorId: string,
): Promise<StoredOverride> {
  const r = await tx.query<OverrideRow>(
    `insert into oncall_overrides (level, user_id, starts_at, ends_at, note, created_by) values ($1, $2, $3, $4, $5, $6)
     returning id, level, user_id, starts_at, ends_at, note, created_at`,
    [o.level, o.userId, o.start.toISOString(), o.end.toISOString(), o.note, actorId],
  );
  return toOverride(r.rows[0]!);
}

/** Deletes an override; returns it, or null when there was none. */
export async function deleteOverride(tx: Queryable, id: number): Promise<StoredOverride | null> {
  const r = await tx.query<OverrideRow>(
    "delete from oncall_overrides where id = $1 returning id, level, user_id, starts_at, ends_at, note, created_at",
    [id],
  );
  return r.rows[0] ? toOverride(r.rows[0]) : null;
}

/** The accounts among `ids` that exist, by id. */
export async function readPeople(
  db: Queryable,
  ids?: string[],
): Promise<Map<string, { id: string; name: string; email: string }>> {
  const r = ids
    ? await db.query<{ id: string; name: string; email: string }>(
        "select id::text, name, email from users where id = any($1::uuid[]) order by name",
        [ids],
      )
    : await db.query<{ id: string; name: string; email: string }>(
        "select id::text, name, email from users order by name, email",
      );
  return new Map(r.rows.map((u) => [u.id, u]));
}

/** Who is on call at one level at `at`, for the pager: the override, else the rotation's member, else nobody. */
export async function onCallPersonAt(
  db: Queryable,
  level: number,
  at = new Date(),
): Promise<{ id: string; name: string; email: string } | null> {
  const [rotations, overrides] = await Promise.all([readRotations(db), readOverrides(db, at)]);
  const rotation = rotations.find((r) => r.level === level) ?? null;
  const { memberId } = onCallAt(
    rotation,
    overrides.filter((o) => o.level === level),
    at,
  );
  return memberId ? ((await readPeople(db, [memberId])).get(memberId) ?? null) : null;
}
