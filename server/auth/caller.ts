import "server-only";
import type { Role } from "@/lib/roles";
import { forbidden, unauthenticated } from "@/server/errors";
import { findActiveToken } from "./api-tokens";
import { requireUser } from "./session";
import type { User } from "./users";

/** Who is asking a route handler: a signed-in user, or a tool with an API token (which reads like a viewer). */
export type Caller = { kind: "user"; user: User } | { kind: "token"; tokenId: string; name: string };

export async function requireCaller(request: Request, atLeast: Role = "viewer"): Promise<Caller> {
  const auth = request.headers.get("authorization");
  if (auth?.startsWith("Bearer ")) {
    const token = await findActiveToken(auth.slice(7).trim());
    if (!token) throw unauthenticated("Unknown or revoked API token.");
    if (atLeast !== "viewer") throw forbidden("API tokens can only read; sign in for this.");
    return { kind: "token", tokenId: token.id, name: token.name };
  }
  return { kind: "user", user: await requireUser(atLeast) };
}
