import { performance } from "node:perf_hooks";
import { failBack, recordedPrimary, type Console, type LabView } from "../bench/failover";
import { injectNetworkFault, regionPg, type RegionId } from "../lab/index";
import { pgQuery } from "../lab/postgres";
import type { PlannedFault, FailoverCause } from "../lib/chaos/schedule";
import type { Check } from "../lib/actions/run";
import { lsnToBytes } from "../lib/lsn";
import { injectChaosFault, recoverChaosFault } from "./lab-faults";
import type { LabTruth } from "./lab-truth";
import type { FaultOutcome, PageWatch } from "./page-watch";

/**
 * A failover episode, done as the runbook says and as two people would through the console's server actions
 * (bench/failover.ts's Console: the engineer requests, the lead approves): the primary fails (stopped, or
 * isolated); once the console offers the promotion (its live pre-flight passes) the most advanced replica is
 * promoted (for an isolated primary the promotion fences it first, or the engineer fences it beforehand);
 * every region API that can be reached is repointed; the old primary is rebuilt as a replica (after the
 * network heals) and its API repointed; then db.switchover brings the primary home. Acknowledged heartbeats
 * are checked on the new primary right after the promotion and on the home primary at the end.
 */

export interface FailoverContext {
  c: Console;
  lab: LabView;
  labDir: string;
  home: RegionId;
  regions: readonly RegionId[];
  watch: PageWatch;
  truth: LabTruth;
  log: (s: string) => void;
}

export interface FailoverRecord {
  cause: FailoverCause;
  from: string;
  to: string | null;
  fencedFirst: boolean;
  /** from the cause landing until the console offered the promotion (every pre-flight check passing) */
  offeredMs: number | null;
  /** pre-flight checks that failed at the first look, as the engineer saw them */
  firstRefusal: string[];
  /** each action from its request to its verified success, ms */
  steps: { step: string; ms: number }[];
  /** from the cause landing until the lab was home again (us-east-1 primary, both replicas streaming, 3 healthy) */
  totalMs: number | null;
  /** per region API: its last acknowledged heartbeat before the cause landed to its first after, by the servers' clocks */
  writeGaps: { region: string; gapMs: number | null }[];
  causeOutcome: FaultOutcome | null;
  alongside: FaultOutcome | null;
  ok: boolean;
  error: string | null;
}

/** a surface fault beside a failover stays at least this long, however soon the repoint comes */
const SIDE_HELD_AT_LEAST_MS = 3_000;

interface Preview {
  preflight: Check[];
  proposal: { actionId: string; why: string } | null;
}

/** The replica that has received the most WAL, read through the lab's sockets (what the replication page shows). */
async function mostAdvanced(labDir: string, replicas: readonly RegionId[]): Promise<RegionId> {
  const seen = await Promise.all(
    replicas.map(async (r) => {
      const row = (
        await pgQuery<{ lsn: string | null; r: boolean }>(
          regionPg(labDir, r),
          "select pg_last_wal_receive_lsn()::text as lsn, pg_is_in_recovery() as r",
          [],
          3_000,
        ).catch(() => [])
      )[0];
      return { r, bytes: row?.r ? (lsnToBytes(row.lsn) ?? -1) : -1 };
    }),
  );
  seen.sort((a, b) => b.bytes - a.bytes);
  if (!seen[0] || seen[0].bytes < 0)
    throw new Error(`no replica answers with a received position: ${JSON.stringify(seen)}`);
  return seen[0].r;
}

