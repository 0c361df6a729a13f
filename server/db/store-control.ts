import "server-only";
import { chmodSync, rmSync } from "node:fs";
import net from "node:net";
import { errorMessage } from "@/lib/error-message";
import { controlSocketPath } from "./store-lock";

/**
 * The console that holds the embedded store answers operator commands (`npm run store:backup`,
 * `npm run audit:verify`) on a Unix socket only its own user can open (mode 0600), since no other process may
 * open the store. One JSON request per connection, one JSON answer.
 */

export type ControlHandlers = Record<string, (request: Record<string, unknown>) => Promise<unknown>>;
type Answer = { ok: true; result: unknown } | { ok: false; error: string };

/** Serves the handlers for the store in dir; call only while holding its lock (a stale socket file is replaced). */
export async function serveStoreControl(dir: string, handlers: ControlHandlers): Promise<void> {
  const file = controlSocketPath(dir);
  rmSync(file, { force: true });
  const server = net.createServer((socket) => {
    let text = "";
    socket.on("data", (d) => {
      if (text.includes("\n")) return; // one request per connection: anything after it is ignored
      text += d.toString();
      if (!text.includes("\n")) return;
      void answer(text.slice(0, text.indexOf("\n"))).then((a) => socket.end(`${JSON.stringify(a)}\n`));
    });
    socket.on("error", () => undefined);
  });
  async function answer(line: string): Promise<Answer> {
    try {
      const request = JSON.parse(line) as Record<string, unknown>;
      const handler = typeof request.ask === "string" ? handlers[request.ask] : undefined;
      if (!handler) return { ok: false, error: `unknown request ${JSON.stringify(request.ask)}` };
      return { ok: true, result: await handler(request) };
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(file, () => resolve());
  });
  chmodSync(file, 0o600);
  server.unref();
}

/**
 * Asks the console holding the embedded store in dir. null when no console answers there (none runs, or the
 * holder is not a console); throws with the console's own words when it answered with an error.
 */
export function askStoreHolder<T>(
  dir: string,
  request: { ask: string } & Record<string, unknown>,
  timeoutMs = 120_000,
): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(controlSocketPath(dir));
    let text = "";
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`the console holding ${dir} did not answer within ${Math.round(timeoutMs / 1000)} s`));
    });
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (d) => (text += d.toString()));
    socket.on("end", () => {
      socket.destroy();
      try {
        const a = JSON.parse(text) as Answer;
        if (a.ok) resolve(a.result as T);
        else reject(new Error(a.error));
      } catch {
        reject(new Error(`the console holding ${dir} gave an answer that is not JSON`));
      }
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "ECONNREFUSED") resolve(null);
      else reject(err);
    });
  });
}
