import "server-only";
import type { ContactKind, ContactMethod } from "@/lib/contact-methods";
import type { Queryable } from "@/server/db";

/** The contact methods' SQL (migration 0016): a person's ways of being paged, in their order. */

type Row = {
  id: string;
  user_id: string;
  kind: ContactKind;
  address: string;
  label: string;
  position: number;
  created_at: Date;
};
const columns = "id, user_id::text as user_id, kind, address, label, position, created_at";
const toMethod = (r: Row): ContactMethod => ({
  id: Number(r.id),
  userId: r.user_id,
  kind: r.kind,
  address: r.address,
  label: r.label,
  position: r.position,
  createdAt: r.created_at,
});

/** Every contact method of one person, in their order: what a page to them is sent to. */
export async function readContactMethods(db: Queryable, userId: string): Promise<ContactMethod[]> {
  const r = await db.query<Row>(`select ${columns} from contact_methods where user_id = $1 order by position, id`, [
    userId,
  ]);
  return r.rows.map(toMethod);
}

/** Everyone's contact methods, each person's in their order (the users administration). */
export async function readAllContactMethods(db: Queryable): Promise<ContactMethod[]> {
  const r = await db.query<Row>(`select ${columns} from contact_methods order by user_id, position, id`);
  return r.rows.map(toMethod);
}

/**
 * The person's account, its row locked until the caller's transaction ends, so two adds at once cannot both pass the
 * count check or take the same position; null when there is no such account.
 */
export async function lockOwner(tx: Queryable, userId: string): Promise<{ id: string; email: string } | null> {
  const r = await tx.query<{ id: string; email: string }>(
    "select id::text as id, email from users where id = $1 for update",
    [userId],
  );
  return r.rows[0] ?? null;
}

/** Adds a method at the end of the person's list; null when they already have this address for this kind. */
export async function insertContactMethod(
  tx: Queryable,
  m: { userId: string; kind: ContactKind; address: string; label: string },
  actorId: string,
): Promise<ContactMethod | null> {
  const r = await tx.query<Row>(
    `insert into contact_methods (user_id, kind, address, label, position, created_by)
     values ($1, $2, $3, $4, (select coalesce(max(position) + 1, 0) from contact_methods where user_id = $1), $5)
     on conflict (user_id, kind, address) do nothing
     returning ${columns}`,
    [m.userId, m.kind, m.address, m.label, actorId],
  );
  return r.rows[0] ? toMethod(r.rows[0]) : null;
}

/** Deletes one of the person's methods; returns it, or null when they have none with this id. */
export async function deleteContactMethod(tx: Queryable, userId: string, id: number): Promise<ContactMethod | null> {
  const r = await tx.query<Row>(`delete from contact_methods where id = $1 and user_id = $2 returning ${columns}`, [
    id,
    userId,
  ]);
  return r.rows[0] ? toMethod(r.rows[0]) : null;
}
