import "server-only";
import type { ContactFields } from "@/lib/contact-schema";
import type { ContactCategory, ContactView } from "@/lib/contacts";
import type { Queryable } from "@/server/db";

/** The contacts directory's SQL (migration 0015): external contacts by category, ordered within each. */

type ContactRow = {
  id: number;
  name: string;
  category: ContactCategory;
  provider: string;
  purpose: string;
  phone: string;
  email: string;
  url: string;
  status_page_url: string;
  notes: string;
  position: number;
  updated_at: Date;
  updated_by_name: string | null;
};

const columns = `c.id, c.name, c.category, c.provider, c.purpose, c.phone, c.email, c.url, c.status_page_url, c.notes,
  c.position, c.updated_at, u.name as updated_by_name`;
const from = "contacts c left join users u on u.id = c.updated_by";

const toContact = (r: ContactRow): ContactView => ({
  id: r.id,
  name: r.name,
  category: r.category,
  provider: r.provider,
  purpose: r.purpose,
  phone: r.phone,
  email: r.email,
  url: r.url,
  statusPageUrl: r.status_page_url,
  notes: r.notes,
  position: r.position,
  updatedAt: r.updated_at.toISOString(),
  updatedBy: r.updated_by_name,
});

/** Contacts, all or those of the given categories, by position then id (the caller orders the categories). */
export async function readContacts(db: Queryable, categories?: readonly ContactCategory[]): Promise<ContactView[]> {
  const r = categories
    ? await db.query<ContactRow>(
        `select ${columns} from ${from} where c.category = any($1::text[]) order by c.position, c.id`,
        [categories],
      )
    : await db.query<ContactRow>(`select ${columns} from ${from} order by c.position, c.id`);
  return r.rows.map(toContact);
}

/** One contact; with `forUpdate`, its row stays locked until the caller's transaction ends. */
export async function readContact(db: Queryable, id: number, forUpdate = false): Promise<ContactView | null> {
  const r = await db.query<ContactRow>(
    `select ${columns} from ${from} where c.id = $1${forUpdate ? " for update of c" : ""}`,
    [id],
  );
  return r.rows[0] ? toContact(r.rows[0]) : null;
}

/** The position after the last contact of a category. */
async function nextPosition(tx: Queryable, category: ContactCategory): Promise<number> {
  const r = await tx.query<{ n: number }>(
    "select coalesce(max(position) + 1, 0)::int as n from contacts where category = $1",
    [category],
  );
  return r.rows[0]!.n;
}

/** Adds a contact at the end of its category, in the caller's transaction; returns its id. */
export async function insertContact(tx: Queryable, input: ContactFields, actorId: string): Promise<number> {
  const position = await nextPosition(tx, input.category);
  const r = await tx.query<{ id: number }>(
    `insert into contacts (name, category, provider, purpose, phone, email, url, status_page_url, notes, position,
       updated_at, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), $11) returning id`,
    [
      input.name,
      input.category,
      input.provider,
      input.purpose,
      input.phone,
      input.email,
      input.url,
      input.statusPageUrl,
      input.notes,
      position,
      actorId,
    ],
  );
  return r.rows[0]!.id;
}

/** Writes a contact's fields; a contact moved to another category goes to that category's end. */
export async function writeContact(
  tx: Queryable,
  id: number,
  input: ContactFields,
  before: Pick<ContactView, "category" | "position">,
  actorId: string,
): Promise<void> {
  const position = input.category === before.category ? before.position : await nextPosition(tx, input.category);
  await tx.query(
    `update contacts set name = $2, category = $3, provider = $4, purpose = $5, phone = $6, email = $7, url = $8,
       status_page_url = $9, notes = $10, position = $11, updated_at = now(), updated_by = $12
     where id = $1`,
    [
      id,
      input.name,
      input.category,
      input.provider,
      input.purpose,
      input.phone,
      input.email,
      input.url,
      input.statusPageUrl,
      input.notes,
      position,
      actorId,
    ],
  );
}

export async function deleteContactRow(tx: Queryable, id: number): Promise<void> {
  await tx.query("delete from contacts where id = $1", [id]);
}

/** A category's contact ids in their order, the rows locked until the caller's transaction ends. */
export async function lockCategory(tx: Queryable, category: ContactCategory): Promise<number[]> {
  const r = await tx.query<{ id: number }>(
    "select id from contacts where category = $1 order by position, id for update",
    [category],
  );
  return r.rows.map((x) => x.id);
}

/** Numbers a category's contacts 0, 1, 2… in the given order of ids (the category's whole list). */
export async function writeCategoryOrder(tx: Queryable, ids: number[]): Promise<void> {
  await tx.query(
    `update contacts c set position = o.ord - 1
       from unnest($1::int[]) with ordinality as o(id, ord)
      where c.id = o.id and c.position is distinct from o.ord - 1`,
    [ids],
  );
}
