import { controlRequest } from "../lab/api-process";
import { regionPg, type RegionId } from "../lab/index";
import { pgQuery } from "../lab/postgres";
import { readState } from "../lab/state";
import { AckLedger, CHECK_WINDOW_MS, type HeartbeatRow, type LostWrites } from "../lib/chaos/acked-writes";
import { judgeWriters, type ServerSample } from "../lib/chaos/writers";

/**
 * The lab as it really is, read where no network fault reaches: every server through its Unix socket
 * (regionPg), every region API through its control socket. Two samplers run through the whole soak:
 * - servers, every 500 ms: who is out of recovery and who can acknowledge a write (invariant 5);
 * - region APIs, every 300 ms: the last heartbeat each one's primary acknowledged (invariant 4's ledger).
 */

const SERVER_EVERY_MS = 500;
const ACK_EVERY_MS = 300;

const SERVER_SQL = `
select pg_is_in_recovery() as in_recovery,
  current_setting('synchronous_standby_names') as sync_names,
  (select count(*) from pg_stat_replication where state = 'streaming' and sync_state in ('sync', 'quorum'))::int as sync_standbys,
  (select count(*) from pg_stat_replication where state = 'streaming')::int as standbys`;

export interface WritersViolation {
  /** the first and the last sample that saw these servers accept writes together */
  at: string;
  until: string;
  samples: number;
  writers: string[];
  primaries: string[];
}

export interface AckCheck {
  at: string;
  /** why: after a promotion, a switchover, an episode, the end */
  when: string;
  primary: string;
  checked: number;
  lost: LostWrites[];
  ok: boolean;
}

interface ApiHealthBody {
  dbPort?: number;
  db?: { lastAckedSeq?: number | null; lastAckedAt?: string | null };
}

export class LabTruth {
  readonly ledger = new AckLedger();
  readonly writersViolations: WritersViolation[] = [];
  readonly ackChecks: AckCheck[] = [];
  serverSamples = 0;
  /** the most servers seen out of recovery at once, and the most that could acknowledge writes */
  maxPrimaries = 0;
  maxWriters = 0;
  /** moments with more than one server out of recovery, only one (or none) of them able to acknowledge a write */
  fencedPrimarySamples = 0;
  /** samples in which the server out of recovery had no synchronous standby names: it commits without any standby */
  asyncPrimarySamples = 0;
  asyncPrimaryFirstSeen: string | null = null;
  ackSamples = 0;
  ackSampleFailures = 0;
  private timers: NodeJS.Timeout[] = [];
  private busy = new Set<string>();
  /** losses already reported by an earlier check: each is reported once, by the check that found it */
  private readonly reportedLost = new Set<string>();
  /** each region API's last answer: the server port it writes to, and when */
  private readonly apiTarget = new Map<string, { dbPort: number | null; at: number }>();
  private lastViolationKey = "";

  constructor(
    private readonly labDir: string,
    private readonly regions: readonly RegionId[],
  ) {}

  start() {
    this.timers.push(setInterval(() => void this.sampleServers(), SERVER_EVERY_MS));
    this.timers.push(setInterval(() => this.regions.forEach((r) => void this.sampleAck(r)), ACK_EVERY_MS));
  }

  stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  async servers(): Promise<ServerSample[]> {
    const state = readState(this.labDir);
    return Promise.all(
      this.regions.map(async (region): Promise<ServerSample> => {
        try {
          const row = (
            await pgQuery<{ in_recovery: boolean; sync_names: string; sync_standbys: number; standbys: number }>(
              regionPg(this.labDir, region),
              SERVER_SQL,
              [],
              2_000,
            )
          )[0]!;
          const rs = state?.regions[region];
          const api = this.apiTarget.get(region);
          return {
            region,
            up: true,
            inRecovery: row.in_recovery,
            synchronousStandbyNames: row.sync_names,
            synchronousStandbys: row.sync_standbys,
            standbys: row.standbys,
            isolated: !!rs && rs.cut.fromConsole && rs.cut.fromRegions,
            ownApiWritesHere: !!rs && !!api && api.dbPort === rs.pgPort && Date.now() - api.at < 3_000,
          };
        } catch (err) {
          return { region, up: false, error: (err as Error).message };
        }
      }),
    );
  }

