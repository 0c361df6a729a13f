import { CALLER_RECHECK_MS, callerStillValid, requireCaller, type Caller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { subscribe, type Topic } from "@/server/events/bus";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

export const dynamic = "force-dynamic";

/**
 * Server-Sent Events for open pages: `fleet` carries the whole snapshot whenever it changes (at most one send
 * in flight, the latest wins); `alerts`, `incidents` and `actions` say those changed, and pages refetch what they show. Comments keep proxies from closing it.
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
      let sending = false;
      let again = false;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const sendFleet = async () => {
        if (sending) {
          again = true;
          return;
        }
        sending = true;
        try {
          do {
            again = false;
            const snapshot = await getFleetSnapshot(caller);
            write(`event: fleet\ndata: ${JSON.stringify(snapshot)}\n\n`);
          } while (again && !closed);
        } catch {
          write(`event: error\ndata: {"message":"the console's store cannot be reached"}\n\n`);
        } finally {
          sending = false;
        }
      };
      const on = (topic: Topic) => (topic === "fleet" ? () => void sendFleet() : () => write(`event: ${topic}\ndata: {}\n\n`));
      const unsubscribe = [subscribe("fleet", on("fleet")), subscribe("alerts", on("alerts")), subscribe("incidents", on("incidents")), subscribe("actions", on("actions"))];
      const keepalive = setInterval(() => write(": keepalive\n\n"), 15_000);
      const recheck = setInterval(() => {
        // A store that cannot be reached does not end streams: nothing could have revoked anything through it.
        void callerStillValid(caller)
          .catch(() => true)
          .then((valid) => {
            if (valid || closed) return;
            write(`event: ended\ndata: {"message":"${caller.kind === "token" ? "this API token was revoked or expired" : "this session was ended"}"}\n\n`);
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
      write("retry: 2000\n\n");
      void sendFleet();
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
