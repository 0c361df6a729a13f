import { requireCaller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { subscribe, type Topic } from "@/server/events/bus";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

export const dynamic = "force-dynamic";

/**
 * Server-Sent Events for open pages: `fleet` carries the whole snapshot whenever it changes (at most one send
 * in flight, the latest wins); `alerts`, `incidents` and `actions` say those changed, and pages refetch what they show. Comments keep proxies from closing it.
 */
export async function GET(request: Request) {
  let caller;
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
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepalive);
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