  private async sampleServers() {
    if (this.busy.has("servers")) return;
    this.busy.add("servers");
    try {
      const samples = await this.servers();
      const v = judgeWriters(samples);
      this.serverSamples++;
      this.maxPrimaries = Math.max(this.maxPrimaries, v.primaries.length);
      this.maxWriters = Math.max(this.maxWriters, v.writers.length);
      if (v.primaries.length > 1 && v.ok) this.fencedPrimarySamples++;
      if (samples.some((x) => x.up && !x.inRecovery && x.synchronousStandbyNames.trim() === "")) {
        this.asyncPrimarySamples++;
        this.asyncPrimaryFirstSeen ??= new Date().toISOString();
      }
      const key = v.writers.join(",");
      const now = new Date().toISOString();
      if (!v.ok && key === this.lastViolationKey) {
        const last = this.writersViolations.at(-1)!;
        last.until = now;
        last.samples++;
      } else if (!v.ok)
        this.writersViolations.push({ at: now, until: now, samples: 1, writers: v.writers, primaries: v.primaries });
      this.lastViolationKey = v.ok ? "" : key;
    } finally {
      this.busy.delete("servers");
    }
  }

  private async sampleAck(region: RegionId) {
    if (this.busy.has(region)) return;
    this.busy.add(region);
    try {
      const res = await controlRequest(this.labDir, region, "GET", "/health", undefined, 4_000);
      const h = (res.body ?? {}) as ApiHealthBody;
      this.ackSamples++;
      this.apiTarget.set(region, { dbPort: h.dbPort ?? null, at: Date.now() });
      const seq = h.db?.lastAckedSeq;
      const at = h.db?.lastAckedAt;
      if (typeof seq === "number" && typeof at === "string")
        this.ledger.record({ region, seq, writtenAt: at, dbPort: h.dbPort ?? null, seenAt: Date.now() });
    } catch {
      this.ackSampleFailures++; // a killed or hung API: nothing to read now
    } finally {
      this.busy.delete(region);
    }
  }

  /** Reads the heartbeat rows on `primary` (through its socket) and checks every acknowledgement seen so far is there. */
  async checkAcked(primary: RegionId, when: string): Promise<AckCheck> {
    // What the samplers have in flight lands in the ledger first.
    await Promise.all(this.regions.map((r) => this.sampleAck(r)));
    const readAt = Date.now();
    const since = readAt - CHECK_WINDOW_MS;
    const lowest = this.ledger.lowestSeqs(since);
    const rows: HeartbeatRow[] = [];
    for (const [region, seq] of lowest) {
      const found = await pgQuery<{ region: string; seq: string; written_at: Date }>(
        regionPg(this.labDir, primary),
        "select region, seq::text as seq, written_at from switchyard_lab.heartbeat where region = $1 and seq >= $2::bigint",
        [region, String(seq)],
        10_000,
      );
      rows.push(...found.map((r) => ({ region: r.region, seq: Number(r.seq), writtenAt: r.written_at })));
    }
    // only what was acknowledged before the rows were read must be in them
    const all = this.ledger.check(rows, since, readAt);
    const fresh = (key: string) => !this.reportedLost.has(key);
    const lost = all
      .map((l) => ({
        ...l,
        missing: l.missing.filter((a) => fresh(`${a.region}/${a.seq}/${a.writtenAt}`)),
        missingSeqs: l.missingSeqs.filter((q) => fresh(`${l.region}/${q}`)),
      }))
      .filter((l) => l.missing.length || l.missingSeqs.length);
    for (const l of lost) {
      for (const a of l.missing) this.reportedLost.add(`${a.region}/${a.seq}/${a.writtenAt}`);
      for (const q of l.missingSeqs) this.reportedLost.add(`${l.region}/${q}`);
    }
    const check: AckCheck = {
      at: new Date().toISOString(),
      when,
      primary,
      checked: all.reduce((n, l) => n + l.checked, 0),
      lost,
      ok: lost.length === 0,
    };
    this.ackChecks.push(check);
    return check;
  }
}
