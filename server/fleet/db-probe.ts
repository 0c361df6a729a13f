import "server-only";
import pg from "pg";
import { errorInWords } from "@/lib/error-words";
import type { RegionConfig } from "@/lib/fleet-config";
import type { DbSample, ReplicaLink, SlotInfo, WalReceiver } from "@/lib/fleet-sample";
import { TIMELINE_SQL } from "./timeline-sql";

type Row = Record<string, unknown>;

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
      return { up: false, ...errorInWords(err) };
    }
  }

  private async query(client: pg.Client, text: string, timeoutMs: number): Promise<Row> {
    const r = await client.query({ text, query_timeout: timeoutMs } as pg.QueryConfig);
    return r.rows[0] as Row;
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
