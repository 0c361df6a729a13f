import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest } from "@playwright/test";
import { hasRole, type Role } from "../lib/roles";
import {
  actionPage,
  actionRequest,
  actionResult,
  builtServerActions,
  formActionArgs,
  type BuiltServerAction,
} from "../tests/support/server-action-client";
import { account, expect, test } from "./fixtures";
import { actionTable, routeTable, type ActionInput, type Least, type RouteRule } from "./support/role-matrix";

/**
 * Issue 11 part 9, "a test that keeps it so": every server action and every route handler of the production build,
 * called as anonymous, each role and (routes) a bearer API token, answered as e2e/support/role-matrix.ts says.
 * Requests only, with harmless invalid input; one sign-in per role.
 */

const root = path.resolve(import.meta.dirname, "..");
const roles: Role[] = ["viewer", "engineer", "lead", "admin"];

/** Who calls: "anonymous" carries a forged session cookie (past the proxy's cookie check), "forged-token" a made-up bearer. */
type Caller = "anonymous" | "forged-token" | Role | "token";
const actionCallers: Caller[] = ["anonymous", ...roles];
const routeCallers: Caller[] = ["anonymous", "forged-token", ...roles, "token"];

function allowed(caller: Caller, least: Least, token = false): boolean {
  if (least === "signature") return false; // only the webhook's sender, who signs with a secret no caller has
  if (least === "anonymous") return true;
  if (caller === "anonymous" || caller === "forged-token") return false;
  if (caller === "token") return least === "token" || token;
  return least !== "token" && hasRole(caller, least);
}

/**
 * What a refused caller must get: 401 when nobody (known) is asking, when a token-only route is asked without a
 * token, or when a signed webhook is called unsigned; 403 when someone known asks who may not.
 */
const refusal = (caller: Caller, least: Least) =>
  caller === "anonymous" || caller === "forged-token" || least === "token" || least === "signature"
    ? { status: 401, code: "unauthenticated" }
    : { status: 403, code: "forbidden" };

// --- What the build has -------------------------------------------------------------------------------------------

const actionKey = (a: BuiltServerAction) => `${a.file}#${a.exportedName}`;

const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** The methods a route file exports: `export (async) function GET`, `export const GET =`, `export { handler as GET }`. */
function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function|const|let|var)\s+([A-Z]+)\b/g)) found.add(m[1]!);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(","))
      found.add(
        part
          .trim()
          .split(/\s+as\s+/)
          .pop()!
          .trim(),
      );
  }
  return [...found].filter((x) => (httpMethods as readonly string[]).includes(x)).sort();
}

/** Every route handler in the build, as "METHOD /path": the routes manifest's entries, the methods from their files. */
function builtRoutes(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, ".next/app-path-routes-manifest.json"), "utf8")) as Record<
    string,
    string
  >;
  const out: string[] = [];
  for (const [entry, route] of Object.entries(manifest)) {
    if (!entry.endsWith("/route")) continue;
    const dir = path.join(root, "app", entry.replace(/\/route$/, ""));
    const file = ["route.ts", "route.tsx", "route.js"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
    if (file) {
      const methods = exportedMethods(readFileSync(file, "utf8"));
      if (!methods.length) throw new Error(`${path.relative(root, file)} exports no HTTP method this test can read`);
      for (const method of methods) out.push(`${method} ${route}`);
    } else if (existsSync(dir)) {
      // A metadata file served as a route (app/icon.svg): GET only.
      out.push(`GET ${route}`);
    } else {
      throw new Error(`the build has the route ${route} but no file app${entry} can be found for it`);
    }
  }
  return out.sort();
}

// --- Calling ------------------------------------------------------------------------------------------------------

const baseURL = () => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error("E2E_BASE_URL is not set: run the specs through playwright.config.ts");
  return url;
};

/** The headers a caller sends: its session cookie or bearer token. */
const credentials = new Map<Caller, Record<string, string>>();

async function signIn(role: Role): Promise<string> {
  const ctx = await playwrightRequest.newContext({ baseURL: baseURL() });
  try {
    const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const a = account(role);
    await ctx.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: a.email, password: a.password, json: "true" },
      maxRedirects: 0,
    });
    const session = (await ctx.storageState()).cookies.find((c) => /(^|\.)next-auth\.session-token$/.test(c.name));
    if (!session) throw new Error(`signing in as ${role} set no session cookie`);
    return `${session.name}=${session.value}`;
  } finally {
    await ctx.dispose();
  }
}

interface Answer {
  status: number;
  /** A server action's typed result, when it sent one. */
  result: { ok: boolean; code?: string; message?: string; data?: unknown } | null;
  text: string;
}

