import { createServer } from "node:net";

/**
 * The region API's program. Started with `--spare <socket>` it boots Node and loads the program, then waits on that
 * socket: the lab's next start of this region's API sends the environment there and the spare becomes the API
 * (lab/api-spare.ts). Otherwise it is the API at once, with the environment it was started with.
 */

function spareSocket(): string | null {
  const i = process.argv.indexOf("--spare");
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

/** Waits for one connection that sends the API's environment as JSON, answers `ok`, and stops listening. */
function waitForEnvironment(socket: string): Promise<Record<string, string>> {
  return new Promise((resolve) => {
    const server = createServer((conn) => {
      let text = "";
      conn.setEncoding("utf8");
      conn.on("data", (chunk: string) => (text += chunk));
      conn.on("end", () => {
        let env: Record<string, string>;
        try {
          env = JSON.parse(text) as Record<string, string>;
        } catch {
          conn.end("not json\n");
          return;
        }
        server.close();
        conn.end("ok\n", () => resolve(env));
      });
      conn.on("error", () => undefined);
    });
    server.listen(socket);
  });
}

const socket = spareSocket();
if (socket) Object.assign(process.env, await waitForEnvironment(socket));
await import("./server");
