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
  private last: { snapshot: FleetSnapshot; whole: string; at: number } | null = null;
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
    if (this.last) listener(this.last.whole);
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
        const wait =
          prev && atAGlance(prev.snapshot) === atAGlance(snapshot) ? prev.at + this.figuresEveryMs - Date.now() : 0;
        if (wait > 0) {
          this.tick ??= setTimeout(() => {
            this.tick = undefined;
            void this.update();
          }, wait);
          continue;
        }
        clearTimeout(this.tick);
        this.tick = undefined;
        const whole = `event: fleet\ndata: ${JSON.stringify(snapshot)}\n\n`;
        if (!prev) this.send(whole);
        else {
          const delta = jsonDelta(prev.snapshot, snapshot);
          if (delta !== undefined) this.send(`event: fleet-delta\ndata: ${JSON.stringify(delta)}\n\n`);
        }
        this.last = { snapshot, whole, at: Date.now() };
      } while (this.again && this.listeners.size);
    } finally {
      this.reading = false;
    }
  }
}

const holder = globalThis as unknown as { __switchyardFleetFeed?: FleetFeed };

/** Joins this console's fleet feed (one for every bundle of this module); returns how to leave it. */
export function joinFleetFeed(listener: Listener): () => void {
  return (holder.__switchyardFleetFeed ??= new FleetFeed()).join(listener);
}
