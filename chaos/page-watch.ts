import { performance } from "node:perf_hooks";
import { AlertWatch } from "../lib/chaos/alert-watch";
import { CLEARED_WITHIN_MS, detectionBoundMs, faultCleared, faultShown, revealedBy } from "../lib/chaos/fault-signs";
import { describeFault, type ChaosFault } from "../lib/chaos/faults";
import type { FleetSnapshot, RegionView } from "../lib/fleet-view";
import { waitFor } from "../lab/wait";

/**
 * What the pages show, as every signed-in viewer's live stream delivers it (each fleet message gives the snapshot
 * every page and /api/v1/health/regions render). For each injected fault: when each viewer first got a snapshot
 * showing it, and, after its recovery, when each first got one without its sign (invariant 1). The first
 * viewer's snapshots also feed the stuck-alert watch (invariant 2) and the quiet check between episodes.
 */

export interface FaultOutcome {
  fault: string;
  kind: ChaosFault["kind"];
  region: string;
  reveal: string;
  boundMs: number;
  /** from its landing: the first viewer and the last (of those whose stream was open) to be shown it */
  firstShownMs: number | null;
  allShownMs: number | null;
  viewers: number;
  /** viewers not shown it within the bound */
  missedViewers: number;
  /** from its recovery until the last viewer's page no longer showed its sign */
  clearedMs: number | null;
  unclearedViewers: number;
  shown: boolean;
  cleared: boolean;
  /** what the first viewer's page said of the region when it was first shown (or at the bound, if never) */
  status: string | null;
  reasons: string[];
}

export class Expectation {
  readonly shownAt: (number | null)[];
  readonly clearedAt: (number | null)[];
  readonly openAtLanding: boolean[];
  recoveredAt: number | null = null;
  firstView: RegionView | null = null;

  constructor(
    readonly fault: ChaosFault,
    readonly askedAt: number,
    readonly landedAt: number,
    readonly boundMs: number,
    open: boolean[],
  ) {
    this.shownAt = open.map(() => null);
    this.clearedAt = open.map(() => null);
    this.openAtLanding = [...open];
  }

  observe(viewer: number, region: RegionView, at: number) {
    if (this.shownAt[viewer] === null && faultShown(this.fault.kind, region)) {
      this.shownAt[viewer] = at;
      if (viewer === 0 || !this.firstView) this.firstView = region;
    }
    if (
      this.recoveredAt !== null &&
      this.clearedAt[viewer] === null &&
      at >= this.recoveredAt &&
      faultCleared(this.fault.kind, region)
    )
      this.clearedAt[viewer] = at;
  }

