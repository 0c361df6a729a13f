import "server-only";
import { defaultRuleSettings, ruleThreshold, type RuleSettingsMap } from "@/lib/alert-rules";
import { slotName, type FleetConfig, type RegionConfig } from "@/lib/fleet-config";
import type { CdnSample, DbSample, MirrorSample, RegionSample } from "@/lib/fleet-sample";
import type { RegionView } from "@/lib/fleet-view";
import { staleAfterMs } from "@/lib/freshness";
import { reachabilityOf } from "@/lib/reachability";
import { deriveHealth } from "@/lib/region-health";
import { lagCrossingTime, replicaLag } from "@/lib/replication-lag";
import { trafficStaleAfterMs } from "@/lib/traffic-view";
import { AlertEngine } from "@/server/alerts/engine";
import { startEscalationClock } from "@/server/incidents/escalation";
import { tickFailoverTests } from "@/server/failover-tests/failover-test-service";
import { tickLiveChecks } from "@/server/incidents/live-ticker";
import { env } from "@/server/env";
import { throttledLog } from "@/server/throttled-log";
import { createHaproxyBalancer } from "@/server/traffic/haproxy";
import { TrafficLoop } from "@/server/traffic/traffic-loop";
import { rollupAndPruneTraffic } from "@/server/traffic/traffic-store";
import { getFleetConfig } from "./config";
import { FencedError, Leadership, type Fence } from "./leader";
import { loadCurrentPrimary } from "./topology";
import { ApiHealthStream } from "./api-health-stream";
import { probeApi } from "./api-probe";
import { PostgresProbe } from "./db-probe";
import { probeTraffic } from "./traffic-probe";
import { rollupAndPrune, writeSamples, type StatusRow } from "./sample-store";
import { publishStoredStatuses, showJudged } from "./fleet-service";
import { statusHistoryRecorder } from "@/server/status/status-history";

export type Raw = {
  api: RegionSample["api"];
  db: DbSample | null;
  mirrors: MirrorSample | null;
  cdn: CdnSample | null;
};

/** What a region API says it reaches, in short: only a change in it can change how the other regions read. */
const reachKey = (api: RegionSample["api"] | undefined) =>
  api?.up ? (api.health.reaches ?? []).map((r) => `${r.region}:${r.reachable}:${r.inRecovery}`).join(",") : "";

/** Traffic figures are read every this many passes (and on any pushed change). */
const TRAFFIC_EVERY = 5;

/** While the store cannot take samples (away, its disk full): one log line per kind every ten seconds. */
const log = throttledLog(10_000);
/** After a failed write the next waits a little longer each time, up to this: calm retries, never a tight loop. */
const MAX_WRITE_BACKOFF_MS = 10_000;

/**
 * One region's loop: every POLL_INTERVAL, or at once when its database connection breaks or its API pushes
 * a change, it probes the API, the database and the traffic figures in parallel, each bounded by a timeout
 * shorter than the interval, so a hung region never delays the others. (Exported for its test.)
 */
export class RegionLoop {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly pg: PostgresProbe | null;
  private readonly stream: ApiHealthStream;
  private traffic: { mirrors: MirrorSample | null; cdn: CdnSample | null; at: number } | null = null;
  private trafficDue = true;

  constructor(
    readonly region: RegionConfig,
    simulated: boolean,
    private readonly collector: Pick<Collector, "accept" | "latestOf" | "lookEverywhere">,
  ) {
    this.pg = simulated ? null : new PostgresProbe(region.postgres, () => this.runNow());
    // A pushed change (mirrors or CDN status among them) also refreshes the traffic figures at once. What the
    // region API reaches is news about the other regions too: a region it lost is looked at now, not a poll later.
    this.stream = new ApiHealthStream(region.apiUrl, () => {
      this.trafficDue = true;
      this.collector.lookEverywhere();
    });
  }

  /**
   * The mirror and CDN figures are the region API's own averages over a window; reading them every
   * TRAFFIC_EVERY passes (and whenever the API pushes a change) keeps their news fresh at a fifth of the cost.
   */
  private async readTraffic(timeoutMs: number) {
    const now = Date.now();
    if (this.trafficDue || !this.traffic || now - this.traffic.at >= TRAFFIC_EVERY * env.POLL_INTERVAL) {
      this.trafficDue = false;
      this.traffic = { ...(await probeTraffic(this.region.apiUrl, timeoutMs)), at: now };
    }
    return { mirrors: this.traffic.mirrors, cdn: this.traffic.cdn };
  }

