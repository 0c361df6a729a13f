import { readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import type { ActionResult } from "../../lib/action-result";

/**
 * Calling the console's server actions by hand, as a browser would (or an attacker, without the page's own checks):
 * for the e2e specs, the bench and the chaos soak. An action is named by the name it is exported under; its id in
 * this build comes from the build's server reference manifest, and it is POSTed to a page whose bundle holds it
 * with that id in `Next-Action`. The answer is React's RSC text, with the action's `{ ok, ... }` result in a row.
 */

const manifestPath = path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json");

/** One server action in this build: its id, the file and name it is exported under, and the pages whose workers hold it. */
export interface BuiltServerAction {
  id: string;
  file: string;
  exportedName: string;
  /** Worker names such as "app/(console)/incidents/[id]/page". */
  workers: string[];
}

/** Every server action the build's server reference manifest lists (the Node.js runtime's and the edge's). */
export function builtServerActions(): BuiltServerAction[] {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<
    string,
    Record<string, { exportedName?: string; filename?: string; workers?: Record<string, unknown> }>
  >;
  const out: BuiltServerAction[] = [];
  for (const runtime of ["node", "edge"]) {
    for (const [id, v] of Object.entries(manifest[runtime] ?? {})) {
      out.push({
        id,
        file: v.filename ?? "?",
        exportedName: v.exportedName ?? "?",
        workers: Object.keys(v.workers ?? {}),
      });
    }
  }
  return out;
}

/** The server action exported under this name in this build. */
export function builtServerAction(exportedName: string): BuiltServerAction {
  const action = builtServerActions().find((a) => a.exportedName === exportedName);
  if (!action) throw new Error(`${exportedName} is not in the build's server reference manifest`);
  return action;
}

/** The id Next.js gave a server action in this build. */
export const serverActionId = (exportedName: string): string => builtServerAction(exportedName).id;

/** A page an action can be posted to: the shortest static one whose worker holds it, else a dynamic one with ids no row has. */
export function actionPage(action: BuiltServerAction): string {
  const pages = action.workers
    .filter((w) => w.startsWith("app/") && w.endsWith("/page"))
    .map(
      (w) =>
        w
          .replace(/^app/, "")
          .replace(/\/page$/, "")
          .replace(/\/\([^)]+\)/g, "") || "/",
    );
  const page = pages.filter((p) => !p.includes("[")).sort((a, b) => a.length - b.length)[0] ?? pages[0];
  if (page === undefined)
    throw new Error(`${action.file}#${action.exportedName} is held by no page's worker (${action.workers.join(", ")})`);
  return page.replace(/\[[^\]]+\]/g, "999999");
}

/** The headers and body that call `action(input)` with one plain-object argument, the action named by its id in this build. */
export function actionRequest(actionId: string, input: unknown): { headers: Record<string, string>; body: string } {
  return {
    headers: { "Next-Action": actionId, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8" },
    body: JSON.stringify([input]),
  };
}

/**
 * The multipart fields a browser posts for `action(null, formData)`, in its order: the form's fields under React
 * 19.3's prefix for FormData reference 1, `_1_`, then the argument row `[null,"$K1"]` last. The server decodes the
 * stream as it comes, so fields after the row (or with the older `1_` prefix) reach the action as no field at all.
 */
export function formActionArgs(fields: Record<string, string | string[]>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) out.push([`_1_${k}`, one]);
  out.push(["0", '[null,"$K1"]']);
  return out;
}

/**
 * The action's typed result out of the RSC text it answered with (its own row, or inside the answer row's `a`),
 * or null when the answer carries none (an error page, a redirect).
 */
export function actionResult<T = unknown>(body: string): ActionResult<T> | null {
  for (const line of body.split("\n")) {
    const row = /^[0-9a-f]+:(\{.*\})$/.exec(line)?.[1];
    if (!row) continue;
    try {
      const v = JSON.parse(row) as { ok?: unknown; a?: { ok?: unknown } };
      if (typeof v.ok === "boolean") return v as ActionResult<T>;
      if (v.a && typeof v.a === "object" && typeof v.a.ok === "boolean") return v.a as ActionResult<T>;
    } catch {
      // not a JSON row
    }
  }
  return null;
}

/** Calls `action(input)` over fetch with a session cookie, on the page given or one whose worker holds it; its result, or null. */
export async function callServerAction<T = unknown>(call: {
  baseURL: string;
  cookie: string;
  action: string;
  input: unknown;
  page?: string;
}): Promise<ActionResult<T> | null> {
  const action = builtServerAction(call.action);
  const { headers, body } = actionRequest(action.id, call.input);
  const page = call.page ?? actionPage(action);
  const res = await fetch(new URL(page, call.baseURL), {
    method: "POST",
    headers: { ...headers, cookie: call.cookie },
    body,
  });
  return actionResult<T>(await res.text());
}

/** POSTs `action(input)` with a Playwright request context (its cookies); returns the raw RSC text. */
export async function postServerAction(
  request: APIRequestContext,
  pagePath: string,
  exportedName: string,
  input: unknown,
): Promise<string> {
  const { headers, body } = actionRequest(serverActionId(exportedName), input);
  return (await request.post(pagePath, { headers, data: body })).text();
}

/** POSTs a `useActionState` action as (previous state = null, form data) with a Playwright request context; returns the raw RSC text. */
export async function postFormAction(
  request: APIRequestContext,
  pagePath: string,
  exportedName: string,
  fields: Record<string, string>,
): Promise<string> {
  const multipart: Record<string, string> = {};
  for (const [k, v] of formActionArgs(fields)) multipart[k] = v;
  return (
    await request.post(pagePath, {
      headers: { "Next-Action": serverActionId(exportedName), Accept: "text/x-component" },
      multipart,
    })
  ).text();
}
