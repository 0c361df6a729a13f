import "server-only";
import http from "node:http";
import https from "node:https";

// Plain node:http with keep-alive: at a hundred regions the collector makes hundreds of requests a second,
// and fetch costs about three times the CPU per request (measured by npm run bench).
const agents = { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) };

/**
 * GET a JSON body within timeoutMs overall (node:http follows no redirect); a timeout rejects with a TimeoutError.
 * A body that is not JSON comes back as null: the caller's schema reports it unreadable. The answer's headers come
 * with it (the global health check reads which region served it).
 */
export function getJson(
  url: URL,
  timeoutMs: number,
): Promise<{ status: number; body: unknown; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.get(
      url,
      { agent: agents[url.protocol as "http:" | "https:"], headers: { accept: "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("error", reject);
        res.on("end", () => {
          clearTimeout(timer);
          let body: unknown = null;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: null
          }
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { name: "TimeoutError" })),
      timeoutMs,
    );
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
