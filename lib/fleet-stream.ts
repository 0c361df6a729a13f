import type { FleetSnapshot } from "./fleet-view";
import { applyJsonDelta } from "./json-delta";

/** The live stream's fleet messages (app/api/v1/events): the whole snapshot, or what changed since the last one. */
export type FleetEvent = "fleet" | "fleet-delta";
export const isFleetEvent = (event: string): event is FleetEvent => event === "fleet" || event === "fleet-delta";

const isSnapshot = (v: unknown): v is FleetSnapshot =>
  typeof v === "object" &&
  v !== null &&
  Array.isArray((v as FleetSnapshot).regions) &&
  Array.isArray((v as FleetSnapshot).alerts);

/**
 * The fleet snapshot one stream has delivered: `fleet` replaces it, `fleet-delta` (lib/json-delta) is applied to it.
 * One per stream, held by whoever reads it (a page's hook, a bench or chaos viewer), never taken from the query
 * cache: polling may have put a snapshot there that the server's deltas are not based on. Pure, for browser and Node.
 */
export class FleetStream {
  private held: FleetSnapshot | null = null;

  /**
   * The snapshot after this message, or null when it cannot be known: a delta with no snapshot to apply it to, one
   * that does not fit it, or data that is not a snapshot. Then nothing is held, so later deltas are refused too until
   * the next `fleet` message (the server sends one first on every new stream, and after an `error` event).
   */
  receive(event: FleetEvent, data: string): FleetSnapshot | null {
    return (this.held = nextSnapshot(this.held, event, data));
  }

  /** Forgets the snapshot: a new connection starts from its own first `fleet` message. */
  reset() {
    this.held = null;
  }
}

/**
 * The snapshot a stream holds after one message, from the one it held before (null: none): pure, so the same message
 * applied to the same snapshot gives the same answer. Null when it cannot be known (see FleetStream.receive).
 */
export function nextSnapshot(held: FleetSnapshot | null, event: FleetEvent, data: string): FleetSnapshot | null {
  try {
    const value: unknown = JSON.parse(data);
    const next = event === "fleet" ? value : held && applyJsonDelta(held, value);
    return isSnapshot(next) ? next : null;
  } catch {
    return null;
  }
}

/**
 * What a person reads off the fleet at a glance and acts on: each region's status, reasons, roles, reachability
 * verdict and database state (up, primary or replica, replay paused), its mirrors' and CDN's state, and the alerts
 * firing. A change here goes to open pages at once; figures alone (latencies, rates, lag seconds, ages) may wait for
 * the stream's next figures tick.
 */
export function atAGlance(s: FleetSnapshot): string {
  const regions = s.regions.map((r) => {
    const x = r.sample;
    const db = !x?.db
      ? null
      : !x.db.up
        ? "down"
        : x.db.inRecovery
          ? `replica${x.db.replayPaused ? ", replay paused" : ""}`
          : "primary";
    return [
      r.id,
      r.status,
      r.lastStatus,
      r.reasons,
      r.role,
      r.observedRole,
      r.cdnProvider,
      x?.api.up,
      db,
      x?.lag?.streaming,
      x?.mirrors?.status,
      x?.cdn?.status,
      x?.cdn?.provider,
      x?.cdn?.enabled,
      x?.reachability?.verdict,
    ];
  });
  const alerts = s.alerts.map((a) => [a.id, a.state, a.unevaluated ?? false]);
  return JSON.stringify([regions, alerts]);
}
