"use server";

import { revalidatePath } from "next/cache";
import {
  contactFieldLabels,
  contactFromForm,
  contactId,
  contactInput,
  contactMove,
  contactUpdate,
} from "@/lib/contact-schema";
import * as contacts from "@/server/contacts/contacts-service";
import { formAction, serverAction } from "@/server/server-action";

/**
 * The contacts directory's server actions, for admins only; the service checks the role again, validates, and audits
 * each change in its transaction. Each work function is `async`, as a "use server" file needs.
 */

const changed = () => {
  revalidatePath("/admin/contacts");
  revalidatePath("/contacts");
};

/** An admin adds an external contact at the end of its category. */
export const createContact = formAction(
  { role: "admin", input: contactInput, labels: contactFieldLabels, fromForm: contactFromForm },
  async (input, actor) => {
    const created = await contacts.createContact(actor, input);
    changed();
    return created;
  },
);

/** An admin changes an external contact's fields; the result names the fields that changed (none: nothing written). */
export const updateContact = formAction(
  { role: "admin", input: contactUpdate, labels: contactFieldLabels, fromForm: contactFromForm },
  async (input, actor) => {
    const result = await contacts.updateContact(actor, input);
    if (result.changed.length) changed();
    return result;
  },
);

/** An admin removes an external contact (from the two-step confirm button). */
export const deleteContact = formAction(
  { role: "admin", input: contactId, fromForm: (form) => ({ id: form.get("id") }) },
  async (input, actor) => {
    await contacts.deleteContact(actor, input);
    changed();
  },
);

/** An admin moves an external contact one place up or down within its category. */
export const moveContact = serverAction({ role: "admin", input: contactMove }, async (input, actor) => {
  const result = await contacts.moveContact(actor, input);
  if (result.moved) changed();
  return result;
});
