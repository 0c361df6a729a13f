/**
 * Invariant 4 of the chaos soak: no acknowledged write is lost. The lab's region APIs each write a heartbeat row
 * a second (lab/region-api/heartbeat.ts: `seq` one more than the last, `written_at` the server's clock) and
 * report the last one their primary acknowledged (`db.lastAckedSeq`, `db.lastAckedAt` in their health). The
 * soak samples those reports several times a second and keeps every acknowledgement it saw; after each
 * failover, and at the end, every one of them must be on the primary of the moment: a row of that region with
 * that `seq` and that `written_at`. A `seq` alone is not enough: an API that lost rows and restarted would
 * write the same `seq` again. Between the first and the last acknowledgement seen, no `seq` may be missing
 * either (each acknowledgement is one more than the last, so every one in between was acknowledged too).
 */

export interface AckSeen {
  region: string;
  seq: number;
  /** the row's written_at as the region API reported it (ISO, millisecond precision) */
  writtenAt: string;
  /** the server port it wrote to */
  dbPort: number | null;
  /** when the soak saw it (Date.now()) */
  seenAt: number;
}

export interface HeartbeatRow {
  region: string;
  seq: number;
  writtenAt: Date;
}

export interface LostWrites {
  region: string;
  /** acknowledgements seen whose row is not there (or is there with another written_at: written again) */
  missing: AckSeen[];
  /** seqs between the first and the last acknowledgement seen with no row at all */
  missingSeqs: number[];
  /** acknowledgements checked */
  checked: number;
}

/** Rows older than an hour are pruned by the region APIs; the check looks at acknowledgements younger than this. */
export const CHECK_WINDOW_MS = 50 * 60_000;

export class AckLedger {
  private readonly byRegion = new Map<string, AckSeen[]>();
  private readonly keys = new Set<string>();

  /** Keeps an acknowledgement once; returns whether it was new. */
  record(a: AckSeen): boolean {
    const key = `${a.region}/${a.seq}/${a.writtenAt}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    const list = this.byRegion.get(a.region) ?? [];
    list.push(a);
    this.byRegion.set(a.region, list);
    return true;
  }

  regions(): string[] {
    return [...this.byRegion.keys()];
  }

  /** Acknowledgements seen of a region since `sinceMs`, in the order seen. */
  seen(region: string, sinceMs = 0): AckSeen[] {
    return (this.byRegion.get(region) ?? []).filter((a) => a.seenAt >= sinceMs);
  }

  get total(): number {
    return [...this.byRegion.values()].reduce((n, l) => n + l.length, 0);
  }

  /** The lowest seq seen since `sinceMs` for each region: what the check needs to read. */
  lowestSeqs(sinceMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [region, list] of this.byRegion) {
      const seqs = list.filter((a) => a.seenAt >= sinceMs).map((a) => a.seq);
      if (seqs.length) out.set(region, Math.min(...seqs));
    }
    return out;
  }

  /**
   * Which acknowledgements seen from `sinceMs` to `readAtMs` the primary's rows lack, region by region.
   * `readAtMs` is when the rows were read: a write acknowledged after that is not in them, and the samplers keep
   * recording while the rows are read.
   */
  check(rows: readonly HeartbeatRow[], sinceMs: number, readAtMs = Infinity): LostWrites[] {
    const out: LostWrites[] = [];
    for (const region of this.regions()) {
      const acks = this.seen(region, sinceMs).filter((a) => a.seenAt <= readAtMs);
      if (!acks.length) continue;
      const mine = rows.filter((r) => r.region === region);
      const bySeq = new Map<number, Date[]>();
      for (const r of mine) bySeq.set(r.seq, [...(bySeq.get(r.seq) ?? []), r.writtenAt]);
      const missing = acks.filter(
        (a) => !(bySeq.get(a.seq) ?? []).some((t) => Math.abs(t.getTime() - Date.parse(a.writtenAt)) <= 1),
      );
      const seqs = acks.map((a) => a.seq);
      const missingSeqs: number[] = [];
      for (let s = Math.min(...seqs); s <= Math.max(...seqs); s++) if (!bySeq.has(s)) missingSeqs.push(s);
      out.push({ region, missing, missingSeqs, checked: acks.length });
    }
    return out;
  }

  /**
   * A region API's write gap around a moment (Date.now() of a failover's landing): from its last
   * acknowledgement written before it to its first written after, by the servers' clocks; null when either is
   * not seen (yet).
   */
  gapAround(region: string, atMs: number): { lastBefore: AckSeen; firstAfter: AckSeen; gapMs: number } | null {
    const list = this.byRegion.get(region) ?? [];
    const before = list.filter((a) => Date.parse(a.writtenAt) < atMs).at(-1);
    const after = list.find((a) => Date.parse(a.writtenAt) >= atMs);
    if (!before || !after) return null;
    return { lastBefore: before, firstAfter: after, gapMs: Date.parse(after.writtenAt) - Date.parse(before.writtenAt) };
  }
}
