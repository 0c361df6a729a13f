import "server-only";
import { contactMethodOwner, contactMethodRef, userContactMethodInput } from "@/lib/contact-method-schema";
import {
  contactKindLabels,
  contactMethodView,
  maskAddress,
  MAX_CONTACT_METHODS,
  type ContactMethod,
  type ContactMethodView,
} from "@/lib/contact-methods";
import { hasRole } from "@/lib/roles";
import { appendAudit } from "@/server/audit/append-audit";
import { requireRole } from "@/server/auth/require-role";
import type { User } from "@/server/auth/users";
import { getDb } from "@/server/db";
import { conflict, forbidden, notFound, parseInput } from "@/server/errors";
import {
  deleteContactMethod,
  insertContactMethod,
  lockOwner,
  readAllContactMethods,
  readContactMethods,
} from "./contact-methods-store";

/**
 * Contact methods: everyone signed in (viewer and up) keeps their own; admins see and change anyone's. Each change
 * is audited in its own transaction; a refused or invalid change writes nothing. What a page does with them is
 * ./deliver-page.
 */

/** Refuses anyone but the person themselves or an admin, before anything else of the input is read. */
function requireOwnerOrAdmin(actor: User, raw: unknown, doing: string): string {
  requireRole(actor, "viewer", doing);
  const { userId } = parseInput(contactMethodOwner, raw);
  if (userId !== actor.id && !hasRole(actor.role, "admin"))
    throw forbidden("Only admins can see or change someone else's contact methods.");
  return userId;
}

const auditDetail = (m: ContactMethod, ownerEmail: string) => ({
  id: m.id,
  owner: ownerEmail,
  kind: m.kind,
  // Never the key or the webhook's token: the audit log is read by every admin and exported.
  address: maskAddress(m.kind, m.address),
  label: m.label,
});

/** A person's contact methods as pages show them (no secret in them): their own, or anyone's for an admin. */
export async function listContactMethods(actor: User, raw: unknown): Promise<ContactMethodView[]> {
  const userId = requireOwnerOrAdmin(actor, raw, "Reading contact methods");
  return (await readContactMethods(await getDb(), userId)).map(contactMethodView);
}

/** Everyone's contact methods by account id, as pages show them (admins only). */
export async function listAllContactMethods(actor: User): Promise<Map<string, ContactMethodView[]>> {
  requireRole(actor, "admin", { refusal: "Only admins can see everyone's contact methods." });
  const byUser = new Map<string, ContactMethodView[]>();
  for (const m of await readAllContactMethods(await getDb())) {
    const list = byUser.get(m.userId) ?? [];
    list.push(contactMethodView(m));
    byUser.set(m.userId, list);
  }
  return byUser;
}

/** Adds a contact method at the end of the person's list. */
export async function addContactMethod(actor: User, raw: unknown): Promise<ContactMethodView> {
  const userId = requireOwnerOrAdmin(actor, raw, "Adding a contact method");
  const input = parseInput(userContactMethodInput, raw);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const owner = await lockOwner(tx, userId);
    if (!owner) throw notFound(`No console user has the id ${userId}.`);
    const own = owner.id === actor.id;
    if ((await readContactMethods(tx, userId)).length >= MAX_CONTACT_METHODS)
      throw conflict(
        `${own ? "You have" : `${owner.email} has`} ${MAX_CONTACT_METHODS} contact methods already; remove one first.`,
      );
    const m = await insertContactMethod(tx, { ...input, userId }, actor.id);
    if (!m)
      throw conflict(
        `This ${contactKindLabels[input.kind]} address is already one of ${own ? "your" : `${owner.email}'s`} contact methods.`,
      );
    await appendAudit(tx, {
      actor,
      action: "contact_method.add",
      target: `contact methods: ${owner.email}`,
      detail: auditDetail(m, owner.email),
    });
    return contactMethodView(m);
  });
}

/** Removes one of the person's contact methods; pages no longer go to it. */
export async function removeContactMethod(actor: User, raw: unknown): Promise<void> {
  const userId = requireOwnerOrAdmin(actor, raw, "Removing a contact method");
  const { id } = parseInput(contactMethodRef, raw);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const owner = await lockOwner(tx, userId);
    const m = owner && (await deleteContactMethod(tx, userId, id));
    if (!owner || !m)
      throw notFound(`${owner?.id === actor.id ? "You have" : "That person has"} no contact method ${id}.`);
    await appendAudit(tx, {
      actor,
      action: "contact_method.remove",
      target: `contact methods: ${owner.email}`,
      detail: auditDetail(m, owner.email),
    });
  });
}
