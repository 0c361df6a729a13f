"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userContactMethodInput } from "@/lib/contact-method-schema";
import * as session from "@/server/auth/session";
import * as users from "@/server/auth/user-service";
import * as contacts from "@/server/notify/contact-methods-service";
import { byId, formAction, serverAction } from "@/server/server-action";

/**
 * The user administration's form actions, for admins only. Each work function is `async`: in a "use server" file
 * Next.js refuses a synchronous function passed in an export's initializer.
 */

const account = (form: FormData) => ({ userId: form.get("userId") });

/** An admin changes a user's role; the last admin cannot be demoted. */
export const setUserRole = formAction(
  {
    role: "admin",
    input: users.setRoleInput,
    fromForm: (form) => ({ userId: form.get("userId"), role: form.get("role") }),
  },
  async (input, actor) => {
    const user = await users.setUserRole(actor, input);
    revalidatePath("/admin/users");
    return { email: user.email, role: user.role };
  },
);

/** An admin lifts a sign-in lock; the account may sign in again at once. */
export const unlockUser = formAction(
  { role: "admin", input: users.unlockUserInput, fromForm: account },
  async (input, actor) => {
    const user = await users.unlockUser(actor, input);
    revalidatePath("/admin/users");
    return { email: user.email };
  },
);

/** An admin ends every session of an account and revokes the API tokens it created, at once. */
export const endUserSessions = formAction(
  { role: "admin", input: session.endSessionsInput, fromForm: account },
  async (input, actor) => {
    const ended = await session.endUserSessions(actor, input);
    revalidatePath("/admin/users");
    revalidatePath("/admin/tokens");
    return { email: ended.email, tokensRevoked: ended.tokensRevoked.length };
  },
);

const contactsChanged = () => {
  revalidatePath("/admin/users");
  revalidatePath("/on-call");
};

/** An admin adds a contact method for anyone (how pages reach them); audited under the admin's name. */
export const addUserContactMethod = formAction(
  {
    role: "admin",
    input: userContactMethodInput,
    labels: { userId: "Person", kind: "Kind", address: "Address", label: "Label" },
    fromForm: (form) => ({
      userId: form.get("userId"),
      kind: form.get("kind"),
      address: form.get("address"),
      label: form.get("label") ?? "",
    }),
  },
  async (input, actor) => {
    const added = await contacts.addContactMethod(actor, input);
    contactsChanged();
    return added;
  },
);

/** An admin removes anyone's contact method. */
export const removeUserContactMethod = serverAction(
  { role: "admin", input: byId.extend({ userId: z.uuid({ error: "must be a console user" }) }) },
  async (input, actor) => {
    await contacts.removeContactMethod(actor, input);
    contactsChanged();
  },
);
