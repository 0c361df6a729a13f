import "server-only";
import { SERVED_BY_HEADER } from "@/lib/balancer-layout";
import { errorInWords } from "@/lib/error-words";
import type { TrafficSnapshot } from "@/lib/traffic";
import { getJson } from "@/server/fleet/http-json";

/**
 * The runbook's global health check, `curl https://api.clipper.gg/health`, as users would get it: through the
 * balancer's frontend, within timeoutMs. It holds on a 2xx answer; which region answered is its `x-served-by`.
 */
export async function probeGlobalHealth(
  frontendUrl: string,
  timeoutMs: number,
): Promise<TrafficSnapshot["globalHealth"]> {
  const started = performance.now();
  try {
    const { status, headers } = await getJson(new URL("/health", frontendUrl), timeoutMs);
    const servedBy = headers[SERVED_BY_HEADER];
    return {
      ok: status >= 200 && status < 300,
      status,
      latencyMs: Math.round(performance.now() - started),
      servedBy: (Array.isArray(servedBy) ? servedBy[0] : servedBy) ?? null,
      error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
    };
  } catch (err) {
    const timedOut = (err as Error).name === "TimeoutError";
    return {
      ok: false,
      status: null,
      latencyMs: null,
      servedBy: null,
      error: timedOut ? `timed out after ${timeoutMs} ms` : errorInWords(err).error,
    };
  }
}
