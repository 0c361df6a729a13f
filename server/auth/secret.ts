import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isLoopback, listenHost } from "@/lib/listen-host";
import { auditKeyProblem } from "@/server/audit/audit-key";
import { env } from "@/server/env";

/** What is wrong with serving people other than the operator at this machine: a weak secret, demo accounts. */
function exposureProblems(demoUsersOn: boolean, demoUsersInStore: number): string[] {
  const problems: string[] = [];
  if (!env.NEXTAUTH_SECRET) problems.push("NEXTAUTH_SECRET is not set (generate one with `openssl rand -base64 32`)");
  else if (env.NEXTAUTH_SECRET.length < 32 || /change.?me|secret|switchyard/i.test(env.NEXTAUTH_SECRET))
    problems.push("NEXTAUTH_SECRET looks like a default or is shorter than 32 characters");
  if (demoUsersOn)
    problems.push(
      env.DEMO_USERS
        ? "DEMO_USERS is on"
        : "demo accounts are on (the default with the embedded store: set DEMO_USERS=false)",
    );
  if (demoUsersInStore > 0)
    problems.push(`the store holds ${demoUsersInStore} demo account(s); delete them (delete from users where demo)`);
  return problems;
}

/**
 * Why this configuration must not start, or null when it may: production on PostgreSQL, and any console that
 * listens beyond loopback (HOST), need a real secret and no demo accounts — their passwords are in the README,
 * and anyone who reaches the console could fill both halves of the two-person rule. Production on PostgreSQL
 * also needs METRICS_TOKEN, so the scrape endpoint is not open to anyone.
 */
export function productionRefusal(demoUsersInStore: number): string | null {
  const host = listenHost(env.HOST);
  if (!isLoopback(host)) {
    const problems = exposureProblems(env.demoUsers, demoUsersInStore);
    if (problems.length)
      return `Refusing to listen on ${host} (HOST): ${problems.join("; ")}. Without HOST the console listens on 127.0.0.1 only.`;
  }
  if (!env.strictProduction) return null;
  const problems = exposureProblems(env.DEMO_USERS === true, demoUsersInStore);
  if (!env.METRICS_TOKEN)
    problems.push(
      "METRICS_TOKEN is not set (GET /metrics would be open to anyone; generate one with `openssl rand -hex 24`)",
    );
  const auditKey = auditKeyProblem();
  if (auditKey) problems.push(auditKey);
  return problems.length
    ? `Refusing to start in production (NODE_ENV=production with DATABASE_URL): ${problems.join("; ")}.`
    : null;
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
