import pg from "pg";
import { errorInWords, wordsForCode, type ErrorInWords } from "../../lib/error-words";
import { readState } from "../state";

export interface DbHealth {
  connected: boolean;
  writable: boolean;
  lastAckedSeq: number | null;
  lastAckedAt: string | null;
  consecutiveFailures: number;
  /** the last failure in words a person reads (lib/error-words) */
  lastError: string | null;
  /** the SQLSTATE or system code behind `lastError`, when there is one */
  lastErrorCode: string | null;
}

export interface HeartbeatWriter {
  readonly health: DbHealth;
  start(): void;
  /** no more heartbeats; the connection is told to end (PostgreSQL's Terminate), not waited for */
  stop(): void;
}

export interface DbTarget {
  region: string;
  host: string;
  port: number;
  user: string;
  labDir: string;
}

const RECONNECT_MS = 200;
// four a second: a write gap is measured between heartbeats, to within a quarter of a second
const HEARTBEAT_MS = 250;
/** heartbeats between prunes of rows older than an hour: about a minute */
const PRUNE_EVERY = 60_000 / HEARTBEAT_MS;
/** three seconds of failed heartbeats: the API reports itself down */
export const FAILURES_UNTIL_DOWN = Math.ceil(3_000 / HEARTBEAT_MS);
/** a heartbeat still unanswered after this long counts as a failed write (a slower one is merely skipped) */
const STUCK_MS = 1_000;

