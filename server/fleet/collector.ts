import "server-only";
import type { RegionConfig } from "@/lib/fleet-config";
import { deriveHealth } from "@/lib/region-health";
import { env } from "@/server/env";
import { getFleetConfig } from "./config";
import { PostgresProbe, probeApi } from "./probes";
import { recordRegionStatus } from "./region-status";

/**
 * Probes each region on its own loop every POLL_INTERVAL, each probe bounded by a timeout shorter than the
 * interval, so a hung region never delays the others. A broken database connection triggers a probe at once.
 */
class RegionLoop {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly pg: PostgresProbe | null;

  constructor(
    readonly region: RegionConfig,
    private readonly simulated: boolean,
  ) {
    this.pg = simulated ? null : new PostgresProbe(region.postgres, () => this.runNow());
  }

  start() {
    this.runNow();
  }

  /** Runs a probe now, or right after the one in flight. */
  runNow() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.tick();
  }

  private async tick() {
    this.running = true;
    const timeoutMs = Math.max(50, Math.min(800, Math.floor(env.POLL_INTERVAL * 0.8)));
    try {
      const [api, db] = await Promise.all([probeApi(this.region.apiUrl, timeoutMs), this.pg ? this.pg.probe(timeoutMs) : Promise.resolve(null)]);
      const probe = { role: this.region.role, api, db };
      await recordRegionStatus(this.region.id, probe, deriveHealth(probe), new Date());
    } catch (err) {
      console.error(`[collector] ${this.region.id}: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      void this.tick();
    } else {
      this.timer = setTimeout(() => this.runNow(), env.POLL_INTERVAL);
    }
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.pg?.close();
  }
}

const holder = globalThis as unknown as { __switchyardCollector?: Collector };

export class Collector {
  private loops = new Map<string, RegionLoop>();
  private watcher: NodeJS.Timeout | null = null;

  start() {
    this.sync();
    // Picks up a rewritten fleet file (new regions, ports or roles) within a few seconds.
    this.watcher = setInterval(() => this.sync(), 5000);
  }

  private sync() {
    let fleet;
    try {
      fleet = getFleetConfig();
    } catch (err) {
      console.error(`[collector] ${(err as Error).message}`);
      return;
    }
    const wanted = new Map(fleet.regions.map((r) => [r.id, r]));
    for (const [id, loop] of this.loops) {
      const cfg = wanted.get(id);
      if (!cfg || JSON.stringify(cfg) !== JSON.stringify(loop.region)) {
        loop.stop();
        this.loops.delete(id);
      }
    }
    for (const [id, cfg] of wanted) {
      if (this.loops.has(id)) continue;
      const loop = new RegionLoop(cfg, fleet.simulated);
      this.loops.set(id, loop);
      loop.start();
    }
  }

  stop() {
    if (this.watcher) clearInterval(this.watcher);
    for (const loop of this.loops.values()) loop.stop();
    this.loops.clear();
  }
}

/** Starts the one collector of this process (idempotent). */
export function startCollector(): Collector {
  if (!holder.__switchyardCollector) {
    holder.__switchyardCollector = new Collector();
    holder.__switchyardCollector.start();
  }
  return holder.__switchyardCollector;
}
