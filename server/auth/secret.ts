import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/server/env";

/** Why this configuration must not serve production, or null when it may. */
export function productionRefusal(demoUsersInStore: number): string | null {
  if (!env.strictProduction) return null;
  const problems: string[] = [];
  if (!env.NEXTAUTH_SECRET) problems.push("NEXTAUTH_SECRET is not set (generate one with `openssl rand -base64 32`)");
  else if (env.NEXTAUTH_SECRET.length < 32 || /change.?me|secret|switchyard/i.test(env.NEXTAUTH_SECRET))
    problems.push("NEXTAUTH_SECRET looks like a default or is shorter than 32 characters");
  if (env.DEMO_USERS) problems.push("DEMO_USERS is on");
  if (demoUsersInStore > 0) problems.push(`the store holds ${demoUsersInStore} demo account(s); delete them (delete from users where demo)`);
  return problems.length ? `Refusing to start in production (NODE_ENV=production with DATABASE_URL): ${problems.join("; ")}.` : null;
}

/** The session-signing secret: NEXTAUTH_SECRET, or outside production one generated once and kept under DATA_DIR. */
export function authSecret(): string {
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  const file = path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR, "auth-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  }
}