async function send(
  caller: Caller,
  pathname: string,
  init: { method: string; headers?: Record<string, string>; body?: BodyInit; stream?: boolean },
): Promise<Answer> {
  const res = await fetch(new URL(pathname, baseURL()), {
    method: init.method,
    headers: { ...credentials.get(caller), ...init.headers },
    body: init.body,
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  });
  if (init.stream) {
    await res.body?.cancel();
    return { status: res.status, result: null, text: "" };
  }
  const text = await res.text();
  return { status: res.status, result: null, text };
}

async function callAction(caller: Caller, a: BuiltServerAction, input: ActionInput): Promise<Answer> {
  let request: { headers: Record<string, string>; body: BodyInit };
  if ("form" in input) {
    const form = new FormData();
    for (const [k, v] of formActionArgs(input.form)) form.append(k, v);
    request = { headers: { "Next-Action": a.id, Accept: "text/x-component" }, body: form };
  } else {
    request = actionRequest(a.id, input.json);
  }
  const answer = await send(caller, actionPage(a), { method: "POST", ...request });
  return { ...answer, result: actionResult(answer.text) };
}

async function callRoute(caller: Caller, method: string, rule: RouteRule): Promise<Answer> {
  const json = rule.body !== undefined;
  return send(caller, rule.path, {
    method,
    headers: json ? { "Content-Type": "application/json" } : {},
    body: json ? JSON.stringify(rule.body) : undefined,
    stream: rule.stream,
  });
}

const brief = (a: Answer) =>
  a.result
    ? JSON.stringify({ ok: a.result.ok, code: a.result.code, message: a.result.message })
    : a.text.replace(/\s+/g, " ").slice(0, 160);

/** A refused action: the typed refusal, nothing else. */
function judgeRefusedAction(caller: Caller, least: Least, a: Answer): string | null {
  const want = refusal(caller, least).code;
  return a.status === 200 && a.result?.ok === false && a.result.code === want
    ? null
    : `wanted the refusal "${want}", got HTTP ${a.status} ${brief(a)}`;
}

/** An allowed action given invalid input: a typed failure that is not a refusal (and never a success: the input is not meant to do anything). */
function judgeAllowedAction(a: Answer): string | null {
  if (a.status !== 200 || !a.result) return `wanted a typed result, got HTTP ${a.status} ${brief(a)}`;
  if (a.result.ok) return `the harmless input SUCCEEDED (${brief(a)}): fix the table's input`;
  if (a.result.code === "unauthenticated" || a.result.code === "forbidden") return `refused: ${brief(a)}`;
  return null;
}

function judgeRefusedRoute(caller: Caller, least: Least, a: Answer): string | null {
  const want = refusal(caller, least).status;
  return a.status === want ? null : `wanted HTTP ${want}, got ${a.status} ${brief(a)}`;
}

/** An allowed route: anything but a refusal or a server error (a 404 for the non-existent id is fine). */
function judgeAllowedRoute(a: Answer): string | null {
  if (a.status === 401 || a.status === 403) return `refused: HTTP ${a.status} ${brief(a)}`;
  if (a.status >= 500) return `server error: HTTP ${a.status} ${brief(a)}`;
  return null;
}

// --- The suite ----------------------------------------------------------------------------------------------------

test.describe.configure({ mode: "serial" });

const actions = builtServerActions();
const routes = builtRoutes();

test("the table classifies exactly the build's server actions and route handlers", () => {
  const builtActionKeys = actions.map(actionKey).sort();
  expect(new Set(builtActionKeys).size, "two server actions share a file and name").toBe(builtActionKeys.length);
  const unclassifiedActions = builtActionKeys.filter((k) => !(k in actionTable));
  const goneActions = Object.keys(actionTable).filter((k) => !builtActionKeys.includes(k));
  const unclassifiedRoutes = routes.filter((k) => !(k in routeTable));
  const goneRoutes = Object.keys(routeTable).filter((k) => !routes.includes(k));
  expect(
    { unclassifiedActions, unclassifiedRoutes },
    "classify these in e2e/support/role-matrix.ts: who may call them?",
  ).toEqual({ unclassifiedActions: [], unclassifiedRoutes: [] });
  expect({ goneActions, goneRoutes }, "e2e/support/role-matrix.ts names these, the build has none").toEqual({
    goneActions: [],
    goneRoutes: [],
  });
});

