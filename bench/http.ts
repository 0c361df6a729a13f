import http from "node:http";

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: http.Agent;
  timeoutMs?: number;
}

/**
 * The addresses the bench may target: loopback (the consoles, the simulated fleet) and the lab's own network
 * (lab/network/net.ts: each region a namespace on a bridge of this machine, 10.213.<n>.0/24, with no route out).
 */
export function benchTarget(hostname: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(hostname) || /^10\.213\.\d+\.\d+$/.test(hostname);
}

/** One HTTP request over plain node:http (cheaper per request than fetch, so the load generator steals less CPU). */
export function request(url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
  const u = new URL(url);
  if (!benchTarget(u.hostname))
    return Promise.reject(new Error(`bench targets loopback and the lab's network only, not ${u.hostname}`));
  return new Promise((resolve, reject) => {
    const req = http.request(
      u,
      {
        method: opts.method ?? "GET",
        headers: {
          ...(opts.body !== undefined ? { "content-length": String(Buffer.byteLength(opts.body)) } : {}),
          ...opts.headers,
        },
        agent: opts.agent,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${opts.timeoutMs ?? 10_000} ms`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}
