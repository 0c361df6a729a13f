import type { Role } from "./roles";

/** One account per role, seeded only with the embedded store (never in production). */
export const demoAccounts: { email: string; password: string; name: string; role: Role }[] = [
  { email: "viewer@switchyard.local", password: "switchyard-viewer", name: "Morgan Manager", role: "viewer" },
  { email: "engineer@switchyard.local", password: "switchyard-engineer", name: "Eli Engineer", role: "engineer" },
  { email: "lead@switchyard.local", password: "switchyard-lead", name: "Lee Lead", role: "lead" },
  { email: "admin@switchyard.local", password: "switchyard-admin", name: "Ada Admin", role: "admin" },
];
