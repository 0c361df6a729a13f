import "server-only";
import { z } from "zod";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { ServiceError } from "@/server/errors";
import { hashPassword, verifyPassword } from "./passwords";
import { findCredentials, type User } from "./users";

export const credentialsInput = z.object({
  email: z.email("Enter your email address.").transform((e) => e.toLowerCase()),
  password: z.string().min(1, "Enter your password.").max(200),
});

export const WRONG_CREDENTIALS = "Wrong email or password.";

// Compared against when the account does not exist, so timing does not reveal which emails exist.
let dummyHash: Promise<string> | undefined;

/** Checks a password sign-in; too many failures for one account lock it for the rest of the window. */
export async function authenticate(raw: unknown): Promise<User> {
  const parsed = credentialsInput.safeParse(raw);
  if (!parsed.success) throw new ServiceError("invalid", parsed.error.issues[0]?.message ?? WRONG_CREDENTIALS);
  const { email, password } = parsed.data;
  const db = await getDb();
  const windowMs = env.SIGNIN_WINDOW_SECONDS * 1000;

  const f = await db.query<{ failures: number; window_started_at: Date }>("select failures, window_started_at from sign_in_failures where email = $1", [email]);
  const row = f.rows[0];
  if (row && row.failures >= env.SIGNIN_MAX_FAILURES) {
    const retryMs = row.window_started_at.getTime() + windowMs - Date.now();
    if (retryMs > 0) {
      throw new ServiceError("rate_limited", `Too many failed sign-ins for this account. Try again in ${Math.ceil(retryMs / 60_000)} min.`);
    }
  }

  const account = await findCredentials(email);
  dummyHash ??= hashPassword("not-a-real-password");
  const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash));
  if (!ok || !account?.passwordHash) {
    await db.query(
      `insert into sign_in_failures (email, failures, window_started_at) values ($1, 1, now())
       on conflict (email) do update set
         failures = case when sign_in_failures.window_started_at < now() - make_interval(secs => $2) then 1 else sign_in_failures.failures + 1 end,
         window_started_at = case when sign_in_failures.window_started_at < now() - make_interval(secs => $2) then now() else sign_in_failures.window_started_at end`,
      [email, env.SIGNIN_WINDOW_SECONDS],
    );
    throw new ServiceError("unauthenticated", WRONG_CREDENTIALS);
  }
  if (row) await db.query("delete from sign_in_failures where email = $1", [email]);
  const { passwordHash: _omit, ...user } = account;
  return user;
}
