"use server";

import { revalidatePath } from "next/cache";
import * as session from "@/server/auth/session";
import * as users from "@/server/auth/user-service";
import { formAction } from "@/server/server-action";

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
