import { readFileSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

/** The id Next.js gave a server action in this build, so a test can call it directly as an attacker would. */
export function serverActionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const id = Object.entries(manifest.node).find(([, v]) => v.exportedName === exportedName)?.[0];
  if (!id) throw new Error(`${exportedName} is not in the build's server reference manifest`);
  return id;
}

/**
 * POSTs to a useActionState server action by hand, as (previous state = null, form data): what a browser sends,
 * without the page's own checks. Returns the raw response body.
 */
export async function postAction(request: APIRequestContext, pagePath: string, exportedName: string, fields: Record<string, string>): Promise<string> {
  const multipart: Record<string, string> = { "0": '[null,"$K1"]' };
  for (const [k, v] of Object.entries(fields)) multipart[`1_${k}`] = v;
  const res = await request.post(pagePath, { headers: { "Next-Action": serverActionId(exportedName), Accept: "text/x-component" }, multipart });
  return res.text();
}
