import { createServer, type Server } from "node:http";

/** One request a receiver got: its method, path (with the query), headers and body (JSON when it parses). */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port>/hook */
  url: string;
  bodies: unknown[];
  requests: ReceivedRequest[];
  /** Waits until a request matches (polling), and returns it; fails naming what did arrive. */
  waitFor(predicate: (r: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/**
 * A local HTTP receiver that records every JSON body POSTed to it, standing in for Slack, PagerDuty or Alertmanager
 * peers. It answers 200 "ok", or what `answer` says for the request.
 */
export async function startWebhookReceiver(
  options: { answer?: (r: ReceivedRequest) => { status: number; json?: unknown } } = {},
): Promise<WebhookReceiver> {
  const bodies: unknown[] = [];
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      const r: ReceivedRequest = { method: req.method ?? "", path: req.url ?? "/", headers: req.headers, body };
      bodies.push(body);
      requests.push(r);
      const answer = options.answer?.(r);
      if (!answer) res.writeHead(200).end("ok");
      else if (answer.json === undefined) res.writeHead(answer.status).end();
      else res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    requests,
    async waitFor(predicate, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = requests.find(predicate);
        if (found) return found;
        if (Date.now() > until)
          throw new Error(
            `no matching request within ${timeoutMs} ms; received: ${JSON.stringify(requests.map((r) => [r.method, r.path, r.body]))}`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