  start() {
    this.stream.start();
    this.runNow();
  }

  /** Probes now, or right after the probe in flight. */
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
    let nextMs = env.POLL_INTERVAL;
    try {
      const previous = this.collector.latestOf(this.region.id);
      const dbProbe = this.pg ? this.pg.probe(timeoutMs) : Promise.resolve(null);
      // A database that went down or came back is news: judged the moment its probe answers, with the API's and
      // the traffic's last figures, not after the API's answer (tens of ms more, while the fleet waits on it).
      void dbProbe.then((db) => {
        if (previous && db && db.up !== previous.db?.up && !this.stopped)
          this.collector.accept(this.region, { api: previous.api, db, mirrors: previous.mirrors, cdn: previous.cdn });
      });
      const [api, db, traffic] = await Promise.all([
        probeApi(this.region.apiUrl, timeoutMs),
        dbProbe,
        this.readTraffic(timeoutMs),
      ]);
      if (!this.stopped) nextMs = Math.min(nextMs, this.collector.accept(this.region, { api, db, ...traffic }));
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
      this.timer = setTimeout(() => this.runNow(), Math.max(5, nextMs));
    }
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.pg?.close();
    this.stream.stop();
  }
}

export class Collector {
  private loops = new Map<string, RegionLoop>();
  /** the global traffic loop, while the fleet file has a balancer */
  private traffic: TrafficLoop | null = null;
  private latest = new Map<string, RegionSample>();
  private written = new Map<string, { status: string; historyAt: number }>();
  private pending = new Map<string, RegionSample>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushNow = false;
  private flushing: Promise<void> | null = null;
  private evaluating: Promise<void> | null = null;
  private evaluateAgain = false;
  private timers: NodeJS.Timeout[] = [];
  private fleet: FleetConfig | null = null;
  /** the alert rules' settings as last read: region health and the live checks judge by their thresholds too */
  private ruleSettings: RuleSettingsMap = defaultRuleSettings();
  private lastLiveCheck = 0;
  /** failed sample writes in a row, and the earliest moment of the next try */
  private writeFailures = 0;
  private retryAt = 0;
  readonly alerts: AlertEngine;
  /** the status page's uptime history: each component's worst state per minute */
  private readonly recordStatus: ReturnType<typeof statusHistoryRecorder>;

  /** `fence`: the lease this collector works under; `onFenced`: called when the store refuses its term. */
  constructor(
    private readonly fence: Fence,
    private readonly onFenced: (why: string) => void,
  ) {
    this.alerts = new AlertEngine(fence);
    this.recordStatus = statusHistoryRecorder(fence);
  }

  start() {
    void this.resync();
    // A rewritten fleet file (new regions, ports or roles), or a primary changed by another console, is picked up within a few seconds.
    this.timers.push(setInterval(() => void this.resync(), 5000));
    this.timers.push(setInterval(() => void this.rollup(), 60_000));
    void this.rollup();
  }

  stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushNow = false;
    for (const loop of this.loops.values()) loop.stop();
    this.loops.clear();
    this.traffic?.stop();
    this.traffic = null;
  }

  /** Re-reads the recorded primary, then the fleet file; an action that changed the primary calls this at once. */
  async resync() {
    await loadCurrentPrimary().catch((err: Error) =>
      log("primary", `[collector] could not read the current primary: ${err.message}`),
    );
    this.sync();
  }

  private sync() {
    let fleet: FleetConfig;
    try {
      fleet = getFleetConfig();
    } catch (err) {
      console.error(`[collector] ${(err as Error).message}`);
      return;
    }
    this.fleet = fleet;
    const wanted = new Map(fleet.regions.map((r) => [r.id, r]));
    for (const [id, loop] of this.loops) {
      const cfg = wanted.get(id);
      if (!cfg || JSON.stringify(cfg) !== JSON.stringify(loop.region)) {
        loop.stop();
        this.loops.delete(id);
        if (!cfg) this.latest.delete(id);
      }
    }
    for (const [id, cfg] of wanted) {
      if (this.loops.has(id)) continue;
      const loop = new RegionLoop(cfg, fleet.simulated, this);
      this.loops.set(id, loop);
      loop.start();
    }
    this.syncTraffic(fleet);
  }

  /** A traffic loop while the fleet file has a balancer; a new one when the balancer or the regions change. */
  private syncTraffic(fleet: FleetConfig) {
    const regionIds = fleet.regions.map((r) => r.id);
    const current = this.traffic;
    if (
      current &&
      fleet.balancer &&
      JSON.stringify(current.config) === JSON.stringify(fleet.balancer) &&
      current.regionIds.join() === regionIds.join()
    )
      return;
    current?.stop();
    this.traffic = null;
    if (!fleet.balancer) return;
    this.traffic = new TrafficLoop(
      fleet.balancer,
      regionIds,
      createHaproxyBalancer(fleet.balancer),
      this.fence,
      this.onFenced,
    );
    this.traffic.start();
  }

  /** The traffic loop's newest snapshot while it is fresh (for the live checks), else null. */
  private freshTraffic() {
    const t = this.traffic?.latest() ?? null;
    return t && Date.now() - Date.parse(t.at) <= trafficStaleAfterMs(env.POLL_INTERVAL) ? t : null;
  }

  /** A region's latest sample, as this console judged it. */
  latestOf(regionId: string): RegionSample | undefined {
    return this.latest.get(regionId);
  }

  /** Probes every region now (or right after the probe in flight). */
  lookEverywhere() {
    for (const loop of this.loops.values()) loop.runNow();
  }

  /** The flushed WAL position of the server that is primary now, from its latest sample. */
  private primaryFlushLsn(): string | null {
    const primaries = [...this.latest.values()].filter((s) => s.db?.up && !s.db.inRecovery);
    const db = primaries.length === 1 ? primaries[0]!.db : null;
    return db?.up && !db.inRecovery ? db.currentLsn : null;
  }

  private get lagThreshold(): number {
    return ruleThreshold(this.ruleSettings, "replication-lag");
  }

  /** Turns one region's probes into a sample; returns how soon that region should be probed again. */
  accept(region: RegionConfig, raw: Raw): number {
    const now = Date.now();
    const replica = raw.db?.up && raw.db.inRecovery ? raw.db : null;
    const lag = replica ? replicaLag(replica, this.primaryFlushLsn(), now) : null;
    const previous = this.latest.get(region.id);
    const previousLag = previous?.lag?.seconds ?? 0;
    // An unreadable database keeps its last known figures, with their time, until it answers again.
    const lastUp = raw.db?.up
      ? null
      : previous?.db?.up
        ? { at: previous.at, db: previous.db }
        : (previous?.lastUp ?? null);
    const sample = this.judge(
      region,
      { regionId: region.id, at: new Date(now).toISOString(), ...raw, lag, lastUp },
      now,
    );
    // A lag crossing the alert threshold is written (and alerted) at once.
    this.keep(sample, previousLag <= this.lagThreshold && (lag?.seconds ?? 0) > this.lagThreshold);
    if (reachKey(raw.api) !== reachKey(previous?.api)) this.rejudgeOthers(region.id, now);
    // Paused replay crosses the lag threshold at a known moment: look again right then, not a poll later.
    const crossing = replica && lag ? lagCrossingTime(replica, lag, this.lagThreshold) : null;
    return crossing ? crossing - now + 5 : env.POLL_INTERVAL;
  }

  /** A region's health from its own probes and what the region APIs' latest reports say about reaching it. */
  private judge(
    region: RegionConfig,
    probed: Omit<RegionSample, "health" | "reachability">,
    now: number,
  ): RegionSample {
    // in the fleet file's order, so the words name the regions the same way every time
    const order = this.fleet?.regions.map((r) => r.id) ?? [];
    const others = [...this.latest.values()]
      .filter((s) => s.regionId !== region.id)
      .sort((a, b) => order.indexOf(a.regionId) - order.indexOf(b.regionId));
    const reachability = reachabilityOf(region.id, [probed, ...others], now, staleAfterMs(env.POLL_INTERVAL));
    const health = deriveHealth({ role: region.role, ...probed, lagThresholdSeconds: this.lagThreshold, reachability });
    return { ...probed, health, reachability };
  }

  /** Keeps a sample; a new status is shown on this console's pages and written (and alerted) at once, the rest in batches. */
  private keep(sample: RegionSample, urgent = false) {
    this.latest.set(sample.regionId, sample);
    this.pending.set(sample.regionId, sample);
    const news = this.written.get(sample.regionId)?.status !== sample.health.status;
    if (news) showJudged(sample);
    this.scheduleFlush(urgent || news ? 0 : 200);
  }

  /**
   * A region API's new report can change what the others' probes mean (a timeout from here is a partition if
   * the regions still reach that server, an outage if they do not): judge them again now, without probing.
   */
  private rejudgeOthers(changed: string, now: number) {
    for (const s of this.latest.values()) {
      const cfg = this.fleet?.regions.find((r) => r.id === s.regionId);
      if (s.regionId === changed || !cfg) continue;
      const again = this.judge(cfg, s, now);
      if (again.reachability?.verdict !== s.reachability?.verdict || again.health.status !== s.health.status)
        this.keep(again);
    }
  }

  private scheduleFlush(delayMs: number) {
    // While the store refuses samples, the next write waits for its turn (the latest sample per region is kept).
    delayMs = Math.max(delayMs, this.retryAt - Date.now());
    if (this.flushTimer && delayMs > 0) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    // A write due now leaves in this turn of the event loop (with whatever else this turn judged), not at the next
    // timers phase: on a machine busy with the fault itself that can come a hundred milliseconds later.
    if (delayMs <= 0) {
      if (!this.flushNow) {
        this.flushNow = true;
        queueMicrotask(() => {
          if (!this.flushNow) return; // stopped meanwhile
          this.flushNow = false;
          void this.flush();
        });
      }
      return;
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, delayMs);
  }

  /**
   * Writes what is pending and tells the pages; one write at a time. The alert rules and live checks run after it
   * on their own (evaluate), so a new status never waits behind the previous pass's evaluation.
   */
  private async flush(): Promise<void> {
    if (this.flushing) {
      await this.flushing;
      if (this.pending.size) this.scheduleFlush(0);
      return;
    }
    const samples = [...this.pending.values()];
    this.pending.clear();
    if (!samples.length) return;
    // Fenced: not one more write or page once the lease is gone by this console's clock.
    if (!this.fence.holds())
      return this.onFenced(`the lease of term ${this.fence.term} ran out before these samples were written`);
    this.flushing = (async () => {
      let stored: StatusRow[];
      const history = samples.filter((s) => Date.parse(s.at) - (this.written.get(s.regionId)?.historyAt ?? 0) >= 1000);
      try {
        stored = await writeSamples(samples, history, this.fence);
      } catch (err) {
        if (err instanceof FencedError) return this.onFenced(err.message);
        // Kept for the next try unless a newer sample of the region came meanwhile; the collector goes on probing.
        for (const s of samples) if (!this.pending.has(s.regionId)) this.pending.set(s.regionId, s);
        this.writeFailures++;
        const waitMs = Math.min(MAX_WRITE_BACKOFF_MS, 250 * 2 ** this.writeFailures);
        this.retryAt = Date.now() + waitMs;
        log(
          "samples",
          `[collector] could not store samples, trying again in ${Math.round(waitMs / 100) / 10} s: ${(err as Error).message}`,
        );
        this.scheduleFlush(waitMs);
        return;
      }
      if (this.writeFailures)
        console.log(
          `[collector] storing samples again after ${this.writeFailures} failed ${this.writeFailures === 1 ? "try" : "tries"}`,
        );
      this.writeFailures = 0;
      this.retryAt = 0;
      for (const s of samples) {
        const prev = this.written.get(s.regionId);
        this.written.set(s.regionId, {
          status: s.health.status,
          historyAt: history.includes(s) ? Date.parse(s.at) : (prev?.historyAt ?? 0),
        });
      }
      publishStoredStatuses(stored);
      this.evaluate();
    })();
    await this.flushing;
    this.flushing = null;
  }

  /** Evaluates the alert rules on the whole fleet as it is now, then the live checks; one pass at a time, coalesced. */
  private evaluate() {
    if (this.evaluating) {
      this.evaluateAgain = true;
      return;
    }
    this.evaluating = (async () => {
      do {
        this.evaluateAgain = false;
        if (!this.fence.holds()) return;
        const views = this.views();
        await this.alerts.evaluate(views);
        await this.recordStatus(views).catch((err) =>
          log("status-history", `[status] recording the uptime history failed: ${(err as Error).message}`),
        );
        this.ruleSettings = (await this.alerts.ruleSettings().catch(() => null)) ?? this.ruleSettings;
        if (Date.now() - this.lastLiveCheck >= 1000) {
          this.lastLiveCheck = Date.now();
          const snapshot = {
            generatedAt: new Date().toISOString(),
            simulated: this.fleet?.simulated ?? false,
            staleAfterSeconds: staleAfterMs(env.POLL_INTERVAL) / 1000,
            regions: views,
            alerts: [],
          };
          await tickLiveChecks(snapshot, this.ruleSettings, this.freshTraffic()).catch((err) =>
            log("live-checks", `[incidents] live checks failed: ${(err as Error).message}`),
          );
          await tickFailoverTests(snapshot, this.ruleSettings).catch((err) =>
            log("failover-tests", `[failover-tests] ${(err as Error).message}`),
          );
        }
      } while (this.evaluateAgain);
    })()
      .catch((err) => log("alerts", `[alerts] evaluating the rules failed: ${(err as Error).message}`))
      .finally(() => {
        this.evaluating = null;
      });
  }

  /** The fleet as the alert rules see it, from memory. */
  private views(): RegionView[] {
    return (this.fleet?.regions ?? []).map((cfg) => {
      const s = this.latest.get(cfg.id) ?? null;
      return {
        id: cfg.id,
        displayName: cfg.displayName,
        role: cfg.role,
        observedRole: s?.db?.up ? (s.db.inRecovery ? "replica" : "primary") : null,
        status: s?.health.status ?? null,
        lastStatus: s?.health.status ?? null,
        reasons: s?.health.reasons ?? [],
        lastSeenAt: null,
        checkedAt: s?.at ?? null,
        changedAt: null,
        ageSeconds: 0,
        apiUrl: cfg.apiUrl,
        cdnProvider: cfg.cdn.provider,
        slot: slotName(cfg),
        sample: s,
      };
    });
  }

  private async rollup() {
    try {
      await rollupAndPrune(new Date(), env.RAW_RETENTION_HOURS, env.ROLLUP_RETENTION_DAYS);
      await rollupAndPruneTraffic(new Date(), env.RAW_RETENTION_HOURS, env.ROLLUP_RETENTION_DAYS);
    } catch (err) {
      log("rollup", `[collector] history rollup failed: ${(err as Error).message}`);
    }
  }
}

