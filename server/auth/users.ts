import "server-only";
import { z } from "zod";
import { roleSchema } from "@/lib/role-schema";
import type { Role } from "@/lib/roles";
import { getDb, type Queryable } from "@/server/db";
import { conflict, invalid } from "@/server/errors";
import { hashPassword } from "./passwords";

/** Accounts in the users table; what an admin may change of them is decided in ./user-service. */

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  demo: boolean;
  createdAt: Date;
}

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  demo: boolean;
  created_at: Date;
  password_hash: string | null;
  session_epoch: number;
};
const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  demo: r.demo,
  createdAt: r.created_at,
});

/** The account, with the epoch its sessions must carry (server/auth/session.ts). */
export async function findUserById(id: string): Promise<(User & { sessionEpoch: number }) | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const db = await getDb();
  const r = await db.query<UserRow>("select * from users where id = $1", [id]);
  const row = r.rows[0];
  return row ? { ...toUser(row), sessionEpoch: row.session_epoch } : null;
}

/** The account and its stored password hash, for sign-in only. */
export async function findCredentials(email: string): Promise<(User & { passwordHash: string | null }) | null> {
  const db = await getDb();
  const r = await db.query<UserRow>("select * from users where email = $1", [email.toLowerCase()]);
  const row = r.rows[0];
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

/** The account with this email, locked for the rest of the caller's transaction (an OIDC first link). */
export async function lockUserByEmail(tx: Queryable, email: string): Promise<User | null> {
  const r = await tx.query<UserRow>("select * from users where email = $1 for update", [email.toLowerCase()]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/** One account; with `forUpdate`, its row stays locked until the caller's transaction ends. */
export async function readUser(db: Queryable, id: string, forUpdate = false): Promise<User | null> {
  const r = await db.query<UserRow>(`select * from users where id = $1${forUpdate ? " for update" : ""}`, [id]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

export async function readUsers(db: Queryable): Promise<User[]> {
  const r = await db.query<UserRow>("select * from users order by email");
  return r.rows.map(toUser);
}

/** Locks every admin's row until the caller's transaction ends; returns how many admins there are. */
export async function lockAdmins(tx: Queryable): Promise<number> {
  const r = await tx.query<{ id: string }>("select id from users where role = 'admin' for update");
  return r.rowCount;
}

export async function writeUserRole(tx: Queryable, id: string, role: Role): Promise<User> {
  const r = await tx.query<UserRow>("update users set role = $2, updated_at = now() where id = $1 returning *", [
    id,
    role,
  ]);
  return toUser(r.rows[0]!);
}

/** Replaces a password hash (a rehash at sign-in), only if it is still the one that was checked. */
export async function replacePasswordHash(
  db: Queryable,
  userId: string,
  checked: string,
  fresh: string,
): Promise<boolean> {
  const r = await db.query(
    "update users set password_hash = $3, updated_at = now() where id = $1 and password_hash = $2",
    [userId, checked, fresh],
  );
  return r.rowCount > 0;
}

export const newUserInput = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(120),
  role: roleSchema,
  password: z.string().min(8).max(200).optional(),
  demo: z.boolean().default(false),
});

/** Creates an account (seeding, `npm run user:create` and an OIDC first sign-in). */
export async function insertUser(tx: Queryable, input: z.input<typeof newUserInput>): Promise<User> {
  const parsed = newUserInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? "Invalid user.");
  const u = parsed.data;
  const hash = u.password ? await hashPassword(u.password) : null;
  const r = await tx.query<UserRow>(
    `insert into users (email, name, role, password_hash, demo) values ($1, $2, $3, $4, $5)
     on conflict (email) do nothing returning *`,
    [u.email, u.name, u.role, hash, u.demo],
  );
  if (!r.rows[0]) throw conflict(`An account for ${u.email} already exists.`);
  return toUser(r.rows[0]);
}

/** Everyone who can lead an incident (lead or admin role), for the lead pickers; any signed-in role reads it. */
export async function listIncidentLeads(_viewer: User): Promise<Pick<User, "id" | "name" | "email">[]> {
  const db = await getDb();
  const r = await db.query<{ id: string; name: string; email: string }>(
    "select id, name, email from users where role in ('lead', 'admin') order by name",
  );
  return r.rows;
}
