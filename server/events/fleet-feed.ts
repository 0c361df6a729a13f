import "server-only";
import { atAGlance } from "@/lib/fleet-stream";
import type { FleetSnapshot } from "@/lib/fleet-view";
import { jsonDelta } from "@/lib/json-delta";
import { cachedFleetSnapshot } from "@/server/fleet/fleet-service";
import { subscribe } from "./bus";

/** How often a change of figures alone (no status, reason, role or alert changed) reaches open pages. */
const FIGURES_EVERY_MS = 5_000;

const STORE_ERROR = `event: error\ndata: {"message":"the console's store cannot be reached"}\n\n`;

type Listener = (message: string) => void;

/**
 * The fleet as every open stream of this console gets it, worked out once however many streams are open: a stream
 * starts with `fleet`, the snapshot the feed last sent, and from then on gets the same messages as every other
 * stream: `fleet-delta`, what changed since (lib/json-delta). A change a person acts on (lib/fleet-stream atAGlance)
 * goes out at once; figures alone wait for the next figures tick, so a fleet at rest costs a viewer a few hundred
 * bytes a second. When the store cannot be read every stream gets `error`, and the next message is whole again.
 * The feed listens to the bus while a stream is open; at most one read is in flight, the latest change wins.
 */
export class FleetFeed {
  private readonly listeners = new Set<Listener>();
  /**
   * What every stream holds now, its whole message (made when a stream joins), what it shows at a glance, and when
   * figures last went out.
   */
  private last: { snapshot: FleetSnapshot; whole: string | null; glance: string; at: number } | null = null;
  private stopListening: (() => void) | null = null;
  private reading = false;
  private again = false;
  private tick: NodeJS.Timeout | undefined;

  /** `read`: the fleet as it is now; `figuresEveryMs`: how often figures alone go out. */
  constructor(
    private readonly read: () => Promise<FleetSnapshot> = cachedFleetSnapshot,
    private readonly figuresEveryMs = FIGURES_EVERY_MS,
  ) {}

  /** Adds a stream: it gets the whole snapshot first (now, or once the first read is done), then every change. */
  join(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.last) listener((this.last.whole ??= wholeMessage(this.last.snapshot)));
    this.stopListening ??= subscribe("fleet", () => void this.update());
    if (!this.last) void this.update();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size) return;
      this.stopListening?.();
      this.stopListening = null;
      clearTimeout(this.tick);
      this.tick = undefined;
      this.last = null;
    };
  }

  private send(message: string) {
    for (const l of this.listeners) l(message);
  }

  private async update(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.again = false;
        let snapshot: FleetSnapshot;
        try {
          snapshot = await this.read();
        } catch {
          this.send(STORE_ERROR);
          this.last = null;
          continue;
        }
        if (!this.listeners.size) return;
        const prev = this.last;
        const glance = atAGlance(snapshot);
        const wait = prev && prev.glance === glance ? prev.at + this.figuresEveryMs - Date.now() : 0;
        if (prev && wait > 0) {
          this.tick ??= setTimeout(() => {
            this.tick = undefined;
            void this.update();
          }, wait);
          this.keepFresh(prev, snapshot);
          continue;
        }
        clearTimeout(this.tick);
        this.tick = undefined;
        const whole = wholeMessage(snapshot);
        if (!prev) this.send(whole);
        else {
          const delta = jsonDelta(prev.snapshot, snapshot);
          if (delta !== undefined) this.send(`event: fleet-delta\ndata: ${JSON.stringify(delta)}\n\n`);
        }
        this.last = { snapshot, whole, glance, at: Date.now() };
      } while (this.again && this.listeners.size);
    } finally {
      this.reading = false;
    }
  }

  /**
   * A page ages each region from its newest sample time and shows it stale past staleAfterSeconds; figures alone
   * go out only every few seconds, longer than that. So once the oldest sample time the pages hold is half that old,
   * they get the newer sample times (and the server's clock) alone: a fresh region never looks stale between ticks.
   */
  private keepFresh(prev: NonNullable<FleetFeed["last"]>, now: FleetSnapshot) {
    const oldest = Math.min(...prev.snapshot.regions.map((r) => (r.checkedAt ? Date.parse(r.checkedAt) : Infinity)));
    if (Date.now() - oldest < (prev.snapshot.staleAfterSeconds * 1000) / 2) return;
    const checkedAt = new Map(now.regions.map((r) => [r.id, r.checkedAt]));
    const fresher: FleetSnapshot = {
      ...prev.snapshot,
      generatedAt: now.generatedAt,
      regions: prev.snapshot.regions.map((r) => {
        const newer = checkedAt.get(r.id);
        return newer && newer !== r.checkedAt ? { ...r, checkedAt: newer } : r;
      }),
    };
    const delta = jsonDelta(prev.snapshot, fresher);
    if (delta === undefined) return;
    this.send(`event: fleet-delta\ndata: ${JSON.stringify(delta)}\n\n`);
    this.last = { ...prev, snapshot: fresher, whole: null };
  }
}

const wholeMessage = (snapshot: FleetSnapshot) => `event: fleet\ndata: ${JSON.stringify(snapshot)}\n\n`;

const holder = globalThis as unknown as { __switchyardFleetFeed?: FleetFeed };

/** Joins this console's fleet feed (one for every bundle of this module); returns how to leave it. */
export function joinFleetFeed(listener: Listener): () => void {
  return (holder.__switchyardFleetFeed ??= new FleetFeed()).join(listener);
}