test.describe("every caller gets what the table says", () => {
  /** Audit rows per role's account, and the store's incidents and runs, before the calls. */
  const auditCount = async (role: Role) => {
    const res = await send("admin", `/api/v1/audit?actor=${encodeURIComponent(account(role).email)}&limit=5000`, {
      method: "GET",
    });
    expect(res.status, res.text).toBe(200);
    return (JSON.parse(res.text) as { rows: unknown[] }).rows.length;
  };
  const counts = async () => {
    const ids = async (p: string, key: string) => {
      const res = await send("admin", p, { method: "GET" });
      expect(res.status, res.text).toBe(200);
      return (JSON.parse(res.text) as Record<string, { id: unknown }[]>)[key]!.map((x) => x.id).join(",");
    };
    return {
      audit: Object.fromEntries(await Promise.all(roles.map(async (r) => [r, await auditCount(r)] as const))),
      incidents: await ids("/api/v1/incidents?status=all", "incidents"),
      runs: await ids("/api/v1/actions?limit=500", "runs"),
    };
  };

  test.beforeAll(async () => {
    credentials.set("anonymous", { Cookie: "next-auth.session-token=role-matrix-forged-session" });
    credentials.set("forged-token", { Authorization: "Bearer sy_role-matrix-forged-token" });
    for (const role of roles) credentials.set(role, { Cookie: await signIn(role) });
    // A real read token of the test's own, made by the admin through the admin's own action.
    const create = builtServerActions().find((a) => a.exportedName === "createApiToken");
    if (!create) throw new Error("createApiToken is not in the build");
    // Every scope, an expiry of a day (older builds ignore the fields they do not know).
    const made = await callAction("admin", create, {
      form: {
        name: `role-matrix ${Date.now()}`,
        scopesPosted: "1",
        scopes: ["read", "alerts:write"],
        expiresInDays: "1",
      },
    });
    const token = (made.result?.data as { token?: string } | undefined)?.token;
    if (!made.result?.ok || !token)
      throw new Error(`the admin could not create an API token: HTTP ${made.status} ${brief(made)}`);
    credentials.set("token", { Authorization: `Bearer ${token}` });
  });

  test("refused callers are refused, and nothing is written", async () => {
    const before = await counts();
    const wrong: string[] = [];
    let calls = 0;
    for (const a of actions) {
      const rule = actionTable[actionKey(a)];
      if (!rule) continue; // the first test names it
      for (const caller of actionCallers.filter((c) => !allowed(c, rule.least))) {
        calls++;
        const why = judgeRefusedAction(caller, rule.least, await callAction(caller, a, rule.input));
        if (why) wrong.push(`${actionKey(a)} as ${caller}: ${why}`);
      }
    }
    for (const key of routes) {
      const rule = routeTable[key];
      if (!rule) continue;
      const method = key.split(" ")[0]!;
      for (const caller of routeCallers.filter((c) => !allowed(c, rule.least, rule.token))) {
        calls++;
        const why = judgeRefusedRoute(caller, rule.least, await callRoute(caller, method, rule));
        if (why) wrong.push(`${key} as ${caller}: ${why}`);
      }
    }
    console.log(
      `role matrix: ${calls} refused calls over ${actions.length} server actions and ${routes.length} routes`,
    );
    expect(wrong, "these callers were not refused as the table says").toEqual([]);
    expect(await counts(), "a refused call wrote to the audit log, an incident or a run").toEqual(before);
  });

  test("allowed callers are not refused for their role", async () => {
    const wrong: string[] = [];
    const skipped: string[] = [];
    let calls = 0;
    for (const a of actions) {
      const rule = actionTable[actionKey(a)];
      if (!rule) continue;
      if (rule.noHarmlessInput) {
        skipped.push(`${actionKey(a)} (${rule.noHarmlessInput})`);
        continue;
      }
      for (const caller of actionCallers.filter((c) => allowed(c, rule.least))) {
        calls++;
        const why = judgeAllowedAction(await callAction(caller, a, rule.input));
        if (why) wrong.push(`${actionKey(a)} as ${caller}: ${why}`);
      }
    }
    for (const key of routes) {
      const rule = routeTable[key];
      if (!rule) continue;
      const method = key.split(" ")[0]!;
      for (const caller of routeCallers.filter((c) => allowed(c, rule.least, rule.token))) {
        calls++;
        const why = judgeAllowedRoute(await callRoute(caller, method, rule));
        if (why) wrong.push(`${key} as ${caller}: ${why}`);
      }
    }
    console.log(
      `role matrix: ${calls} allowed calls${skipped.length ? `; not called by allowed callers: ${skipped.join("; ")}` : ""}`,
    );
    expect(wrong, "these callers were refused or broke, though the table allows them").toEqual([]);
  });
});
