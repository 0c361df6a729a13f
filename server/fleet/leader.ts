import "server-only";
import pg from "pg";
import { env } from "@/server/env";

const LOCK_KEY = 7311003;

/**
 * Exactly one console collects: the one holding a PostgreSQL advisory lock on a connection of its own. The
 * lock goes with that connection, so when the leader dies another console takes it on its next try (every
 * retryMs). The embedded store serves one process, which always leads.
 */
export class Leadership {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  leading = false;

  constructor(
    private readonly onLead: () => void,
    private readonly onLose: () => void,
    private readonly retryMs = 1000,
  ) {}

  start() {
    if (!env.DATABASE_URL) {
      this.leading = true;
      this.onLead();
      return;
    }
    void this.attempt();
  }

  private async attempt() {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: env.DATABASE_URL, application_name: "switchyard-collector-lock", keepAlive: true });
    client.on("error", () => this.lose(client));
    client.on("end", () => this.lose(client));
    try {
      await client.connect();
      const r = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1) as locked", [LOCK_KEY]);
      if (r.rows[0]?.locked && !this.stopped) {
        this.client = client;
        this.leading = true;
        console.log("[collector] leading: this console collects");
        this.onLead();
        return;
      }
      client.removeAllListeners();
      client.on("error", () => undefined);
      await client.end();
    } catch {
      client.removeAllListeners();
      client.on("error", () => undefined);
      client.end().catch(() => undefined);
    }
    this.timer = setTimeout(() => void this.attempt(), this.retryMs);
  }

  private lose(client: pg.Client) {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners();
    client.on("error", () => undefined);
    client.end().catch(() => undefined);
    if (this.leading) {
      this.leading = false;
      console.error("[collector] lost the collector lock; standing by");
      this.onLose();
    }
    this.timer = setTimeout(() => void this.attempt(), this.retryMs);
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    c?.removeAllListeners();
    c?.on("error", () => undefined);
    void c?.end().catch(() => undefined);
  }
}