  outcome(lastView: RegionView | null): FaultOutcome {
    const counted = this.shownAt.map((_, i) => i).filter((i) => this.openAtLanding[i]);
    const shownMs = counted.map((i) => this.shownAt[i] ?? null).map((t) => (t === null ? null : t - this.landedAt));
    const got = shownMs.filter((t): t is number => t !== null);
    const missed = shownMs.filter((t) => t === null || t > this.boundMs).length;
    const cleared = counted
      .map((i) => this.clearedAt[i] ?? null)
      .map((t) => (t === null || this.recoveredAt === null ? null : t - this.recoveredAt));
    const gotCleared = cleared.filter((t): t is number => t !== null);
    const uncleared = cleared.filter((t) => t === null || t > CLEARED_WITHIN_MS).length;
    const view = this.firstView ?? lastView;
    return {
      fault: describeFault(this.fault),
      kind: this.fault.kind,
      region: this.fault.region,
      reveal: revealedBy[this.fault.kind],
      boundMs: this.boundMs,
      firstShownMs: got.length ? round(Math.min(...got)) : null,
      allShownMs: got.length === counted.length && got.length ? round(Math.max(...got)) : null,
      viewers: counted.length,
      missedViewers: missed,
      clearedMs: gotCleared.length === counted.length && gotCleared.length ? round(Math.max(...gotCleared)) : null,
      unclearedViewers: uncleared,
      shown: counted.length > 0 && missed === 0,
      cleared: counted.length > 0 && uncleared === 0,
      status: view?.status ?? null,
      reasons: view?.reasons ?? [],
    };
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

export class PageWatch {
  readonly alerts = new AlertWatch();
  private readonly active = new Set<Expectation>();
  readonly outcomes: FaultOutcome[] = [];
  /** the latest snapshot each viewer got, and when */
  private readonly latest: ({ snapshot: FleetSnapshot; at: number } | null)[];
  snapshots = 0;

  constructor(
    viewers: number,
    private readonly pollIntervalMs: number,
    private readonly isOpen: (viewer: number) => boolean,
    private readonly log: (s: string) => void,
  ) {
    this.latest = Array.from({ length: viewers }, () => null);
  }

  /** Every fleet event of every viewer comes here. */
  onSnapshot(viewer: number, snapshot: FleetSnapshot, at: number) {
    this.snapshots++;
    this.latest[viewer] = { snapshot, at };
    for (const e of this.active) {
      const r = snapshot.regions.find((x) => x.id === e.fault.region);
      if (r) e.observe(viewer, r, at);
    }
    if (viewer === 0) {
      for (const s of this.alerts.observe(snapshot, at))
        this.log(
          `  STUCK alert ${s.fingerprint}: firing ${Math.round(s.clearedForMs / 1000)} s after its cause cleared (${s.summary})`,
        );
    }
  }

  /** The fault has landed: watch every viewer's page for it. */
  expect(fault: ChaosFault, askedAt: number, landedAt: number): Expectation {
    const open = this.latest.map((_, i) => this.isOpen(i));
    const e = new Expectation(fault, askedAt, landedAt, detectionBoundMs(fault.kind, this.pollIntervalMs), open);
    // A snapshot that arrived between the lab call and now may already show it.
    this.latest.forEach((l, i) => {
      const r = l && l.at >= askedAt ? l.snapshot.regions.find((x) => x.id === fault.region) : null;
      if (l && r) e.observe(i, r, l.at);
    });
    this.active.add(e);
    return e;
  }

  /** The fault was undone at `at`: watch for its sign to leave every page. */
  recovered(e: Expectation, at: number) {
    e.recoveredAt = at;
  }

  /** Waits (bounded) until every viewer's page no longer shows the fault's sign, then records its outcome. */
  async settle(e: Expectation): Promise<FaultOutcome> {
    const counted = e.openAtLanding.map((o, i) => (o ? i : -1)).filter((i) => i >= 0);
    const deadline = (e.recoveredAt ?? performance.now()) + CLEARED_WITHIN_MS;
    while (performance.now() < deadline && counted.some((i) => e.clearedAt[i] === null)) await sleep(100);
    this.active.delete(e);
    const last = this.latest[0]?.snapshot.regions.find((r) => r.id === e.fault.region) ?? null;
    const o = e.outcome(last);
    this.outcomes.push(o);
    const verdict = o.shown
      ? "shown"
      : `NOT SHOWN within ${o.boundMs} ms to ${o.missedViewers} of ${o.viewers} viewers`;
    this.log(
      `  ${o.fault}: ${verdict} (first ${o.firstShownMs ?? "-"} ms, every viewer ${o.allShownMs ?? "-"} ms after landing; ${o.status ?? "?"}${o.reasons[0] ? `: ${o.reasons[0]}` : ""}); ` +
        (o.cleared
          ? `cleared ${o.clearedMs} ms after recovery`
          : `NOT CLEARED on ${o.unclearedViewers} viewers within ${CLEARED_WITHIN_MS / 1000} s`),
    );
    return o;
  }

  /** The first viewer's latest snapshot. */
  current(): FleetSnapshot | null {
    return this.latest[0]?.snapshot ?? null;
  }

  /** Waits until the first viewer's page satisfies `ok`, or throws after timeoutMs. */
  async until<T>(what: string, ok: (s: FleetSnapshot) => T | null | undefined | false, timeoutMs: number): Promise<T> {
    return waitFor(
      what,
      () => {
        const s = this.current();
        return s ? ok(s) : null;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
