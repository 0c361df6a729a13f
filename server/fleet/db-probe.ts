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

/** How long after the server ended the witness connection that ending still says it is stopping. */
const WITNESS_MEMORY_MS = 2_000;

/** The server said it is stopping (admin_shutdown, crash_shutdown, cannot_connect_now). */
const stopping = (err: unknown) => ["57P01", "57P02", "57P03"].includes((err as { code?: string } | null)?.code ?? "");

/**
 * A held connection to one region's PostgreSQL server. Holding it means a stopped server is noticed the
 * moment the connection breaks (onBreak), not at the next poll.
 *
 * A second idle connection (the witness) tells a stopping server from one connection ended alone (an
 * administrator's pg_terminate_backend): a stop ends every connection at once. Asking the witness costs a round
 * trip; connecting anew to learn the same would wait for a stopping server to start a backend just to refuse it,
 * 70-160 ms on the lab.
 */
export class PostgresProbe {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private inRecovery: boolean | null = null;
  private witness: pg.Client | null = null;
  /** the server ended the witness, saying it is stopping (at: when) */
  private witnessEnded: { error: unknown; at: number } | null = null;

  constructor(
    private readonly config: RegionConfig["postgres"],
    private readonly onBreak: () => void,
  ) {}

  async probe(timeoutMs: number): Promise<DbSample> {
    const started = performance.now();
    const ask = () =>
      this.ask(timeoutMs, started).catch((err: unknown) => {
        this.drop();
        throw err;
      });
    try {
      if (!this.client) await this.askWitness(timeoutMs);
      try {
        return await ask();
      } catch (err) {
        // Ended mid-question: a server that ended this connection alone still answers the witness.
        if (!stopping(err) || !(await this.askWitness(timeoutMs).catch(() => false))) throw err;
        return await ask();
      }
    } catch (err) {
      return { up: false, ...errorInWords(err) };
    }
  }

  private async ask(timeoutMs: number, started: number): Promise<DbSample> {
    const client = await this.connect(timeoutMs);
    if (!this.witness) void this.openWitness(timeoutMs);
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
  }

  private async query(client: pg.Client, text: string, timeoutMs: number): Promise<Row> {
    const r = await client.query({ text, query_timeout: timeoutMs } as pg.QueryConfig);
    return r.rows[0] as Row;
  }

  /**
   * With the held connection gone: throws the witness's failure when the server ended it too (just now, or as it is
   * asked), so the probe reports the server down without connecting anew. Otherwise says whether the witness
   * answered (none to ask: false); either way the probe then connects as usual.
   */
  private async askWitness(timeoutMs: number): Promise<boolean> {
    const ended = this.witnessEnded;
    this.witnessEnded = null; // said once: the probe after connects anew
    if (ended && Date.now() - ended.at < WITNESS_MEMORY_MS) throw ended.error;
    const w = this.witness;
    if (!w) return false;
    try {
      await w.query({ text: "select 1", query_timeout: timeoutMs } as pg.QueryConfig);
      return true;
    } catch (err) {
      this.dropWitness();
      if (stopping(err)) throw err;
      return false;
    }
  }

  /** Opens the witness beside a working held connection; never fails (without one the probe connects anew). */
  private async openWitness(timeoutMs: number) {
    if (this.witness) return;
    const w = this.newClient(timeoutMs);
    const ended = (error?: unknown) => {
      if (this.witness !== w) return;
      if (stopping(error)) this.witnessEnded = { error, at: Date.now() };
      this.dropWitness();
    };
    w.on("error", ended);
    w.on("end", () => ended());
    this.witness = w;
    this.witnessEnded = null;
    try {
      await w.connect();
    } catch {
      if (this.witness === w) this.dropWitness();
    }
  }

  private dropWitness() {
    const w = this.witness;
    this.witness = null;
    if (w) letGo(w);
  }

  private newClient(timeoutMs: number) {
    return new pg.Client({
      host: this.config.host,
      port: this.config.port,
      user: this.config.user,
      password: this.config.password,
      database: this.config.database,
      connectionTimeoutMillis: timeoutMs,
      application_name: "switchyard-collector",
      keepAlive: true,
    });
  }

  private connect(timeoutMs: number): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = this.newClient(timeoutMs);
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
    if (c) letGo(c);
  }

  close() {
    this.drop();
    this.dropWitness();
  }
}

/** Ends a connection that no longer matters, deaf to whatever it still says. */
function letGo(c: pg.Client) {
  c.removeAllListeners();
  c.on("error", () => undefined);
  c.end().catch(() => undefined);
}
