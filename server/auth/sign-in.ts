import "server-only";
import { z } from "zod";
import { appendAudit } from "@/server/audit/append-audit";
import { getDb } from "@/server/db";
import { ServiceError } from "@/server/errors";
import { hashPassword, needsRehash, verifyPassword } from "./passwords";
import { claimAttempt, clearAttempts, releaseAttempt, retryPhrase, signInLimits, type Claim } from "./throttle";
import { findCredentials, replacePasswordHash, type User } from "./users";

export const credentialsInput = z.object({
  email: z.email("Enter your email address.").transform((e) => e.toLowerCase()),
  password: z.string().min(1, "Enter your password.").max(200),
});

export const WRONG_CREDENTIALS = "Wrong email or password.";

/** Where a sign-in comes from: the client address it is throttled by (see client-address.ts); null when unknown. */
export interface SignInContext {
  address?: string | null;
}

// Compared against when the account does not exist, so timing does not reveal which emails exist.
let dummyHash: Promise<string> | undefined;

const rateLimited = (message: string) => new ServiceError("rate_limited", message);

/**
 * Checks a password sign-in. The attempt is counted for its address and its account before the password is
 * hashed, each in one statement, so parallel guesses cannot pass either limit; past the limit, the attempt is
 * refused without a hash until the lock ends. A correct password clears the account's count, and a hash made
 * with older parameters is replaced. Successes, failures and the lock-outs they set are written to the audit
 * chain (the actor is the account when the email names one); attempts refused by a lock are not, or a guesser
 * could grow the chain without limit.
 */
export async function authenticate(raw: unknown, context: SignInContext = {}): Promise<User> {
  const parsed = credentialsInput.safeParse(raw);
  if (!parsed.success) throw new ServiceError("invalid", parsed.error.issues[0]?.message ?? WRONG_CREDENTIALS);
  const { email, password } = parsed.data;
  const db = await getDb();
  const limits = signInLimits();
  const address = context.address ?? null;

  let addressClaim: Claim | null = null;
  if (address) {
    addressClaim = await claimAttempt(db, "address", address, limits.address, limits.windowSeconds);
    if (!addressClaim.allowed)
      throw rateLimited(`Too many failed sign-ins from your network address; ${retryPhrase(addressClaim.retryAt)}.`);
  }
  const claim = await claimAttempt(db, "account", email, limits.account, limits.windowSeconds);
  if (!claim.allowed)
    throw rateLimited(`Too many failed sign-ins: this account is locked; ${retryPhrase(claim.retryAt)}.`);

  const account = await findCredentials(email);
  dummyHash ??= hashPassword("not-a-real-password");
  const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash));
  const actor = account ? { id: account.id, email: account.email } : null;
  if (!ok || !account?.passwordHash) {
    // A failure stays counted (its place was claimed above) and goes on the audit chain, with the lock it set.
    await db.transaction(async (tx) => {
      const reason = !account
        ? "unknown account"
        : !account.passwordHash
          ? "no password on this account"
          : "wrong password";
      await appendAudit(tx, {
        actor,
        action: "auth.sign-in-failed",
        target: email,
        detail: { method: "password", reason, address },
      });
      if (claim.lastPlace)
        await appendAudit(tx, {
          actor,
          action: "auth.lock-out",
          target: email,
          detail: { scope: "account", forSeconds: limits.windowSeconds, address },
        });
      if (addressClaim?.allowed && addressClaim.lastPlace)
        await appendAudit(tx, {
          actor,
          action: "auth.lock-out",
          target: address!,
          detail: { scope: "address", forSeconds: limits.windowSeconds, email },
        });
    });
    throw new ServiceError("unauthenticated", WRONG_CREDENTIALS);
  }

  await db.transaction(async (tx) => {
    await clearAttempts(tx, "account", email);
    if (address) await releaseAttempt(tx, "address", address, limits.address);
    await appendAudit(tx, { actor, action: "auth.sign-in", target: email, detail: { method: "password", address } });
  });
  if (needsRehash(account.passwordHash)) {
    try {
      await replacePasswordHash(db, account.id, account.passwordHash, await hashPassword(password));
    } catch (err) {
      // The password was right; the stronger hash waits for the next sign-in.
      console.error(`[auth] could not rehash the password of ${email}:`, err instanceof Error ? err.message : err);
    }
  }
  const { passwordHash: _omit, ...user } = account;
  return user;
}
