import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/server/env";

/**
 * The key of the audit log's HMAC chain and of its checkpoint. It lives outside the store — AUDIT_KEY, or a file
 * `audit-key` in DATA_DIR generated once (mode 0600) — so whoever can write to the database but cannot read the
 * key cannot recompute a row's hash nor sign a checkpoint.
 */

const keyFile = () => path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR, "audit-key");

function readKeyFile(): string | null {
  try {
    const key = readFileSync(keyFile(), "utf8").trim();
    return key.length ? key : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

let cached: string | undefined;

/**
 * The audit key: AUDIT_KEY, or the one in DATA_DIR/audit-key. With `create` (the console, when it appends), a
 * missing file is generated; without it (npm run audit:verify only reads), a missing key is null.
 */
export function auditKey(options: { create: true }): string;
export function auditKey(options: { create: false }): string | null;
export function auditKey({ create }: { create: boolean }): string | null {
  if (env.AUDIT_KEY) return env.AUDIT_KEY;
  // Even before auditKeyProblem is checked at start-up: never sign with a key only this console has.
  const problem = auditKeyProblem();
  if (problem) throw new Error(`The audit log cannot be written or checked: ${problem}`);
  if (cached) return cached;
  const existing = readKeyFile();
  if (existing) return (cached = existing);
  if (!create) return null;
  mkdirSync(path.dirname(keyFile()), { recursive: true });
  try {
    writeFileSync(keyFile(), randomBytes(48).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process (a second console, a test file) made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const made = readKeyFile();
  if (!made) throw new Error(`the audit key file ${keyFile()} is empty`);
  return (cached = made);
}

/**
 * Why this configuration must not start, or null when it may. Production on PostgreSQL (NODE_ENV=production with
 * DATABASE_URL) needs AUDIT_KEY: several consoles share that store, and each would otherwise sign with its own
 * generated file, so every other console's rows would look forged. To be called from productionRefusal.
 */
export function auditKeyProblem(): string | null {
  if (env.strictProduction && !env.AUDIT_KEY)
    return "AUDIT_KEY is not set (the audit log's HMAC key, shared by every console on this store; generate one with `openssl rand -base64 48`)";
  return null;
}