function message(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

const notYetConnected = (): DbHealth => ({
  connected: false,
  writable: false,
  lastAckedSeq: null,
  lastAckedAt: null,
  consecutiveFailures: 0,
  lastError: null,
  lastErrorCode: null,
});

function noteError(health: DbHealth, { error, errorCode }: ErrorInWords) {
  health.lastError = error;
  health.lastErrorCode = errorCode ?? null;
}

/**
 * Writes a heartbeat row every quarter second through a single pg.Client (no pool: a dead primary
 * must show up as failed writes). The client's 'error'/'end' mark the db disconnected at once.
 */
export class PgHeartbeatWriter implements HeartbeatWriter {
  readonly health: DbHealth = notYetConnected();
  private client: pg.Client | null = null;
  /** whether this connection has written a heartbeat (its first one finds the last number: firstWrite) */
  private wroteHere = false;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** when the heartbeat still waiting for the database was sent (null: none waits) */
  private inFlightSince: number | null = null;
  private ticks = 0;
  private stopped = false;
  /** why the last connection attempt or connection failed */
  private connectError: ErrorInWords | null = null;

  constructor(private readonly target: DbTarget) {}

  start() {
    void this.connect();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    void this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async connect() {
    this.reconnectTimer = null;
    if (this.stopped || this.client) return;
    const client = new pg.Client({
      host: this.target.host,
      port: this.target.port,
      user: this.target.user,
      database: "postgres",
      connectionTimeoutMillis: 1_000,
      query_timeout: 2_000,
      keepAlive: true,
      application_name: `switchyard-lab-api-${this.target.region}`,
    });
    let dead = false;
    const lost = (error: unknown) => {
      if (dead) return;
      dead = true;
      if (this.client === client) this.client = null;
      this.health.connected = false;
      this.health.writable = false;
      this.connectError = errorInWords(error);
      noteError(this.health, this.connectError);
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on("error", lost);
    client.on("end", () => lost(new Error("connection to the database ended")));
    try {
      await client.connect();
      if (dead) return;
      this.client = client;
      this.wroteHere = false;
      this.connectError = null;
      this.health.connected = true;
      // the first write as soon as it can (a restarted API under load writes at once, not a beat later)
      if (this.inFlightSince === null) void this.beat();
    } catch (error) {
      lost(error);
    }
  }

  private scheduleReconnect() {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_MS);
  }

  private fail(error: ErrorInWords) {
    this.health.consecutiveFailures += 1;
    this.health.writable = false;
    noteError(this.health, error);
  }

  private async beat() {
    if (this.inFlightSince !== null) {
      if (Date.now() - this.inFlightSince >= STUCK_MS)
        this.fail({ error: "previous heartbeat still waiting for the database" });
      return;
    }
    const client = this.client;
    if (!client)
      return this.fail({
        error: `not connected: ${this.connectError?.error ?? "connecting"}`,
        errorCode: this.connectError?.errorCode,
      });
    this.inFlightSince = Date.now();
    try {
      const result = this.wroteHere
        ? await client.query<{ seq: string; written_at: Date }>(
            "INSERT INTO switchyard_lab.heartbeat(region, seq) VALUES ($1, $2) RETURNING seq::text, written_at",
            [this.target.region, this.seq + 1],
          )
        : await this.firstWrite(client);
      this.wroteHere = true;
      const row = result.rows[0];
      this.seq = Number(row?.seq ?? this.seq + 1);
      this.health.lastAckedSeq = this.seq;
      this.health.lastAckedAt = (row?.written_at ?? new Date()).toISOString();
      this.health.consecutiveFailures = 0;
      this.health.writable = true;
      this.health.lastError = null;
      this.health.lastErrorCode = null;
      if (++this.ticks % PRUNE_EVERY === 0) {
        await client.query(
          "DELETE FROM switchyard_lab.heartbeat WHERE region = $1 AND written_at < now() - interval '1 hour'",
          [this.target.region],
        );
      }
    } catch (error) {
      this.fail(errorInWords(error));
      // A timed-out query leaves the connection busy, and a dropped link never resets it: start afresh.
      if (this.client === client && /timeout/i.test(message(error))) this.abandon(client);
    } finally {
      this.inFlightSince = null;
    }
  }

  /**
   * The first heartbeat on a connection, numbered after the last one this region wrote there, in one round trip (a
   * restarted API's first write is the end of a failover's write gap); the table is made where it does not exist.
   */
  private async firstWrite(client: pg.Client) {
    const write = () =>
      client.query<{ seq: string; written_at: Date }>(
        `INSERT INTO switchyard_lab.heartbeat(region, seq)
           SELECT $1, greatest(coalesce(max(seq), 0), $2) + 1 FROM switchyard_lab.heartbeat WHERE region = $1
           RETURNING seq::text, written_at`,
        [this.target.region, this.seq],
      );
    try {
      return await write();
    } catch (error) {
      // undefined table or schema: a database no API wrote to yet
      if (!["42P01", "3F000"].includes((error as { code?: string }).code ?? "")) throw error;
      await client.query(`CREATE SCHEMA IF NOT EXISTS switchyard_lab;
        CREATE TABLE IF NOT EXISTS switchyard_lab.heartbeat(
          id bigserial primary key, region text not null, seq bigint not null,
          written_at timestamptz not null default clock_timestamp())`);
      return write();
    }
  }

  private abandon(client: pg.Client) {
    this.client = null;
    this.health.connected = false;
    client.removeAllListeners("end");
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }
}

/** SIMULATED_DB: heartbeats kept in memory; the lab's state says whether the target server is up and primary. */
export class SimulatedHeartbeatWriter implements HeartbeatWriter {
  readonly health: DbHealth = notYetConnected();
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly target: DbTarget) {}

  start() {
    this.beat();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  private beat() {
    let problem: ErrorInWords | null = null;
    let connected = false;
    // What a real server would answer, in the same words, marked simulated.
    const simulated = (code: string, why: string): ErrorInWords => ({
      error: `${wordsForCode(code) ?? code} (${why})`,
      errorCode: code,
    });
    try {
      const state = readState(this.target.labDir);
      const server = Object.values(state?.regions ?? {}).find((r) => r.pgPort === this.target.port);
      if (!server) problem = simulated("ECONNREFUSED", "simulated");
      else if (server.faults.dbDown) problem = simulated("ECONNREFUSED", "simulated db-down");
      else if (server.role !== "primary") {
        connected = true;
        problem = simulated("25006", "simulated replica");
      } else connected = true;
    } catch (error) {
      problem = errorInWords(error);
    }
    this.health.connected = connected;
    if (problem) {
      this.health.writable = false;
      this.health.consecutiveFailures += 1;
      noteError(this.health, problem);
      return;
    }
    this.seq += 1;
    this.health.writable = true;
    this.health.lastAckedSeq = this.seq;
    this.health.lastAckedAt = new Date().toISOString();
    this.health.consecutiveFailures = 0;
    this.health.lastError = null;
    this.health.lastErrorCode = null;
  }
}
