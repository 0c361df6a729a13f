import "server-only";
import { getServerSession } from "next-auth";
import { hasRole, type Role } from "@/lib/roles";
import { forbidden, unauthenticated } from "@/server/errors";
import { authOptions } from "./options";
import { findUserById, type User } from "./users";

/** The signed-in user as the store knows them now: a role changed by an admin applies at once. */
export async function currentUser(): Promise<User | null> {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  return id ? findUserById(id) : null;
}

/** The caller, who must be signed in with at least the given role; every action and route calls this itself. */
export async function requireUser(atLeast: Role = "viewer"): Promise<User> {
  const user = await currentUser();
  if (!user) throw unauthenticated();
  if (!hasRole(user.role, atLeast)) throw forbidden(`This needs the ${atLeast} role; you are ${user.role}.`);
  return user;
}
