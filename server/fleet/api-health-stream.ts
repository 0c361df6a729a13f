import "server-only";
import { createParser, type EventSourceParser } from "eventsource-parser";
import { apiHealthSchema, type ApiHealth } from "@/lib/region-health";

/** A health is a few kilobytes: a stream that buffers more than this without an event's end is dropped. */
const MAX_BUFFER_CHARS = 1 << 20;

/**
 * Reads a region API's health stream: every event named `health` or unnamed (the lab's) whose data is a readable
 * health, whatever the line endings, however the data is split over lines and the bytes over chunks. Other
 * events (a keep-alive, say) and unreadable data are passed over. Past MAX_BUFFER_CHARS `feed` throws.
 */
export function healthEvents(onHealth: (health: ApiHealth) => void): EventSourceParser {
  return createParser({
    maxBufferSize: MAX_BUFFER_CHARS,
    onEvent(event) {
      if (event.event !== undefined && event.event !== "health") return;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      const parsed = apiHealthSchema.safeParse(data);
      if (parsed.success) onHealth(parsed.data);
    },
  });
}

/**
 * What of a region API's health can move a region's status: its own status, its database, mirrors and CDN, and
 * what it reaches of every region's database (a region it lost is a partition or an outage elsewhere).
 */
export function healthChangeKey(h: ApiHealth): string {
  const reaches = (h.reaches ?? []).map((r) => [r.region, r.reachable, r.inRecovery]);
  return JSON.stringify([h.status, h.db?.connected, h.db?.writable, h.mirrors?.status, h.cdn?.status, reaches]);
}

/**
 * Holds GET {apiUrl}/v1/health/stream open: the region API pushes its health when it changes, and a killed
 * API drops the connection. Either wakes the collector at once (onEvent). Reconnects quietly; polling remains
 * the floor where a region API has no stream.
 */
export class ApiHealthStream {
  private controller: AbortController | null = null;
  private stopped = false;
  private lastKey = "";

  constructor(
    private readonly apiUrl: string,
    private readonly onEvent: () => void,
  ) {}

  start() {
    void this.loop();
  }

  private async loop() {
    while (!this.stopped) {
      this.controller = new AbortController();
      let connected = false;
      try {
        const res = await fetch(new URL("/v1/health/stream", this.apiUrl), {
          signal: this.controller.signal,
          cache: "no-store",
          redirect: "manual",
        });
        if (!res.ok || !res.body) return; // no stream here: polling alone
        connected = true;
        const parser = healthEvents((health) => {
          if (this.changed(health)) this.onEvent();
        });
        const decoder = new TextDecoder();
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch {
        // dropped or refused
      }
      if (this.stopped) return;
      if (connected) this.onEvent(); // the stream broke: look now
      await new Promise((r) => setTimeout(r, connected ? 50 : 1000));
    }
  }

  /** Only a change that can move a region's status wakes the collector, not the once-a-second beat. */
  private changed(health: ApiHealth): boolean {
    const key = healthChangeKey(health);
    if (key === this.lastKey) return false;
    this.lastKey = key;
    return true;
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
  }
}
