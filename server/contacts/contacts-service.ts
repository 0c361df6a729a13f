import "server-only";
import { contactCategoriesFor, scenarioNarrowsContacts } from "@/lib/contact-needs";
import { contactId, contactInput, contactMove, contactUpdate, type ContactFields } from "@/lib/contact-schema";
import {
  groupContacts,
  sortContacts,
  type ContactCategory,
  type ContactView,
  type DirectoryPerson,
} from "@/lib/contacts";
import type { OnCallBoard } from "@/lib/oncall-view";
import { appendAudit } from "@/server/audit/append-audit";
import { requireRole } from "@/server/auth/require-role";
import { readUsers, type User } from "@/server/auth/users";
import { getDb } from "@/server/db";
import { notFound, parseInput } from "@/server/errors";
import { readOnCallBoard } from "@/server/oncall/oncall-service";
import {
  deleteContactRow,
  insertContact,
  lockCategory,
  readContact,
  readContacts,
  writeCategoryOrder,
  writeContact,
} from "./contacts-store";

/**
 * The contacts directory: external contacts (CDN providers, database support, the infrastructure provider…) that
 * admins edit, and the console's people with their roles and on-call levels. Everyone signed in reads; every change
 * is checked, validated and audited in its own transaction, so a refused or invalid request writes nothing.
 */

const refusal = { refusal: "Only admins can change contacts." };

const fieldKeys = [
  "name",
  "category",
  "provider",
  "purpose",
  "phone",
  "email",
  "url",
  "statusPageUrl",
  "notes",
] as const satisfies readonly (keyof ContactFields)[];

/** External contacts in the directory's order, all or those of the given categories. */
export async function listContacts(actor: User, categories?: readonly ContactCategory[]): Promise<ContactView[]> {
  requireRole(actor, "viewer", "Reading contacts");
  return sortContacts(await readContacts(await getDb(), categories));
}

export interface ContactDirectory {
  contacts: ContactView[];
  people: DirectoryPerson[];
  onCall: OnCallBoard;
}

/** The whole directory: external contacts, every console user with their on-call levels, and who is on call now. */
export async function readContactDirectory(actor: User, at = new Date()): Promise<ContactDirectory> {
  requireRole(actor, "viewer", "Reading contacts");
  const db = await getDb();
  const [contacts, users, onCall] = await Promise.all([readContacts(db), readUsers(db), readOnCallBoard(actor, at)]);
  const people = users
    .map((u): DirectoryPerson => ({
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      levels: onCall.levels
        .filter((l) => l.rotation?.members.some((m) => m.id === u.id))
        .map((l) => ({ level: l.level, target: l.target })),
      onCallNow: onCall.levels
        .filter((l) => l.now.person?.id === u.id)
        .map((l) => ({ level: l.level, target: l.target })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
  return { contacts: sortContacts(contacts), people, onCall };
}

export interface IncidentContacts {
  /** false: the incident has no scenario (or one the table does not know), and every category is shown. */
  narrowed: boolean;
  /** The categories it needs, in the scenario's order, each with its contacts (possibly none). */
  groups: { category: ContactCategory; label: string; contacts: ContactView[] }[];
}

/** The contacts an incident of this scenario needs (lib/contact-needs.ts), grouped in the scenario's order. */
export async function readIncidentContacts(actor: User, scenarioId: string | null): Promise<IncidentContacts> {
  requireRole(actor, "viewer", "Reading contacts");
  const categories = contactCategoriesFor(scenarioId);
  const narrowed = scenarioNarrowsContacts(scenarioId);
  const contacts = await readContacts(await getDb(), categories);
  // Without a scenario, only the categories that have contacts; with one, each category it needs, even empty.
  return { narrowed, groups: groupContacts(contacts, categories, narrowed) };
}

const fieldsOf = (c: ContactView): ContactFields => ({
  name: c.name,
  category: c.category,
  provider: c.provider,
  purpose: c.purpose,
  phone: c.phone,
  email: c.email,
  url: c.url,
  statusPageUrl: c.statusPageUrl,
  notes: c.notes,
});

/** Adds an external contact at the end of its category (admins only). */
export async function createContact(actor: User, raw: unknown): Promise<{ id: number }> {
  requireRole(actor, "admin", refusal);
  const input = parseInput(contactInput, raw);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const id = await insertContact(tx, input, actor.id);
    await appendAudit(tx, {
      actor,
      action: "contact.create",
      target: `contact: ${input.name}`,
      detail: { id, ...input },
    });
    return { id };
  });
}

/** Changes an external contact's fields (admins only); returns the fields that changed, none when nothing did. */
export async function updateContact(actor: User, raw: unknown): Promise<{ changed: string[] }> {
  requireRole(actor, "admin", refusal);
  const { id, ...input } = parseInput(contactUpdate, raw);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const before = await readContact(tx, id, true);
    if (!before) throw notFound(`There is no contact ${id}.`);
    const old = fieldsOf(before);
    const changed = fieldKeys.filter((k) => old[k] !== input[k]);
    if (!changed.length) return { changed };
    await writeContact(tx, id, input, before, actor.id);
    await appendAudit(tx, {
      actor,
      action: "contact.update",
      target: `contact: ${input.name}`,
      detail: { id, changes: Object.fromEntries(changed.map((k) => [k, { from: old[k], to: input[k] }])) },
    });
    return { changed };
  });
}

/** Removes an external contact (admins only). */
export async function deleteContact(actor: User, raw: unknown): Promise<void> {
  requireRole(actor, "admin", refusal);
  const { id } = parseInput(contactId, raw);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const before = await readContact(tx, id, true);
    if (!before) throw notFound(`There is no contact ${id}.`);
    await deleteContactRow(tx, id);
    await appendAudit(tx, {
      actor,
      action: "contact.delete",
      target: `contact: ${before.name}`,
      detail: { id, ...fieldsOf(before) },
    });
  });
}

/** Moves an external contact one place up or down within its category (admins only); false when it cannot go further. */
export async function moveContact(actor: User, raw: unknown): Promise<{ moved: boolean }> {
  requireRole(actor, "admin", refusal);
  const { id, direction } = parseInput(contactMove, raw);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const contact = await readContact(tx, id);
    if (!contact) throw notFound(`There is no contact ${id}.`);
    const ids = await lockCategory(tx, contact.category);
    const i = ids.indexOf(id);
    // Deleted or moved to another category since the read: nothing here to move.
    if (i < 0) throw notFound(`There is no contact ${id}.`);
    const j = direction === "up" ? i - 1 : i + 1;
    if (j < 0 || j >= ids.length) return { moved: false };
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    await writeCategoryOrder(tx, ids);
    await appendAudit(tx, {
      actor,
      action: "contact.move",
      target: `contact: ${contact.name}`,
      detail: { id, category: contact.category, direction, position: j },
    });
    return { moved: true };
  });
}
