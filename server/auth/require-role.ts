import "server-only";
import { hasRole, type Role } from "@/lib/roles";
import { forbidden } from "@/server/errors";

/**
 * The one role check of the services: refuses (forbidden) a person whose role is below `atLeast`. Given what
 * they tried ("Approving an action"), the refusal names the role it needs and theirs; given `{ refusal }`, it
 * says that sentence instead ("Only admins can change roles.").
 */
export function requireRole(actor: { role: Role }, atLeast: Role, doing: string | { refusal: string }): void {
  if (hasRole(actor.role, atLeast)) return;
  throw forbidden(
    typeof doing === "string" ? `${doing} needs the ${atLeast} role; you are ${actor.role}.` : doing.refusal,
  );
}
