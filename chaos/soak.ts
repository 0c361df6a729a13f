import { performance } from "node:perf_hooks";
import { describeEpisode, type Episode, type PlannedFault, type Schedule } from "../lib/chaos/schedule";
import type { FleetSnapshot } from "../lib/fleet-view";
import { oneLine, runFailover, type FailoverContext, type FailoverRecord } from "./failover";
import { injectChaosFault, recoverChaosFault } from "./lab-faults";
import type { FaultOutcome } from "./page-watch";

/**
 * Plays the schedule's episodes in order until its time is up (the episode in progress is finished, never cut
 * short): each fault lands when the schedule says, stays for its hold and is recovered; a failover runs the
 * runbook through the console. Between episodes the pages must settle: every region healthy, no alert firing,
 * the home primary recorded (the quiet check), and every acknowledged heartbeat on it.
 */

export interface EpisodeRecord {
  index: number;
  description: string;
  startedAt: string;
  seconds: number;
  faults: FaultOutcome[];
  failover: FailoverRecord | null;
  /** how long the pages took to show the whole fleet healthy with no alert firing afterwards; null: they did not */
  quietMs: number | null;
  quietProblem: string | null;
  error: string | null;
}

export const QUIET_WITHIN_MS = 90_000;

/** The pages show what the lab was before the episode: the home primary recorded, every region healthy, no alert firing. */
export function quietProblem(s: FleetSnapshot, home: string): string | null {
  const primary = s.regions.find((r) => r.role === "primary")?.id;
  const unwell = s.regions
    .filter((r) => r.status !== "healthy")
    .map((r) => `${r.id} ${r.status}${r.reasons[0] ? ` (${r.reasons[0]})` : ""}`);
  const firing = s.alerts.map((a) => `${a.name}: ${a.summary}`);
  const problems = [...(primary !== home ? [`primary ${primary ?? "none"}`] : []), ...unwell, ...firing];
  return problems.length ? problems.join("; ") : null;
}

async function playFault(ctx: FailoverContext, f: PlannedFault, t0: number): Promise<FaultOutcome> {
  const wait = t0 + f.startAfterMs - performance.now();
  if (wait > 0) await sleep(wait);
  const landed = await injectChaosFault(f, ctx.labDir);
  const e = ctx.watch.expect(f, landed.askedAt, landed.landedAt);
  ctx.log(`  ${f.kind} ${f.region} landed (${Math.round(landed.landedAt - landed.askedAt)} ms): ${landed.message}`);
  try {
    await sleep(f.holdMs);
  } finally {
    const r = await recoverChaosFault(f, ctx.labDir);
    ctx.watch.recovered(e, r.at);
  }
  return ctx.watch.settle(e);
}

export interface SoakOptions {
  schedule: Schedule;
  /** performance.now() after which no episode starts */
  deadline: number;
}

export async function playSchedule(ctx: FailoverContext, options: SoakOptions): Promise<EpisodeRecord[]> {
  const { schedule, deadline } = options;
  const records: EpisodeRecord[] = [];
  for (const [index, episode] of schedule.episodes.entries()) {
    if (performance.now() + episode.quietBeforeMs >= deadline) break;
    await sleep(episode.quietBeforeMs);
    const started = performance.now();
    const record: EpisodeRecord = {
      index: index + 1,
      description: describeEpisode(episode),
      startedAt: new Date().toISOString(),
      seconds: 0,
      faults: [],
      failover: null,
      quietMs: null,
      quietProblem: null,
      error: null,
    };
    ctx.log(`episode ${index + 1}/${schedule.episodes.length}: ${record.description}`);
    try {
      await play(ctx, episode, record);
    } catch (err) {
      record.error = oneLine((err as Error).message);
      ctx.log(`  EPISODE FAILED: ${record.error}`);
    }
    const q0 = performance.now();
    try {
      await ctx.watch.until(
        "the pages to show the lab home, healthy, with no alert firing",
        (s) => quietProblem(s, ctx.home) === null,
        QUIET_WITHIN_MS,
      );
      record.quietMs = Math.round(performance.now() - q0);
    } catch {
      const s = ctx.watch.current();
      record.quietProblem = s ? quietProblem(s, ctx.home) : "no snapshot";
      ctx.log(`  NOT QUIET within ${QUIET_WITHIN_MS / 1000} s: ${record.quietProblem}`);
    }
    if (!record.failover) {
      try {
        const check = await ctx.truth.checkAcked(ctx.home, `after episode ${index + 1}`);
        if (!check.ok)
          ctx.log(`  acknowledged heartbeats on ${ctx.home}: LOST ${JSON.stringify(check.lost).slice(0, 400)}`);
      } catch (err) {
        ctx.log(`  acknowledged heartbeats could not be checked on ${ctx.home}: ${(err as Error).message}`);
      }
    }
    record.seconds = Math.round((performance.now() - started) / 100) / 10;
    records.push(record);
    // A failed failover or a lab that does not come back leaves nothing sound to play the next episode on.
    if (record.failover && !record.failover.ok) break;
    if (record.quietProblem && primaryNotHome(ctx)) break;
  }
  return records;
}

function primaryNotHome(ctx: FailoverContext): boolean {
  const s = ctx.watch.current();
  return s?.regions.find((r) => r.role === "primary")?.id !== ctx.home;
}

async function play(ctx: FailoverContext, episode: Episode, record: EpisodeRecord) {
  if (episode.type === "failover") {
    record.failover = await runFailover(ctx, episode.cause, episode.fenceFirst, episode.alongside);
    record.faults = [record.failover.causeOutcome, record.failover.alongside].filter(
      (o): o is FaultOutcome => o !== null,
    );
    return;
  }
  const t0 = performance.now();
  const results = await Promise.allSettled(episode.faults.map((f) => playFault(ctx, f, t0)));
  for (const r of results) {
    if (r.status === "fulfilled") record.faults.push(r.value);
    else throw r.reason;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
