"use server";

import { revalidatePath } from "next/cache";
import { contactMethodInput } from "@/lib/contact-method-schema";
import * as contacts from "@/server/notify/contact-methods-service";
import { byId, formAction, serverAction } from "@/server/server-action";

/**
 * A person's own contact methods (how pages reach them): everyone signed in keeps their own. The service checks the
 * role and the owner again, validates, and audits each change in its transaction. Each work function is `async`, as
 * a "use server" file needs.
 */

const changed = () => {
  revalidatePath("/on-call");
  revalidatePath("/admin/users");
};

/** Adds one of the caller's own contact methods: PagerDuty integration key, webhook URL or email address. */
export const addMyContactMethod = formAction(
  {
    role: "viewer",
    input: contactMethodInput,
    labels: { kind: "Kind", address: "Address", label: "Label" },
    fromForm: (form) => ({ kind: form.get("kind"), address: form.get("address"), label: form.get("label") ?? "" }),
  },
  async (input, actor) => {
    const added = await contacts.addContactMethod(actor, { ...input, userId: actor.id });
    changed();
    return added;
  },
);

/** Removes one of the caller's own contact methods. */
export const removeMyContactMethod = serverAction({ role: "viewer", input: byId }, async ({ id }, actor) => {
  await contacts.removeContactMethod(actor, { id, userId: actor.id });
  changed();
});
