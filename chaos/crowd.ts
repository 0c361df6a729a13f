import http from "node:http";
import { performance } from "node:perf_hooks";
import { request } from "../bench/http";
import { signIn } from "../bench/http-load";
import { summarize, round } from "../bench/stats";
import { Viewer } from "../bench/viewers";
import type { FleetSnapshot } from "../lib/fleet-view";

/**
 * The people watching: N signed-in viewers, each holding the live stream (GET /api/v1/events) as a page does
 * (bench/viewers.ts's Viewer), every fleet snapshot it is shown (whole, or rebuilt from a delta) handed to the page
 * watch; and one viewer's browsing, a page or a JSON read every half second round the console's pages (invariant 3:
 * nothing answers 5xx or fails).
 */

const VIEWER_ACCOUNT = ["viewer@switchyard.local", "switchyard-viewer"] as const;
/** sessions the viewers share (each sign-in costs a scrypt hash) */
const MAX_SESSIONS = 10;
const OPEN_BATCH = 10;
const BROWSE_EVERY_MS = 500;

export const BROWSED = [
  "/",
  "/api/v1/health/regions",
  "/replication",
  "/api/v1/fleet",
  "/alerts",
  "/api/v1/alerts",
  "/incidents",
  "/api/v1/replication",
  "/regions/us-east-1",
  "/api/v1/incidents",
  "/mirrors",
  "/api/v1/mirrors",
  "/cdn",
  "/api/v1/cdn",
  "/actions",
  "/audit",
  "/runbooks",
  "/metrics",
  "/api/health",
] as const;

export interface RequestError {
  at: string;
  what: string;
  error: string;
}

export interface PathFigures {
  requests: number;
  errors: number;
  p50Ms: number;
  maxMs: number;
}

export class Crowd {
  readonly viewers: Viewer[] = [];
  /** `event: error` (the store could not be read) or `ended` on a stream */
  readonly streamEvents: RequestError[] = [];
  readonly browseErrors: RequestError[] = [];
  private readonly browsed = new Map<string, number[]>();
  private readonly browseFailures = new Map<string, number>();
  private browsing = false;
  private browseLoop: Promise<void> | null = null;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private sessions: string[] = [];

  constructor(
    private readonly baseURL: string,
    private readonly count: number,
    private readonly onSnapshot: (viewer: number, s: FleetSnapshot, at: number) => void,
    private readonly log: (s: string) => void,
  ) {}

  async open(): Promise<void> {
    const n = Math.min(MAX_SESSIONS, this.count);
    for (let i = 0; i < n; i++) this.sessions.push(await signIn(this.baseURL, ...VIEWER_ACCOUNT));
    for (let i = 0; i < this.count; i++) {
      this.viewers.push(
        new Viewer(`${this.baseURL}/api/v1/events`, this.sessions[i % n]!, {
          // A fleet message the viewer could not turn into a snapshot is counted by it as a JSON error.
          onSnapshot: (s, at) => this.onSnapshot(i, s, at),
          onEvent: (event, data) => {
            if (event === "error" || event === "ended")
              this.streamEvents.push({
                at: new Date().toISOString(),
                what: `viewer ${i} stream`,
                error: `event: ${event} ${data}`,
              });
          },
        }),
      );
    }
    for (let i = 0; i < this.viewers.length; i += OPEN_BATCH)
      await Promise.all(this.viewers.slice(i, i + OPEN_BATCH).map((v) => v.open()));
    this.log(
      `${this.viewers.filter((v) => v.opened).length} of ${this.count} viewers hold the live stream (${n} sessions)`,
    );
  }

  isOpen = (i: number) => this.viewers[i]?.connected ?? false;

  startBrowsing() {
    this.browsing = true;
    this.browseLoop = (async () => {
      for (let i = 0; this.browsing; i++) {
        const path = BROWSED[i % BROWSED.length]!;
        const t = performance.now();
        try {
          const res = await request(`${this.baseURL}${path}`, {
            agent: this.agent,
            headers: { cookie: this.sessions[i % this.sessions.length]! },
            timeoutMs: 30_000,
          });
          if (res.status !== 200) this.fail(path, `HTTP ${res.status}: ${res.body.slice(0, 200)}`);
          else {
            const list = this.browsed.get(path) ?? [];
            list.push(performance.now() - t);
            this.browsed.set(path, list);
          }
        } catch (err) {
          this.fail(path, (err as Error).message);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, t + BROWSE_EVERY_MS - performance.now())));
      }
    })();
  }

  private fail(path: string, error: string) {
    this.browseFailures.set(path, (this.browseFailures.get(path) ?? 0) + 1);
    this.browseErrors.push({ at: new Date().toISOString(), what: `GET ${path}`, error });
    if (this.browseErrors.length <= 20) this.log(`  ERROR GET ${path}: ${error}`);
  }

  async stopBrowsing() {
    this.browsing = false;
    await this.browseLoop;
  }

  close() {
    this.browsing = false;
    for (const v of this.viewers) v.close();
    this.agent.destroy();
  }

  figures() {
    const paths: Record<string, PathFigures> = {};
    for (const p of BROWSED) {
      const ms = this.browsed.get(p) ?? [];
      const s = summarize(ms);
      paths[p] = {
        requests: ms.length + (this.browseFailures.get(p) ?? 0),
        errors: this.browseFailures.get(p) ?? 0,
        p50Ms: round(s.p50),
        maxMs: round(s.max),
      };
    }
    const v = this.viewers;
    return {
      viewers: v.length,
      opened: v.filter((x) => x.opened).length,
      openAtEnd: v.filter((x) => x.connected).length,
      fleetEvents: v.reduce((a, x) => a + x.fleetEvents, 0),
      reconnects: v.reduce((a, x) => a + x.reconnects, 0),
      streamErrors: v.reduce((a, x) => a + x.errors, 0),
      firstStreamError: v.find((x) => x.firstError)?.firstError ?? null,
      jsonErrors: v.reduce((a, x) => a + x.jsonErrors, 0),
      streamEvents: this.streamEvents.length,
      browsed: Object.values(paths).reduce((a, p) => a + p.requests, 0),
      browseErrors: this.browseErrors.length,
      paths,
    };
  }
}
