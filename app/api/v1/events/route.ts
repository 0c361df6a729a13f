import type { FleetSnapshot } from "@/lib/fleet-view";
import { atAGlance } from "@/lib/fleet-stream";
import { jsonDelta } from "@/lib/json-delta";
import { CALLER_RECHECK_MS, callerStillValid, requireCaller, type Caller } from "@/server/auth/caller";
import { jsonRoute } from "@/server/boundary";
import { subscribe, type Topic } from "@/server/events/bus";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";

export const dynamic = "force-dynamic";

/** How often a change of figures alone (no status, reason, role or alert changed) reaches an open page. */
const FIGURES_EVERY_MS = 5_000;

/**
 * Server-Sent Events for open pages. The first fleet message of a stream is `fleet`, the whole snapshot; after it,
 * `fleet-delta` carries what changed since the last one sent (lib/json-delta, applied by lib/fleet-stream). A change
 * a person acts on (lib/fleet-stream atAGlance: a status, a reason, a role, an alert) is sent at once; figures alone
 * wait for the next figures tick, so a fleet at rest costs a viewer a few hundred bytes a second. At most one send is
 * in flight, the latest wins; after an `error` the next is whole again. `alerts`, `incidents` and `actions` say those
 * changed, and pages refetch what they show. Comments keep proxies from closing it.
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
      /** the snapshot the client holds now: the base of the next delta; null when the next must be whole */
      let sent: FleetSnapshot | null = null;
      let sentAt = 0;
      let figuresTick: NodeJS.Timeout | undefined;
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
            const wait = sent && atAGlance(sent) === atAGlance(snapshot) ? sentAt + FIGURES_EVERY_MS - Date.now() : 0;
            if (wait > 0) {
              figuresTick ??= setTimeout(() => {
                figuresTick = undefined;
                void sendFleet();
              }, wait);
              continue;
            }
            clearTimeout(figuresTick);
            figuresTick = undefined;
            const message = fleetMessage(sent, snapshot);
            if (message) write(message);
            sent = snapshot;
            sentAt = Date.now();
          } while (again && !closed);
        } catch {
          sent = null;
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
        clearTimeout(figuresTick);
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

/** The whole snapshot when the client holds none, else what changed since `sent`; nothing when nothing did. */
function fleetMessage(sent: FleetSnapshot | null, snapshot: FleetSnapshot): string {
  if (!sent) return `event: fleet\ndata: ${JSON.stringify(snapshot)}\n\n`;
  const delta = jsonDelta(sent, snapshot);
  return delta === undefined ? "" : `event: fleet-delta\ndata: ${JSON.stringify(delta)}\n\n`;
}
