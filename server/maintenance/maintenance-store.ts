import "server-only";
import type { MaintenanceComponent, MaintenanceWindowView } from "@/lib/maintenance";
import type { MaintenanceInput } from "@/lib/maintenance-schema";
import type { Queryable } from "@/server/db";

/** Maintenance windows' SQL (migration 0018). A window is never deleted; cancelling stamps it. */

type WindowRow = {
  id: number | string;
  title: string;
  reason: string;
  starts_at: Date;
  ends_at: Date;
  regions: string[];
  components: MaintenanceComponent[];
  public: boolean;
  created_at: Date;
  cancelled_at: Date | null;
  created_by_name: string | null;
  cancelled_by_name: string | null;
};

const columns = `w.id, w.title, w.reason, w.starts_at, w.ends_at, w.regions, w.components, w.public, w.created_at,
  w.cancelled_at, c.name as created_by_name, x.name as cancelled_by_name`;
const from = `maintenance_windows w left join users c on c.id = w.created_by left join users x on x.id = w.cancelled_by`;

const toView = (r: WindowRow): MaintenanceWindowView => ({
  id: Number(r.id),
  title: r.title,
  reason: r.reason,
  startsAt: r.starts_at.toISOString(),
  endsAt: r.ends_at.toISOString(),
  regions: r.regions,
  components: r.components,
  public: r.public,
  createdBy: r.created_by_name,
  createdAt: r.created_at.toISOString(),
  cancelledAt: r.cancelled_at?.toISOString() ?? null,
  cancelledBy: r.cancelled_by_name,
});

/** The windows in progress at `at` (start inclusive, end exclusive), not cancelled; soonest to end first. */
export async function readActiveWindows(db: Queryable, at: Date): Promise<MaintenanceWindowView[]> {
  const r = await db.query<WindowRow>(
    `select ${columns} from ${from}
     where w.cancelled_at is null and w.starts_at <= $1 and w.ends_at > $1 order by w.ends_at, w.id`,
    [at.toISOString()],
  );
  return r.rows.map(toView);
}

/** The windows not cancelled that have not ended at `at`: in progress and upcoming, by start. */
export async function readUpcomingAndActive(db: Queryable, at: Date): Promise<MaintenanceWindowView[]> {
  const r = await db.query<WindowRow>(
    `select ${columns} from ${from}
     where w.cancelled_at is null and w.ends_at > $1 order by w.starts_at, w.id limit 200`,
    [at.toISOString()],
  );
  return r.rows.map(toView);
}

/** Windows that ended or were cancelled since `since`, the latest first. */
export async function readPastWindows(
  db: Queryable,
  at: Date,
  since: Date,
  limit = 20,
): Promise<MaintenanceWindowView[]> {
  const r = await db.query<WindowRow>(
    `select ${columns} from ${from}
     where (w.cancelled_at is not null or w.ends_at <= $1) and coalesce(w.cancelled_at, w.ends_at) >= $2
     order by coalesce(w.cancelled_at, w.ends_at) desc, w.id desc limit $3`,
    [at.toISOString(), since.toISOString(), limit],
  );
  return r.rows.map(toView);
}

/** One window; with `forUpdate`, its row stays locked until the caller's transaction ends. */
export async function readWindow(db: Queryable, id: number, forUpdate = false): Promise<MaintenanceWindowView | null> {
  const r = await db.query<WindowRow>(
    `select ${columns} from ${from} where w.id = $1${forUpdate ? " for update of w" : ""}`,
    [id],
  );
  return r.rows[0] ? toView(r.rows[0]) : null;
}

/** Adds a window in the caller's transaction; returns its id. */
export async function insertWindow(tx: Queryable, input: MaintenanceInput, actorId: string): Promise<number> {
  const r = await tx.query<{ id: number | string }>(
    `insert into maintenance_windows (title, reason, starts_at, ends_at, regions, components, public, created_by)
     values ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8) returning id`,
    [input.title, input.reason, input.startsAt, input.endsAt, input.regions, input.components, input.public, actorId],
  );
  return Number(r.rows[0]!.id);
}

/** Stamps a window cancelled, in the caller's transaction. */
export async function markWindowCancelled(tx: Queryable, id: number, at: Date, actorId: string): Promise<void> {
  await tx.query("update maintenance_windows set cancelled_at = $2, cancelled_by = $3 where id = $1", [
    id,
    at.toISOString(),
    actorId,
  ]);
}

/** Brings a window's end forward to `at` (never later than it was), in the caller's transaction: a drill ended. */
export async function endWindowBy(tx: Queryable, id: number, at: Date): Promise<void> {
  await tx.query(
    "update maintenance_windows set ends_at = least(ends_at, greatest(starts_at + interval '1 second', $2::timestamptz)) where id = $1",
    [id, at.toISOString()],
  );
}
