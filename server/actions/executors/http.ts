import "server-only";
import type { RegionConfig } from "@/lib/fleet-config";

/** The region API endpoints an action may call: the runbook's, nothing else. */
export type ApiCall =
  | "POST /v1/mirrors/test-failover"
  | "POST /v1/mirrors/sync"
  | "POST /v1/admin/mirrors/resync"
  | "POST /v1/admin/mirrors/cleanup"
  | "GET /v1/mirrors/stats"
  | "GET /v1/cdn/stats"
  | "GET /health";

/** Calls one of the region API's endpoints; query values are encoded, never spliced into the path; a redirect is an error. */
export async function callRegionApi(
  region: RegionConfig,
  call: ApiCall,
  query: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<{ status: number; body: unknown }> {
  const [method, path] = call.split(" ") as [string, string];
  const url = new URL(path, region.apiUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  // Never follows a redirect: an action talks to the region API the fleet file names, nothing it points on to.
  const res = await fetch(url, {
    method,
    headers: { accept: "application/json" },
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
    cache: "no-store",
  });
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel();
    throw new Error(
      `${call} on ${region.id}'s API answered a redirect (HTTP ${res.status}${res.headers.get("location") ? ` to ${res.headers.get("location")}` : ""}); Switchyard does not follow redirects`,
    );
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}
