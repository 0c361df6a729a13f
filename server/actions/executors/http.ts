import "server-only";
import type { RegionConfig } from "@/lib/fleet-config";

/** The region API endpoints an action may call: the runbook's, nothing else. */
export type ApiCall = "POST /v1/mirrors/test-failover" | "POST /v1/mirrors/sync" | "POST /v1/admin/mirrors/resync" | "POST /v1/admin/mirrors/cleanup" | "GET /v1/mirrors/stats" | "GET /v1/cdn/stats" | "GET /health";

/** Calls one of the region API's endpoints; query values are encoded, never spliced into the path. */
export async function callRegionApi(region: RegionConfig, call: ApiCall, query: Record<string, string> = {}, timeoutMs = 10_000): Promise<{ status: number; body: unknown }> {
  const [method, path] = call.split(" ") as [string, string];
  const url = new URL(path, region.apiUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, { method, headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs), cache: "no-store" });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}
