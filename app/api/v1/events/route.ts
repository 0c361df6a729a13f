import { CALLER_RECHECK_MS, callerStillValid, requireCaller, type Caller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { subscribe, type Topic } from "@/server/events/bus";
import { joinFleetFeed } from "@/server/events/fleet-feed";

export const dynamic = "force-dynamic";

/**
 * Server-Sent Events for open pages. The fleet comes from this console's fleet feed (server/events/fleet-feed),
 * worked out once for every open stream: `fleet`, the whole snapshot, first; then `fleet-delta`, what changed
 * (applied by lib/fleet-stream), at once for a change a person acts on and every few seconds for figures alone;
 * `error` while the store cannot be read. `alerts`, `incidents`, `actions` and `traffic` (a new global traffic
 * snapshot) say those changed, and pages refetch what they show. Comments keep proxies from closing it.
 * Every few seconds the stream asks whether its caller may still listen: a revoked or expired token, or a user
 * whose sessions were ended, gets an `ended` event and the stream closes (the reconnect is then refused).
 */
export async function GET(request: Request) {
  let caller: Caller;
  try {
    caller = await requireCaller(request);
  } catch {
    return jsonRoute(() => requireCaller(request));
  }
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      write("retry: 2000\n\n");
      const notice = (topic: Topic) => () => write(`event: ${topic}\ndata: {}\n\n`);
      const unsubscribe = [
        joinFleetFeed(write),
        subscribe("alerts", notice("alerts")),
        subscribe("incidents", notice("incidents")),
        subscribe("actions", notice("actions")),
        subscribe("traffic", notice("traffic")),
      ];
      const keepalive = setInterval(() => write(": keepalive\n\n"), 15_000);
      const recheck = setInterval(() => {
        // A store that cannot be reached does not end streams: nothing could have revoked anything through it.
        void callerStillValid(caller)
          .catch(() => true)
          .then((valid) => {
            if (valid || closed) return;
            write(
              `event: ended\ndata: {"message":"${caller.kind === "token" ? "this API token was revoked or expired" : "this session was ended"}"}\n\n`,
            );
            cleanup();
          });
      }, CALLER_RECHECK_MS);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepalive);
        clearInterval(recheck);
        unsubscribe.forEach((u) => u());
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener("abort", cleanup);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
