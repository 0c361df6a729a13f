"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action-result";
import { endSessionsInput, endUserSessions, requireUser } from "@/server/auth/session";
import { setRoleInput, setUserRole, unlockUser, unlockUserInput } from "@/server/auth/users";
import { toActionResult } from "@/server/boundary";
import { parseInput } from "@/server/errors";

type Result = ActionResult<{ email: string; role: string }>;

export async function setUserRoleAction(_prev: Result | null, form: FormData): Promise<Result> {
  return toActionResult(async () => {
    const actor = await requireUser("admin");
    const input = parseInput(setRoleInput, { userId: form.get("userId"), role: form.get("role") });
    const user = await setUserRole(actor, input);
    revalidatePath("/admin/users");
    return { email: user.email, role: user.role };
  });
}

type UnlockResult = ActionResult<{ email: string }>;

/** An admin lifts a sign-in lock; the account may sign in again at once. */
export async function unlockUserAction(_prev: UnlockResult | null, form: FormData): Promise<UnlockResult> {
  return toActionResult(async () => {
    const actor = await requireUser("admin");
    const input = parseInput(unlockUserInput, { userId: form.get("userId") });
    const user = await unlockUser(actor, input);
    revalidatePath("/admin/users");
    return { email: user.email };
  });
}

type EndSessionsResult = ActionResult<{ email: string; tokensRevoked: number }>;

/** An admin ends every session of an account and revokes the API tokens it created, at once. */
export async function endUserSessionsAction(_prev: EndSessionsResult | null, form: FormData): Promise<EndSessionsResult> {
  return toActionResult(async () => {
    const actor = await requireUser("admin");
    const input = parseInput(endSessionsInput, { userId: form.get("userId") });
    const ended = await endUserSessions(actor, input);
    revalidatePath("/admin/users");
    revalidatePath("/admin/tokens");
    return { email: ended.email, tokensRevoked: ended.tokensRevoked.length };
  });
}
