import "server-only";
import pg from "pg";
import { apiHealthSchema, type ApiProbe, type DbProbe } from "@/lib/region-health";
import type { RegionConfig } from "@/lib/fleet-config";

const errorText = (err: unknown) => {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
};

/** GET {apiUrl}/health within timeoutMs. */
export async function probeApi(apiUrl: string, timeoutMs: number): Promise<ApiProbe> {
  const started = performance.now();
  try {
    const res = await fetch(new URL("/health", apiUrl), { signal: AbortSignal.timeout(timeoutMs), cache: "no-store" });
    const body: unknown = await res.json().catch(() => null);
    const latencyMs = performance.now() - started;
    const parsed = apiHealthSchema.safeParse(body);
    if (!parsed.success) return { up: false, latencyMs, timedOut: false, error: `HTTP ${res.status} with an unreadable health body` };
    return { up: true, latencyMs, health: parsed.data };
  } catch (err) {
    const latencyMs = performance.now() - started;
    const timedOut = (err as Error).name === "TimeoutError";
    return { up: false, latencyMs, timedOut, error: timedOut ? `timed out after ${timeoutMs} ms` : errorText(err) };
  }
}

/**
 * A held connection to one region's PostgreSQL server. Holding it means a stopped server is noticed the
 * moment the connection breaks (onBreak), not at the next poll.
 */
export class PostgresProbe {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;

  constructor(
    private readonly config: RegionConfig["postgres"],
    private readonly onBreak: () => void,
  ) {}

  async probe(timeoutMs: number): Promise<DbProbe> {
    const started = performance.now();
    try {
      const client = await this.connect(timeoutMs);
      const r = await client.query<{ in_recovery: boolean }>({ text: "select pg_is_in_recovery() as in_recovery", query_timeout: timeoutMs } as pg.QueryConfig);
      return { up: true, latencyMs: performance.now() - started, inRecovery: r.rows[0]!.in_recovery };
    } catch (err) {
      this.drop();
      return { up: false, error: errorText(err) };
    }
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
