import "server-only";
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { consoleId } from "@/server/events/bus";
import { throttledLog } from "@/server/throttled-log";

const log = throttledLog(10_000);

/** What a leader's writes carry: the store refuses any whose term is no longer the lease's. */
export interface Fence {
  holder: string;
  term: number;
  /** true while the lease is held by this console's own clock: checked before every write */
  holds(): boolean;
}

/** The store refused a write: another console's term leads now, or the lease expired. */
export class FencedError extends Error {
  constructor(term: number) {
    super(`the store refused a write of term ${term}: this console no longer holds the collector lease`);
    this.name = "FencedError";
  }
}

/**
 * Exactly one console collects: the holder of a lease in the store (`collector_lease`), taken for
 * LEADER_LEASE_MS and renewed every third of it. Time is the store's (`now()`), so the consoles' clocks need
 * not agree. Each new holder gets the next term.
 *
 * A leader that misses its renewals (a frozen process, a long pause, a store it cannot reach) fences itself:
 * its lease ends by its own monotonic clock at the moment the renewal was sent plus the lease, never later
 * than the store's expiry, so it stops before anyone else can start; a standby takes the lease on its next
 * try after the expiry. With the embedded store one process owns the store, and it takes the lease at once.
 */
export class Leadership implements Fence {
  readonly holder: string;
  leading = false;
  term = 0;
  private deadline = 0;
  private timer: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly leaseMs: number;

  constructor(
    private readonly onLead: (fence: Fence) => void,
    private readonly onLose: (why: string) => void,
    { leaseMs = env.LEADER_LEASE_MS, holder = `${hostname()}:${process.pid}:${consoleId().slice(0, 8)}` } = {},
  ) {
    this.leaseMs = leaseMs;
    this.holder = holder;
  }

  start() {
    this.schedule(0);
  }

  holds(): boolean {
    return this.leading && performance.now() < this.deadline;
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void (this.leading ? this.renew() : this.attempt()), ms);
  }

  /** A standby tries again this often: within half a second of the lease's expiry it leads. */
  private get retryMs() {
    return Math.min(500, Math.floor(this.leaseMs / 4));
  }

  private async attempt() {
    const sentAt = performance.now();
    try {
      const db = await getDb();
      const r = await db.query<{ term: number }>(
        `insert into collector_lease as l (id, holder, term, acquired_at, expires_at)
         values (1, $1, 1, now(), now() + $2 * interval '1 millisecond')
         on conflict (id) do update set holder = excluded.holder, term = l.term + 1, acquired_at = now(), expires_at = excluded.expires_at
           where l.expires_at < now() or $3
         returning term`,
        [this.holder, this.leaseMs, env.embeddedStore],
      );
      const term = r.rows[0]?.term;
      if (term !== undefined && !this.stopped) {
        this.term = term;
        this.extend(sentAt);
        this.leading = true;
        console.log(`[collector] leading (term ${term}): this console collects`);
        this.onLead(this);
        this.schedule(this.leaseMs / 3);
        return;
      }
    } catch {
      // The store is unreachable: nobody can lead through it; try again.
    }
    this.schedule(this.retryMs);
  }

  private async renew() {
    const sentAt = performance.now();
    try {
      const db = await getDb();
      const r = await db.query(
        "update collector_lease set expires_at = now() + $3 * interval '1 millisecond' where id = 1 and holder = $1 and term = $2 and expires_at > now()",
        [this.holder, this.term, this.leaseMs],
      );
      if (!this.leading) return;
      if (r.rowCount === 0)
        return this.lose(`the lease of term ${this.term} was lost (expired, or another console leads)`);
      if (this.holds()) this.extend(sentAt);
    } catch (err) {
      // Keep trying until the lease runs out by this console's clock; the expiry timer fences it then.
      log("renew", `[collector] could not renew the collector lease: ${(err as Error).message}`);
    }
    this.schedule(this.leaseMs / 3);
  }

  private extend(sentAt: number) {
    this.deadline = sentAt + this.leaseMs;
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = setTimeout(
      () => {
        if (this.leading && !this.holds())
          this.lose(`the lease of term ${this.term} expired before it could be renewed`);
      },
      Math.max(0, this.deadline - performance.now()) + 1,
    );
  }

  /** Steps down at once: stops collecting, then bids again like any standby. */
  lose(why: string) {
    if (!this.leading) return;
    this.leading = false;
    this.deadline = 0;
    if (this.expiry) clearTimeout(this.expiry);
    console.error(`[collector] standing by: ${why}`);
    this.onLose(why);
    this.schedule(this.retryMs);
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.expiry) clearTimeout(this.expiry);
    if (this.leading && this.term) {
      // Hand over at once rather than after the lease runs out.
      void getDb()
        .then((db) =>
          db.query("update collector_lease set expires_at = now() where id = 1 and holder = $1 and term = $2", [
            this.holder,
            this.term,
          ]),
        )
        .catch(() => undefined);
    }
    this.leading = false;
  }
}
