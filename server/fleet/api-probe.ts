import "server-only";
import type { ApiSample } from "@/lib/fleet-sample";
import { errorInWords } from "@/lib/error-words";
import { apiHealthSchema } from "@/lib/region-health";
import { getJson } from "./http-json";

/** GET {apiUrl}/health within timeoutMs. A 503 with a readable body is an API that answers: it says it is down. */
export async function probeApi(apiUrl: string, timeoutMs: number): Promise<ApiSample> {
  const started = performance.now();
  try {
    const { status, body } = await getJson(new URL("/health", apiUrl), timeoutMs);
    const latencyMs = performance.now() - started;
    const parsed = apiHealthSchema.safeParse(body);
    if (!parsed.success)
      return { up: false, latencyMs, timedOut: false, error: `HTTP ${status} with an unreadable health body` };
    return { up: true, latencyMs, health: parsed.data };
  } catch (err) {
    const latencyMs = performance.now() - started;
    if ((err as Error).name === "TimeoutError")
      return { up: false, latencyMs, timedOut: true, error: `timed out after ${timeoutMs} ms` };
    return { up: false, latencyMs, timedOut: false, ...errorInWords(err) };
  }
}
