import "server-only";
import { getServerSession } from "next-auth";
import { hasRole, type Role } from "@/lib/roles";
import { storeProblem } from "@/server/db";
import { forbidden, ServiceError, unauthenticated } from "@/server/errors";
import { authOptions } from "./options";
import { findUserById, type User } from "./users";

/** The signed-in user as the store knows them now: a role changed by an admin applies at once. */
export async function currentUser(): Promise<User | null> {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  return id ? findUserById(id) : null;
}

/** For pages: the user, or the store's error when it cannot be reached (pages render it instead of crashing). */
export async function currentUserOrStoreError(): Promise<{ user: User | null; storeError: string | null }> {
  const problem = await storeProblem();
  if (problem) return { user: null, storeError: problem };
  try {
    return { user: await currentUser(), storeError: null };
  } catch (err) {
    if (err instanceof ServiceError && err.code === "unavailable") return { user: null, storeError: err.message };
    throw err;
  }
}

/** The caller, who must be signed in with at least the given role; every action and route calls this itself. */
export async function requireUser(atLeast: Role = "viewer"): Promise<User> {
  const user = await currentUser();
  if (!user) throw unauthenticated();
  if (!hasRole(user.role, atLeast)) throw forbidden(`This needs the ${atLeast} role; you are ${user.role}.`);
  return user;
}
