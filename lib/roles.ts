/** Roles in increasing power: managers watch, engineers act, leads command, admins configure. */
export const roles = ["viewer", "engineer", "lead", "admin"] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  viewer: "Viewer (manager)",
  engineer: "Engineer",
  lead: "Incident lead",
  admin: "Admin",
};

export function hasRole(role: Role, atLeast: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(atLeast);
}
