import "server-only";
import type { Queryable } from "@/server/db";
import { env } from "@/server/env";

/**
 * Sign-in throttling, per account and per client address, in the store (so it holds across restarts and
 * consoles). An attempt claims its place in one statement before any password is checked: N parallel guesses
 * get N distinct places, and only the first `limit` of a window go on to the hash.
 */
export type ThrottleScope = "account" | "address";

/** One address may fail this many times more than one account: an office or a NAT holds several people. */
const ADDRESS_FACTOR = 4;

export function signInLimits(): { account: number; address: number; windowSeconds: number } {
  return {
    account: env.SIGNIN_MAX_FAILURES,
    address: env.SIGNIN_MAX_FAILURES * ADDRESS_FACTOR,
    windowSeconds: env.SIGNIN_WINDOW_SECONDS,
  };
}

/** `lastPlace`: this attempt took the last place of the window and set the lock (lifted again if it turns out right). */
export type Claim = { allowed: true; lastPlace: boolean } | { allowed: false; retryAt: Date };

// The row's window is over: its lock has run out, or (never locked) the window since its first failure.
const over = "coalesce(t.locked_until, t.window_started_at + make_interval(secs => $4::float8)) <= now()";
const lockFromNow = "now() + make_interval(secs => $4::float8)";

/**
 * Claims one attempt for (scope, key), atomically. Allowed while the attempt is within the limit; the attempt
 * that takes the last place sets the lock (cleared again if it turns out right), and every later one is refused
 * with the lock's end. Refused attempts keep the count at limit + 1.
 */
export async function claimAttempt(
  db: Queryable,
  scope: ThrottleScope,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<Claim> {
  const r = await db.query<{ failures: number; retry_seconds: number | null }>(
    `insert into sign_in_throttle as t (scope, key, failures, window_started_at, locked_until)
     values ($1, $2, 1, now(), case when $3::int <= 1 then ${lockFromNow} end)
     on conflict (scope, key) do update set
       failures = case when ${over} then 1 else least(t.failures, $3::int) + 1 end,
       window_started_at = case when ${over} then now() else t.window_started_at end,
       locked_until = case
         when ${over} then case when $3::int <= 1 then ${lockFromNow} end
         when least(t.failures, $3::int) + 1 >= $3::int then coalesce(t.locked_until, ${lockFromNow})
         else t.locked_until end
     returning failures, extract(epoch from locked_until - now())::float8 as retry_seconds`,
    [scope, key, limit, windowSeconds],
  );
  const row = r.rows[0]!;
  if (row.failures <= limit) return { allowed: true, lastPlace: row.failures === limit };
  return { allowed: false, retryAt: new Date(Date.now() + Math.max(0, row.retry_seconds ?? windowSeconds) * 1000) };
}

/** Forgets every attempt of (scope, key): an account's after its correct password, or an admin's unlock. Returns what was there. */
export async function clearAttempts(
  db: Queryable,
  scope: ThrottleScope,
  key: string,
): Promise<{ failures: number; lockedUntil: Date | null; locked: boolean } | null> {
  const r = await db.query<{ failures: number; locked_until: Date | null; locked: boolean }>(
    "delete from sign_in_throttle where scope = $1 and key = $2 returning failures, locked_until, coalesce(locked_until > now(), false) as locked",
    [scope, key],
  );
  const row = r.rows[0];
  return row ? { failures: row.failures, lockedUntil: row.locked_until, locked: row.locked } : null;
}

/**
 * Gives back one claimed attempt that turned out right (an address's: a correct password from it must not
 * wipe the failures of others from the same address). Lifts the lock when the count falls below the limit again.
 */
export async function releaseAttempt(db: Queryable, scope: ThrottleScope, key: string, limit: number): Promise<void> {
  await db.query(
    `update sign_in_throttle set failures = greatest(failures - 1, 0),
       locked_until = case when failures - 1 < $3::int then null else locked_until end
     where scope = $1 and key = $2`,
    [scope, key, limit],
  );
}

/** The user accounts locked now, by user id, with when each lock ends. */
export async function lockedAccounts(db: Queryable): Promise<Map<string, Date>> {
  const r = await db.query<{ id: string; locked_until: Date }>(
    `select u.id, t.locked_until from sign_in_throttle t join users u on u.email = t.key
     where t.scope = 'account' and t.locked_until > now()`,
  );
  return new Map(r.rows.map((row) => [row.id, row.locked_until]));
}

/**
 * "try again after 14:32 UTC (in 10 min)": the time in the console's own zone, named, since the person reading
 * it may be elsewhere; a date is added when the lock ends on another day.
 */
export function retryPhrase(retryAt: Date, now = Date.now(), timeZone?: string): string {
  // Rounded up to the minute, so "after 14:32" is never a little early.
  const shown = new Date(Math.ceil(retryAt.getTime() / 60_000) * 60_000);
  const sameDay = shown.getTime() - now < 12 * 3600_000;
  const at = new Intl.DateTimeFormat("en-GB", {
    ...(sameDay ? {} : { day: "numeric", month: "short" }),
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(shown);
  // To the nearest minute: a ten-minute lock read a few milliseconds after the store set it is still "10 min".
  const minutes = Math.max(1, Math.round((retryAt.getTime() - now) / 60_000));
  const wait = minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  return `try again after ${at} (in ${wait})`;
}
