import pg from "pg";
import { errorInWords } from "../../lib/error-words";

/** What this region API sees of one region's database, as `GET /health` reports it in `reaches`. */
export interface Sighting {
  region: string;
  reachable: boolean;
  /** null until it answered once */
  inRecovery: boolean | null;
  latencyMs: number | null;
  /** what went wrong, in words a person reads */
  error: string | null;
  /** the SQLSTATE or system code behind `error`, when there is one */
  errorCode: string | null;
  checkedAt: string;
}

export interface DbAddress {
  region: string;
  host: string;
  port: number;
}

const EVERY_MS = 200;
/** Dropped packets give no reset: a look that has no answer within this is a region out of reach. */
const TIMEOUT_MS = 400;

/**
 * This region's vantage point: a held connection to every region's PostgreSQL server (its own among them),
 * asked `pg_is_in_recovery()` every 200 ms. A partition shows up here as timeouts, an outage as refusals.
 */
export class Vantage {
  private readonly sightings = new Map<string, Sighting>();
  private readonly clients = new Map<string, { client: pg.Client; key: string }>();
  private timer: NodeJS.Timeout | null = null;
  private readonly busy = new Set<string>();

  constructor(private readonly targets: () => DbAddress[]) {}

  start() {
    this.timer = setInterval(() => {
      for (const target of this.targets()) if (!this.busy.has(target.region)) void this.look(target);
    }, EVERY_MS);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    for (const { client } of this.clients.values()) void client.end().catch(() => undefined);
    this.clients.clear();
  }

  reaches(): Sighting[] {
    return [...this.sightings.values()];
  }

  private async look(target: DbAddress) {
    this.busy.add(target.region);
    const started = performance.now();
    const key = `${target.host}:${target.port}`;
    try {
      const client = await this.client(target, key);
      const result = await client.query<{ r: boolean }>({
        text: "select pg_is_in_recovery() as r",
        query_timeout: TIMEOUT_MS,
      } as pg.QueryConfig);
      this.sightings.set(target.region, {
        region: target.region,
        reachable: true,
        inRecovery: result.rows[0]?.r ?? null,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        error: null,
        errorCode: null,
        checkedAt: new Date().toISOString(),
      });
    } catch (error) {
      this.drop(target.region);
      const last = this.sightings.get(target.region);
      const { error: words, errorCode } = errorInWords(error);
      this.sightings.set(target.region, {
        region: target.region,
        reachable: false,
        inRecovery: last?.inRecovery ?? null,
        latencyMs: null,
        error: words,
        errorCode: errorCode ?? null,
        checkedAt: new Date().toISOString(),
      });
    } finally {
      this.busy.delete(target.region);
    }
  }

  private async client(target: DbAddress, key: string): Promise<pg.Client> {
    const held = this.clients.get(target.region);
    if (held?.key === key) return held.client;
    this.drop(target.region);
    const client = new pg.Client({
      host: target.host,
      port: target.port,
      user: "postgres",
      database: "postgres",
      connectionTimeoutMillis: TIMEOUT_MS,
      application_name: "switchyard-lab-vantage",
    });
    client.on("error", () => this.drop(target.region));
    await client.connect();
    this.clients.set(target.region, { client, key });
    return client;
  }

  private drop(region: string) {
    const client = this.clients.get(region)?.client;
    this.clients.delete(region);
    if (client) {
      client.removeAllListeners("error");
      client.on("error", () => undefined);
      void client.end().catch(() => undefined);
    }
  }
}