/** Asks the console for the action's live pre-flight until every check passes, as the request form shows it. */
async function offered(
  ctx: FailoverContext,
  actionId: string,
  params: Record<string, unknown>,
  timeoutMs: number,
): Promise<{ ms: number; firstRefusal: string[] }> {
  const t = performance.now();
  let firstRefusal: string[] | null = null;
  for (;;) {
    const { result } = await ctx.c.call<Preview>("engineer", "previewRequest", { actionId, params });
    if (!result.ok) throw new Error(`previewing ${actionId}: ${result.code}: ${result.message}`);
    const failing = result.data.preflight.filter((x) => !x.ok).map((x) => `${x.label} (${x.observed})`);
    if (!failing.length) return { ms: performance.now() - t, firstRefusal: firstRefusal ?? [] };
    firstRefusal ??= [...failing, ...(result.data.proposal ? [`proposed: ${result.data.proposal.actionId}`] : [])];
    if (performance.now() - t > timeoutMs)
      throw new Error(
        `${actionId} ${JSON.stringify(params)} not offered within ${timeoutMs} ms: ${failing.join("; ")}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** An error in a line or two: the first line, and the line naming an error code if there is one further down. */
export function oneLine(message: string): string {
  const lines = message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const code = lines.slice(1).find((l) => /code: '|error:|Error:/i.test(l));
  return [lines[0] ?? "", ...(code ? [code] : [])].join(" … ").slice(0, 400);
}

export async function runFailover(
  ctx: FailoverContext,
  cause: FailoverCause,
  fenceFirst: boolean,
  alongside: PlannedFault | null,
): Promise<FailoverRecord> {
  const { c, lab, labDir, watch, truth, log } = ctx;
  const from = ctx.home;
  const replicas = ctx.regions.filter((r) => r !== from);
  const record: FailoverRecord = {
    cause,
    from,
    to: null,
    fencedFirst: cause === "isolate" && fenceFirst,
    offeredMs: null,
    firstRefusal: [],
    steps: [],
    totalMs: null,
    writeGaps: [],
    causeOutcome: null,
    alongside: null,
    ok: false,
    error: null,
  };
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    record.steps.push({ step: name, ms: Math.round(performance.now() - t) });
    return out;
  };
  const perform = (actionId: string, params: Record<string, unknown>, timeoutMs?: number) =>
    step(`${actionId} ${Object.values(params).flat().join(" ")}`, () => c.perform(actionId, params, timeoutMs));

  const recorded = await recordedPrimary(c);
  if (recorded !== from)
    throw new Error(`a failover starts from ${from} as the primary, but the console records ${recorded}`);

  const causeFault = { kind: cause, region: from } as const;
  const landed = await injectChaosFault(causeFault, labDir);
  const expectation = watch.expect(causeFault, landed.askedAt, landed.landedAt);
  log(`  ${cause} ${from} (${landed.message})`);

  // A surface fault elsewhere meanwhile, undone when its hold ends or before the rebuild at the latest.
  let side: { done: Promise<void>; stop: () => Promise<void> } | null = null;
  if (alongside) {
    const cutShort = { now: () => {} };
    const cut = new Promise<void>((r) => (cutShort.now = r));
    const done = (async () => {
      await new Promise((r) => setTimeout(r, alongside.startAfterMs));
      const l = await injectChaosFault(alongside, labDir);
      const e = watch.expect(alongside, l.askedAt, l.landedAt);
      log(`  meanwhile ${alongside.kind} ${alongside.region}`);
      // Cut short at the repoint, but never before the pages can have shown it.
      const heldAtLeast = l.landedAt + SIDE_HELD_AT_LEAST_MS;
      await Promise.race([new Promise((r) => setTimeout(r, alongside.holdMs)), cut]);
      const left = heldAtLeast - performance.now();
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      watch.recovered(e, (await recoverChaosFault(alongside, labDir)).at);
      record.alongside = await watch.settle(e);
    })();
    side = { done, stop: async () => (cutShort.now(), await done) };
  }

  try {
    if (record.fencedFirst) await perform("db.fence-primary", { region: from }, 120_000);
    const to = await mostAdvanced(labDir, replicas);
    record.to = to;
    const offer = await offered(ctx, "db.promote-replica", { region: to }, 60_000);
    record.offeredMs = Math.round(performance.now() - landed.landedAt);
    record.firstRefusal = offer.firstRefusal;
    log(
      `  the console offers promoting ${to} ${record.offeredMs} ms after the ${cause}${offer.firstRefusal.length ? ` (first refused: ${offer.firstRefusal.join("; ")})` : ""}`,
    );
    await perform("db.promote-replica", { region: to }, 120_000);
    const promoted = await truth.checkAcked(to, `after promoting ${to}`);
    log(
      `  acknowledged heartbeats on ${to}: ${promoted.checked} checked, ${promoted.ok ? "none lost" : `LOST ${JSON.stringify(promoted.lost).slice(0, 400)}`}`,
    );
    await step("pages show the new primary", () =>
      watch.until(
        `the pages to show ${to} as the primary`,
        (s) => s.regions.find((r) => r.role === "primary")?.id === to,
        15_000,
      ),
    );

    // The lab's `recover` (which undoes the surface fault) starts a region API it finds down: done while the
    // repoint restarts that API, both would start one. So it is undone before the repoint at the latest.
    await side?.stop();
    const reachable = cause === "isolate" ? ctx.regions.filter((r) => r !== from) : [...ctx.regions];
    await perform("db.repoint-app", { primary: to, regions: reachable });
    if (cause === "isolate") {
      const healed = await step(`heal ${from}`, async () => {
        await injectNetworkFault("heal", from, undefined, { labDir });
        return performance.now();
      });
      watch.recovered(expectation, healed);
    }
    await perform("db.rebuild-replica", { region: from, source: to }, 300_000);
    if (cause === "db-down") watch.recovered(expectation, performance.now());
    if (cause === "isolate") await perform("db.repoint-app", { primary: to, regions: [from] });
    const repairs: string[] = [];
    await step(`db.switchover back to ${from}, settled`, () =>
      failBack(c, lab, repairs, (s) => log(s.replace(/^\s*failover: /, "  "))),
    );
    if (repairs.length) log(`  repairs: ${repairs.join("; ")}`);
    const home = await truth.checkAcked(from, `after switching back to ${from}`);
    log(
      `  acknowledged heartbeats on ${from}: ${home.checked} checked, ${home.ok ? "none lost" : `LOST ${JSON.stringify(home.lost).slice(0, 400)}`}`,
    );
    record.totalMs = Math.round(performance.now() - landed.landedAt);
    record.ok = true;
  } catch (err) {
    record.error = oneLine((err as Error).message);
    log(`  FAILOVER FAILED: ${record.error}`);
    await side?.stop().catch(() => undefined);
  } finally {
    if (expectation.recoveredAt === null) watch.recovered(expectation, performance.now());
    record.causeOutcome = await watch.settle(expectation);
    record.writeGaps = ctx.regions.map((r) => ({
      region: r,
      gapMs: truth.ledger.gapAround(r, landed.landedWall)?.gapMs ?? null,
    }));
  }
  return record;
}
