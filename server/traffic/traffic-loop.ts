import "server-only";
import type { BalancerConfig } from "@/lib/fleet-config";
import { errorInWords } from "@/lib/error-words";
import type { TrafficSnapshot, UserFigures } from "@/lib/traffic";
import { summariseTraffic, trafficAtAGlance, TRAFFIC_FIGURES_EVERY_MS, type BalancerRead } from "@/lib/traffic-view";
import { env } from "@/server/env";
import { publish } from "@/server/events/bus";
import { FencedError, type Fence } from "@/server/fleet/leader";
import { throttledLog } from "@/server/throttled-log";
import type { Balancer } from "./balancer";
import { probeGlobalHealth } from "./global-health";
import { writeTraffic } from "./traffic-store";
import { readUserFigures } from "./users-probe";

/** Rates are taken over about this long (the read closest to this age is the base): steadier than one interval. */
const RATE_WINDOW_MS = 3_000;
/** A history point at most this often. */
const HISTORY_EVERY_MS = 5_000;
/** The window of the users' figures asked for. */
const USERS_WINDOW_SECONDS = 10;

const log = throttledLog(10_000);

/** A read bounded by `ms` whatever its reader does: one that overstays its own timeout never holds up the pass. */
function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`timed out after ${ms} ms`), { name: "TimeoutError" })),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const failure = (err: unknown) =>
  (err as Error).name === "TimeoutError" ? (err as Error).message : errorInWords(err).error;

/**
 * The collector's traffic loop, when the fleet file has a balancer: every POLL_INTERVAL it reads the balancer, the
 * users' figures and the global health check side by side, each bounded by a timeout shorter than the interval (a
 * hung one never delays the next pass, the other reads, or the region loops), summarises them (lib/traffic-view)
 * and stores the snapshot under the collector's fence, with a history point every few seconds. Pages hear of it
 * through the `traffic` topic: at once when who serves whom, a region's state or the global check changes, and
 * every few seconds for figures alone.
 */
export class TrafficLoop {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private reads: BalancerRead[] = [];
  private latestSnapshot: TrafficSnapshot | null = null;
  private pending: TrafficSnapshot | null = null;
  private writing = false;
  private historyAt = 0;
  private published: { glance: string; at: number } | null = null;

  constructor(
    readonly config: BalancerConfig,
    readonly regionIds: string[],
    private readonly balancer: Balancer,
    private readonly fence: Fence,
    private readonly onFenced: (why: string) => void,
  ) {}

  start() {
    void this.tick();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The newest snapshot this loop made (for the live checks), null before the first. */
  latest(): TrafficSnapshot | null {
    return this.latestSnapshot;
  }

  private async tick() {
    if (this.stopped) return;
    const started = Date.now();
    const timeoutMs = Math.max(50, Math.min(800, Math.floor(env.POLL_INTERVAL * 0.8)));
    try {
      const { usersUrl, frontendUrl } = this.config;
      const [current, users, globalHealth] = await Promise.all([
        bounded(this.balancer.read(timeoutMs), timeoutMs).then(
          (stats): BalancerRead => ({ at: Date.now(), stats }),
          (err) => ({ error: failure(err) }),
        ),
        usersUrl
          ? bounded(readUserFigures(usersUrl, timeoutMs, USERS_WINDOW_SECONDS), timeoutMs).catch(
              (err): { error: string } => ({ error: failure(err) }),
            )
          : Promise.resolve<UserFigures | null>(null),
        bounded(probeGlobalHealth(frontendUrl, timeoutMs), timeoutMs).catch((err): TrafficSnapshot["globalHealth"] => ({
          ok: false,
          status: null,
          latencyMs: null,
          servedBy: null,
          error: failure(err),
        })),
      ]);
      if (this.stopped) return;
      const previous = "stats" in current ? this.baseFor(current.at) : null;
      const snapshot = summariseTraffic({
        at: new Date().toISOString(),
        balancer: this.config,
        regionIds: this.regionIds,
        previous,
        current,
        users,
        globalHealth,
      });
      if ("stats" in current) this.keepRead(current);
      this.latestSnapshot = snapshot;
      this.pending = snapshot;
      void this.write();
    } catch (err) {
      log("traffic", `[collector] traffic: ${(err as Error).message}`);
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(5, started + env.POLL_INTERVAL - Date.now()));
  }

  /** The read to take rates from: the newest at least RATE_WINDOW_MS before `at`, else the oldest still kept. */
  private baseFor(at: number): BalancerRead | null {
    const old = this.reads.filter((r) => at - r.at >= RATE_WINDOW_MS);
    return old[old.length - 1] ?? this.reads[0] ?? null;
  }

  private keepRead(read: BalancerRead) {
    this.reads.push(read);
    // Reads older than a few windows are no base for a rate now (the balancer was unreachable meanwhile).
    this.reads = this.reads.filter((r) => read.at - r.at <= 3 * RATE_WINDOW_MS);
    const base = this.baseFor(read.at);
    if (base) this.reads = this.reads.slice(this.reads.indexOf(base));
  }

  /** Stores the newest snapshot; one write at a time, a newer snapshot replaces one still waiting. */
  private async write() {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.pending && !this.stopped) {
        const snapshot = this.pending;
        this.pending = null;
        if (!this.fence.holds()) {
          this.onFenced(`the lease of term ${this.fence.term} ran out before the traffic snapshot was written`);
          return;
        }
        const at = Date.parse(snapshot.at);
        const withHistory = at - this.historyAt >= HISTORY_EVERY_MS - 250;
        try {
          await writeTraffic(snapshot, withHistory, this.fence);
        } catch (err) {
          if (err instanceof FencedError) {
            this.onFenced(err.message);
            return;
          }
          // The next pass writes a newer snapshot anyway: no retry of this one.
          log("traffic-write", `[collector] could not store the traffic snapshot: ${(err as Error).message}`);
          continue;
        }
        if (withHistory) this.historyAt = at;
        const glance = trafficAtAGlance(snapshot);
        if (
          !this.published ||
          this.published.glance !== glance ||
          Date.now() - this.published.at >= TRAFFIC_FIGURES_EVERY_MS
        ) {
          this.published = { glance, at: Date.now() };
          publish("traffic");
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