const holder = globalThis as unknown as {
  __switchyardCollector?: { collector: Collector | null; leadership: Leadership };
};

/** Starts this console's bid to collect (idempotent): while it holds the collector lease it collects and sends due pages. */
export function startCollector(): void {
  if (holder.__switchyardCollector) return;
  let stopEscalations = () => {};
  const state: { collector: Collector | null; leadership: Leadership } = {
    collector: null,
    leadership: new Leadership(
      (fence) => {
        state.collector = new Collector(fence, (why) => state.leadership.lose(why));
        state.collector.start();
        stopEscalations = startEscalationClock(() => fence.holds());
      },
      () => {
        state.collector?.stop();
        state.collector = null;
        stopEscalations();
      },
    ),
  };
  holder.__switchyardCollector = state;
  state.leadership.start();
}

/** "leading" when this console collects, "standby" when another does, "off" before start-up. */
export function collectorRole(): "leading" | "standby" | "off" {
  const s = holder.__switchyardCollector;
  return !s ? "off" : s.leadership.holds() ? "leading" : "standby";
}

/** The term of the lease this console collects under, null when it does not lead. */
export function collectorTerm(): number | null {
  const s = holder.__switchyardCollector;
  return s?.leadership.holds() ? s.leadership.term : null;
}

/**
 * The primary changed: re-reads the recorded one, and the running collector (if this console leads) probes by
 * the new roles now.
 */
export async function resyncCollector(): Promise<void> {
  const collector = holder.__switchyardCollector?.collector;
  if (collector) await collector.resync();
  else await loadCurrentPrimary();
}

/** The running collector's alert engine, so an admin's rule change applies at once. */
export function runningAlertEngine(): AlertEngine | null {
  return holder.__switchyardCollector?.collector?.alerts ?? null;
}
