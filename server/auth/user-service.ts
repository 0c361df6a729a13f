import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/role-schema";
import { appendAudit } from "@/server/audit/append-audit";
import { getDb } from "@/server/db";
import { conflict, notFound } from "@/server/errors";
import { requireRole } from "./require-role";
import { clearAttempts, lockedAccounts } from "./throttle";
import { usersChanged } from "./user-cache";
import { lockAdmins, readUser, readUsers, writeUserRole, type User } from "./users";

/** What admins do to accounts: each change is checked here and audited in its own transaction. */

export async function listUsers(actor: User): Promise<User[]> {
  requireRole(actor, "admin", { refusal: "Only admins can list users." });
  return readUsers(await getDb());
}

export const setRoleInput = z.object({ userId: z.uuid("Pick a user."), role: roleSchema });

/** Changes a user's role; an admin cannot remove the last admin. */
export async function setUserRole(actor: User, input: z.infer<typeof setRoleInput>): Promise<User> {
  requireRole(actor, "admin", { refusal: "Only admins can change roles." });
  const db = await getDb();
  const updated = await db.transaction(async (tx) => {
    // Lock the admins so two demotions at once cannot leave none.
    const admins = await lockAdmins(tx);
    const target = await readUser(tx, input.userId, true);
    if (!target) throw notFound("That user no longer exists.");
    if (target.role === input.role) return target;
    if (target.role === "admin" && admins <= 1)
      throw conflict("This is the last admin; make someone else admin first.");
    const changed = await writeUserRole(tx, input.userId, input.role);
    await appendAudit(tx, {
      actor,
      action: "user.set-role",
      target: target.email,
      detail: { from: target.role, to: input.role },
    });
    return changed;
  });
  usersChanged();
  return updated;
}

/** Which accounts are locked by failed sign-ins now, by user id, with when each lock ends. */
export async function listAccountLocks(actor: User): Promise<Map<string, Date>> {
  requireRole(actor, "admin", { refusal: "Only admins can see locked accounts." });
  return lockedAccounts(await getDb());
}

export const unlockUserInput = z.object({ userId: z.uuid("Pick a user.") });

/** Lifts a sign-in lock (and forgets the account's failed attempts); audited in the same transaction. */
export async function unlockUser(actor: User, input: z.infer<typeof unlockUserInput>): Promise<User> {
  requireRole(actor, "admin", { refusal: "Only admins can unlock accounts." });
  const db = await getDb();
  return db.transaction(async (tx) => {
    const target = await readUser(tx, input.userId, true);
    if (!target) throw notFound("That user no longer exists.");
    const cleared = await clearAttempts(tx, "account", target.email);
    if (!cleared?.locked || !cleared.lockedUntil) throw conflict(`${target.email} is not locked.`);
    await appendAudit(tx, {
      actor,
      action: "user.unlock",
      target: target.email,
      detail: { failures: cleared.failures, lockedUntil: cleared.lockedUntil.toISOString() },
    });
    return target;
  });
}
