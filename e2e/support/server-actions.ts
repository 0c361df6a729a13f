import { readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

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
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, Record<string, { exportedName?: string; filename?: string; workers?: Record<string, unknown> }>>;
  const out: BuiltServerAction[] = [];
  for (const runtime of ["node", "edge"]) {
    for (const [id, v] of Object.entries(manifest[runtime] ?? {})) {
      out.push({ id, file: v.filename ?? "?", exportedName: v.exportedName ?? "?", workers: Object.keys(v.workers ?? {}) });
    }
  }
  return out;
}

/** The id Next.js gave a server action in this build, so a test can call it directly as an attacker would. */
export function serverActionId(exportedName: string): string {
  const id = builtServerActions().find((a) => a.exportedName === exportedName)?.id;
  if (!id) throw new Error(`${exportedName} is not in the build's server reference manifest`);
  return id;
}

/**
 * POSTs to a useActionState server action by hand, as (previous state = null, form data): what a browser sends,
 * without the page's own checks. Returns the raw response body.
 */
export async function postAction(request: APIRequestContext, pagePath: string, exportedName: string, fields: Record<string, string>): Promise<string> {
  const multipart: Record<string, string> = {};
  for (const [k, v] of formActionArgs(fields)) multipart[k] = v;
  const res = await request.post(pagePath, { headers: { "Next-Action": serverActionId(exportedName), Accept: "text/x-component" }, multipart });
  return res.text();
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
 * The action's typed result (`{ ok, code?, ... }`) out of the RSC text it answered with, or null when the answer
 * carries none (an error page, a redirect).
 */
export function actionResult(body: string): { ok: boolean; code?: string; message?: string; data?: unknown } | null {
  for (const line of body.split("\n")) {
    const m = /^[0-9a-f]+:(\{"ok":(?:true|false)\b.*\})$/.exec(line);
    if (!m?.[1]) continue;
    try {
      return JSON.parse(m[1]) as { ok: boolean; code?: string; message?: string; data?: unknown };
    } catch {
      // not this line
    }
  }
  return null;
}
