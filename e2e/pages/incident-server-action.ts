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

/** POSTs a server action by hand with the request context's cookies and one plain-object argument; returns the raw RSC text. */
export async function callServerAction(request: APIRequestContext, pagePath: string, exportedName: string, input: unknown): Promise<string> {
  const res = await request.post(pagePath, {
    headers: { "Next-Action": serverActionId(exportedName), Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8" },
    data: JSON.stringify([input]),
  });
  return res.text();
}
