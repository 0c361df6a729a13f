import "server-only";
import http from "node:http";
import https from "node:https";
import pg from "pg";
import type { RegionConfig } from "@/lib/fleet-config";
import type { ApiSample, CdnSample, DbSample, MirrorSample, ReplicaLink, SlotInfo, WalReceiver } from "@/lib/fleet-sample";
import { apiHealthSchema } from "@/lib/region-health";
import { TIMELINE_SQL } from "./timeline-sql";

export const errorText = (err: unknown) => {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
};

// Plain node:http with keep-alive: at a hundred regions the collector makes hundreds of requests a second,
// and fetch costs about three times the CPU per request (measured by npm run bench).
const agents = { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) };

/** GET a JSON body within timeoutMs overall (node:http follows no redirect); a timeout rejects with a TimeoutError. */
function getJson(url: URL, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.get(url, { agent: agents[url.protocol as "http:" | "https:"], headers: { accept: "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("error", reject);
      res.on("end", () => {
        clearTimeout(timer);
        let body: unknown = null;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: the caller reports an unreadable body
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { name: "TimeoutError" })), timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** GET {apiUrl}/health within timeoutMs. A 503 with a readable body is an API that answers: it says it is down. */
export async function probeApi(apiUrl: string, timeoutMs: number): Promise<ApiSample> {
  const started = performance.now();
  try {
    const { status, body } = await getJson(new URL("/health", apiUrl), timeoutMs);
    const latencyMs = performance.now() - started;
    const parsed = apiHealthSchema.safeParse(body);
    if (!parsed.success) return { up: false, latencyMs, timedOut: false, error: `HTTP ${status} with an unreadable health body` };
    return { up: true, latencyMs, health: parsed.data };
  } catch (err) {
    const latencyMs = performance.now() - started;
    const timedOut = (err as Error).name === "TimeoutError";
    return { up: false, latencyMs, timedOut, error: timedOut ? `timed out after ${timeoutMs} ms` : errorText(err) };
  }
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});

/** The runbook's mirror and CDN reads: /v1/mirrors/stats, /v1/cdn/stats, /v1/cdn/costs, /v1/metrics/bandwidth. */
export async function probeTraffic(apiUrl: string, timeoutMs: number): Promise<{ mirrors: MirrorSample | null; cdn: CdnSample | null }> {
  const read = (path: string) => getJson(new URL(path, apiUrl), timeoutMs).then((r) => (r.status === 200 ? obj(r.body) : null), () => null);
  const [m, c, costs, bw] = await Promise.all([read("/v1/mirrors/stats"), read("/v1/cdn/stats"), read("/v1/cdn/costs"), read("/v1/metrics/bandwidth")]);
  const mirrors: MirrorSample | null =
    m && num(m.hitRate) !== null
      ? {
          status: str(m.status) ?? "unknown",
          hitRate: num(m.hitRate)!,
          requestsPerSecond: num(m.requestsPerSecond) ?? 0,
          errorRate: num(m.errorRate) ?? 0,
          lastSyncAt: str(m.lastSyncAt),
          resyncProgress: num(m.resyncProgress),
        }
      : null;
  const perSecond = obj(bw?.bytesPerSecond);
  const cdn: CdnSample | null =
    c && num(c.cacheHitRate) !== null
      ? {
          provider: str(c.provider) ?? "unknown",
          enabled: c.enabled !== false,
          status: str(c.status) ?? "unknown",
          cacheHitRate: num(c.cacheHitRate)!,
          requestsPerSecond: num(c.requestsPerSecond) ?? 0,
          errorRate: num(c.errorRate) ?? 0,
          edgeLatencyMs: num(c.edgeLatencyMs),
          bandwidthBytesPerSecond: num(c.bandwidthBytesPerSecond) ?? 0,
          directBytesPerSecond: (num(perSecond.direct) ?? 0) + (num(perSecond.origin) ?? 0),
          costTotalUsd: num(costs?.totalUsd) ?? 0,
          costRateUsdPerHour: num(costs?.currentRateUsdPerHour) ?? 0,
          costByCategory: Object.fromEntries(Object.entries(obj(costs?.byCategory)).filter((e): e is [string, number] => num(e[1]) !== null)),
        }
      : null;
  return { mirrors, cdn };
}

const PRIMARY_SQL = `
select pg_is_in_recovery() as in_recovery,
  ${TIMELINE_SQL} as timeline,
  case when pg_is_in_recovery() then null else pg_current_wal_flush_lsn()::text end as current_lsn,
  coalesce((select json_agg(json_build_object(
      'applicationName', r.application_name, 'clientAddr', host(r.client_addr), 'state', r.state, 'syncState', r.sync_state,
      'sentLsn', r.sent_lsn::text, 'writeLsn', r.write_lsn::text, 'flushLsn', r.flush_lsn::text, 'replayLsn', r.replay_lsn::text,
      'lagBytes', pg_wal_lsn_diff(pg_current_wal_flush_lsn(), r.replay_lsn)::float8,
      'writeLagSeconds', extract(epoch from r.write_lag)::float8, 'flushLagSeconds', extract(epoch from r.flush_lag)::float8,
      'replayLagSeconds', extract(epoch from r.replay_lag)::float8,
      'replyAgeSeconds', extract(epoch from clock_timestamp() - r.reply_time)::float8))
    from pg_stat_replication r where not pg_is_in_recovery()), '[]') as links,
  coalesce((select json_agg(json_build_object(
      'name', s.slot_name, 'active', s.active, 'walStatus', s.wal_status, 'restartLsn', s.restart_lsn::text,
      'retainedBytes', case when s.restart_lsn is null or pg_is_in_recovery() then null
                            else pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::float8 end))
    from pg_replication_slots s where s.slot_type = 'physical'), '[]') as slots`;

const REPLICA_SQL = `
select pg_is_in_recovery() as in_recovery,
  (select received_tli from pg_stat_wal_receiver) as receiver_timeline,
  ${TIMELINE_SQL} as timeline,
  pg_last_wal_receive_lsn()::text as receive_lsn,
  pg_last_wal_replay_lsn()::text as replay_lsn,
  pg_last_xact_replay_timestamp() as last_replay_at,
  case when pg_is_in_recovery() then pg_is_wal_replay_paused() else false end as replay_paused,
  (select json_build_object('status', w.status, 'silenceSeconds', extract(epoch from clock_timestamp() - w.last_msg_receipt_time)::float8,
      'senderHost', w.sender_host, 'senderPort', w.sender_port, 'slot', w.slot_name) from pg_stat_wal_receiver w) as receiver`;

/**
 * A held connection to one region's PostgreSQL server. Holding it means a stopped server is noticed the
 * moment the connection breaks (onBreak), not at the next poll.
 */
export class PostgresProbe {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private inRecovery: boolean | null = null;

  constructor(
    private readonly config: RegionConfig["postgres"],
    private readonly onBreak: () => void,
  ) {}

  async probe(timeoutMs: number): Promise<DbSample> {
    const started = performance.now();
    try {
      const client = await this.connect(timeoutMs);
      // Ask the question that fits the role last seen; a changed role is re-asked at once.
      let row = await this.query(client, this.inRecovery ? REPLICA_SQL : PRIMARY_SQL, timeoutMs);
      if (row.in_recovery !== (this.inRecovery ?? false)) {
        this.inRecovery = row.in_recovery as boolean;
        row = await this.query(client, this.inRecovery ? REPLICA_SQL : PRIMARY_SQL, timeoutMs);
      }
      const latencyMs = performance.now() - started;
      if (!row.in_recovery) {
        return {
          up: true,
          latencyMs,
          inRecovery: false,
          timeline: Number(row.timeline),
          currentLsn: String(row.current_lsn),
          links: row.links as ReplicaLink[],
          slots: row.slots as SlotInfo[],
        };
      }
      return {
        up: true,
        latencyMs,
        inRecovery: true,
        timeline: Number(row.receiver_timeline ?? row.timeline),
        receiveLsn: (row.receive_lsn as string | null) ?? null,
        replayLsn: (row.replay_lsn as string | null) ?? null,
        lastReplayAt: row.last_replay_at ? (row.last_replay_at as Date).toISOString() : null,
        replayPaused: row.replay_paused === true,
        receiver: (row.receiver as WalReceiver | null) ?? null,
      };
    } catch (err) {
      this.drop();
      return { up: false, error: errorText(err) };
    }
  }

  private async query(client: pg.Client, text: string, timeoutMs: number): Promise<Obj> {
    const r = await client.query({ text, query_timeout: timeoutMs } as pg.QueryConfig);
    return r.rows[0] as Obj;
  }

  private connect(timeoutMs: number): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({
        host: this.config.host,
        port: this.config.port,
        user: this.config.user,
        password: this.config.password,
        database: this.config.database,
        connectionTimeoutMillis: timeoutMs,
        application_name: "switchyard-collector",
        keepAlive: true,
      });
      const broke = () => {
        if (this.client !== client) return;
        this.drop();
        this.onBreak();
      };
      client.on("error", broke);
      client.on("end", broke);
      try {
        await client.connect();
      } catch (err) {
        client.removeAllListeners();
        client.on("error", () => undefined);
        throw err;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private drop() {
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners();
      c.on("error", () => undefined);
      c.end().catch(() => undefined);
    }
  }

  close() {
    this.drop();
  }
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
        const res = await fetch(new URL("/v1/health/stream", this.apiUrl), { signal: this.controller.signal, cache: "no-store", redirect: "manual" });
        if (!res.ok || !res.body) return; // no stream here: polling alone
        connected = true;
        const decoder = new TextDecoder();
        let buffer = "";
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (this.changed(event)) this.onEvent();
          }
        }
      } catch {
        // dropped or refused
      }
      if (this.stopped) return;
      if (connected) this.onEvent(); // the stream broke: look now
      await new Promise((r) => setTimeout(r, connected ? 50 : 1000));
    }
  }

  /** Only a change that can move the region's status wakes the collector, not the once-a-second beat. */
  private changed(event: string): boolean {
    let h: Obj;
    try {
      h = obj(JSON.parse(event.replace(/^data: /, "")));
    } catch {
      return false;
    }
    const db = obj(h.db);
    const key = JSON.stringify([h.status, db.connected, db.writable, obj(h.mirrors).status, obj(h.cdn).status]);
    if (key === this.lastKey) return false;
    this.lastKey = key;
    return true;
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
  }
}
