import http from "node:http";
import { performance } from "node:perf_hooks";
import { request, type HttpResponse } from "./http";
import { round, rounded, summarize, type Summary } from "./stats";

/**
 * Figure 3: the console under page load. N signed-in sessions, each a loop with one request in flight over
 * keep-alive connections, for a fixed time; every response is timed, and anything but a 200 is an error.
 */

function cookieJar() {
  const jar = new Map<string, string>();
  return {
    take(res: HttpResponse) {
      for (const c of res.headers["set-cookie"] ?? []) {
        const pair = c.split(";")[0]!;
        const i = pair.indexOf("=");
        if (i > 0) jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
      }
    },
    header: () => [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
    get: (name: string) => jar.get(name),
  };
}

/** Signs in through next-auth's credentials flow; returns the Cookie header carrying the session. */
export async function signIn(baseURL: string, email: string, password: string): Promise<string> {
  const jar = cookieJar();
  const csrf = await request(`${baseURL}/api/auth/csrf`);
  jar.take(csrf);
  const csrfToken = (JSON.parse(csrf.body) as { csrfToken?: string }).csrfToken;
  if (!csrfToken) throw new Error(`no csrfToken from /api/auth/csrf (HTTP ${csrf.status})`);
  const res = await request(`${baseURL}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${baseURL}/` }).toString(),
  });
  jar.take(res);
  const token = jar.get("next-auth.session-token");
  if (!token)
    throw new Error(`sign-in as ${email} gave no session cookie (HTTP ${res.status}: ${res.body.slice(0, 200)})`);
  return `next-auth.session-token=${token}`;
}

export interface LoadResult {
  path: string;
  concurrency: number;
  seconds: number;
  requests: number;
  ok: number;
  requestsPerSecond: number;
  /** latency of the 200 answers */
  latencyMs: Summary;
  errors: number;
  statuses: Record<string, number>;
  firstError: string | null;
  meanBytes: number;
}

/** `concurrency` loops, loop i with session i, each sending its next request when the last one answered. */
export async function runLoad(
  baseURL: string,
  path: string,
  sessions: string[],
  seconds: number,
  concurrency: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async (i: number) => {
    const cookie = sessions[i % sessions.length]!;
    while (performance.now() < deadline) {
      const t = performance.now();
      try {
        const res = await request(`${baseURL}${path}`, { agent, headers: { cookie }, timeoutMs: 30_000 });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 200) {
          latencies.push(performance.now() - t);
          bytes += res.body.length;
        } else {
          errors++;
          firstError ??= `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
        }
      } catch (err) {
        errors++;
        statuses.network = (statuses.network ?? 0) + 1;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    path,
    concurrency,
    seconds: round(elapsed, 2),
    requests: latencies.length + errors,
    ok: latencies.length,
    requestsPerSecond: round(latencies.length / elapsed, 1),
    latencyMs: rounded(summarize(latencies)),
    errors,
    statuses,
    firstError,
    meanBytes: Math.round(bytes / Math.max(1, latencies.length)),
  };
}
