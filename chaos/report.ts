import type { ProcessUse } from "../bench/collector-load";
import { table, type Row } from "../bench/report";
import { rounded, summarize, type Summary } from "../bench/stats";
import { STUCK_AFTER_MS, type StuckAlert } from "../lib/chaos/alert-watch";
import { SHOWN_WITHIN_MS } from "../lib/chaos/fault-signs";
import { chaosFaultKinds } from "../lib/chaos/faults";
import type { Schedule } from "../lib/chaos/schedule";
import type { AuditVerdict } from "./audit";
import type { Crowd } from "./crowd";
import type { LabTruth } from "./lab-truth";
import type { FaultOutcome } from "./page-watch";
import type { EpisodeRecord } from "./soak";

/** The soak's verdict, invariant by invariant, its figures, the printed table and latest.json. */

export interface SoakResult {
  schedule: Schedule;
  pollIntervalMs: number;
  startedAt: string;
  /** the soak itself (faults and failovers), and the whole run (with start-up and the final checks) */
  soakSeconds: number;
  runSeconds: number;
  episodes: EpisodeRecord[];
  outcomes: FaultOutcome[];
  stuck: StuckAlert[];
  alertsSeen: Record<string, number>;
  crowd: ReturnType<Crowd["figures"]>;
  streamEvents: Crowd["streamEvents"];
  browseErrors: Crowd["browseErrors"];
  truth: Pick<
    LabTruth,
    | "writersViolations"
    | "ackChecks"
    | "serverSamples"
    | "maxPrimaries"
    | "maxWriters"
    | "fencedPrimarySamples"
    | "asyncPrimarySamples"
    | "ackSamples"
    | "ackSampleFailures"
  > & { acksSeen: number };
  audit: AuditVerdict | null;
  /** after the last episode: the pages back to the home primary, healthy, no alert firing */
  finalQuiet: { ms: number | null; problem: string | null };
  /** why the run cannot be judged (someone rebuilt .next under the console), or null */
  disturbed: string | null;
  /** what the soak cost the machine: the console (over the planned minutes), the soak's own process, the load average at the end */
  load: { console: ProcessUse | null; soakProcessPercentOfOneCore: number; loadavg: number[] };
}

export interface Invariant {
  id: number;
  name: string;
  held: boolean;
  detail: string;
  violations: string[];
}

const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? "-" : `${Math.round(v)} ms`;

export function invariants(r: SoakResult): Invariant[] {
  const failovers = r.episodes.flatMap((e) => (e.failover ? [e.failover] : []));
  const notShown = r.outcomes.filter((o) => !o.shown);
  const notCleared = r.outcomes.filter((o) => !o.cleared);
  const notQuiet = r.episodes.filter((e) => e.quietProblem);
  const one = [
    ...notShown.map(
      (o) =>
        `${o.fault}: not shown within ${o.boundMs} ms to ${o.missedViewers} of ${o.viewers} viewers (every viewer after ${fmt(o.allShownMs)})`,
    ),
    ...notCleared.map(
      (o) => `${o.fault}: still shown on ${o.unclearedViewers} of ${o.viewers} viewers 30 s after its recovery`,
    ),
    ...notQuiet.map((e) => `after episode ${e.index}: the pages did not settle: ${e.quietProblem}`),
    ...(r.finalQuiet.problem ? [`at the end: ${r.finalQuiet.problem}`] : []),
  ];
  const three = [
    ...r.browseErrors.map((e) => `${e.at} ${e.what}: ${e.error}`),
    ...r.streamEvents.map((e) => `${e.at} ${e.what}: ${e.error}`),
    ...(r.crowd.streamErrors
      ? [`${r.crowd.streamErrors} live-stream errors (first: ${r.crowd.firstStreamError})`]
      : []),
    ...(r.crowd.reconnects ? [`${r.crowd.reconnects} live streams dropped and reopened`] : []),
    ...(r.crowd.jsonErrors ? [`${r.crowd.jsonErrors} fleet messages that could not be read as a snapshot`] : []),
    ...(r.crowd.opened < r.crowd.viewers ? [`${r.crowd.viewers - r.crowd.opened} viewers never got their stream`] : []),
    ...failovers
      .filter((f) => f.error && /HTTP [45]\d\d/.test(f.error))
      .map((f) => `a runbook action's request: ${f.error}`),
  ];
  const lost = r.truth.ackChecks.filter((c) => !c.ok);
  const shownCount = r.outcomes.length - notShown.length;
  const detect = rounded(summarize(r.outcomes.flatMap((o) => (o.allShownMs === null ? [] : [o.allShownMs]))));
  return [
    {
      id: 1,
      name: "every fault shown on the pages in time, and cleared after recovery",
      held: one.length === 0 && r.outcomes.length > 0,
      detail: `${shownCount} of ${r.outcomes.length} faults shown to every viewer within their bound (p50 ${fmt(detect.p50)}, p95 ${fmt(detect.p95)}, max ${fmt(detect.max)}); ${r.outcomes.length - notCleared.length} cleared; ${r.episodes.length - notQuiet.length} of ${r.episodes.length} episodes settled`,
      violations: one,
    },
    {
      id: 2,
      name: "no alert stuck firing after its cause cleared",
      held: r.stuck.length === 0,
      detail: `${r.stuck.length} stuck (firing ${STUCK_AFTER_MS / 1000} s after its breach was last seen, and after it was first seen); ${Object.keys(r.alertsSeen).length} alerts fired and resolved`,
      violations: r.stuck.map(
        (s) =>
          `${s.fingerprint} (${s.name}) started ${s.startedAt}: firing ${s1(s.clearedForMs)} after its cause cleared: ${s.summary}`,
      ),
    },
    {
      id: 3,
      name: "no page or API request failed",
      held: three.length === 0,
      detail: `${r.crowd.browsed} page and API reads, ${r.crowd.browseErrors} failed; ${r.crowd.opened} live streams, ${r.crowd.fleetEvents} fleet events, ${r.crowd.streamErrors + r.crowd.reconnects + r.streamEvents.length} stream errors`,
      violations: three,
    },
    {
      id: 4,
      name: "no acknowledged write lost across failovers",
      held: lost.length === 0 && r.truth.ackChecks.length > 0,
      detail: `${r.truth.acksSeen} acknowledged heartbeats seen; ${r.truth.ackChecks.length} checks on the primary of the moment, ${lost.length} found some missing (each loss counted once)`,
      violations: lost.map(
        (c) =>
          `${c.when} (${c.primary}): ${c.lost
            .map(
              (l) =>
                `${l.region}: ${l.missing.length} acknowledged rows missing${
                  l.missing.length
                    ? ` (seq ${l.missing
                        .slice(0, 5)
                        .map((m) => `${m.seq} at ${m.writtenAt}`)
                        .join(", ")}${l.missing.length > 5 ? ", …" : ""})`
                    : ""
                }${l.missingSeqs.length ? `, seqs with no row: ${l.missingSeqs.slice(0, 8).join(", ")}` : ""}`,
            )
            .join("; ")}`,
      ),
    },
    {
      id: 5,
      name: "never two databases accepting writes",
      held: r.truth.writersViolations.length === 0 && r.truth.serverSamples > 0,
      detail: `${r.truth.serverSamples} samples of every server; at most ${r.truth.maxWriters} accepting writes; ${r.truth.fencedPrimarySamples} with a second, fenced server out of recovery`,
      violations: r.truth.writersViolations.map(
        (v) =>
          `${v.at} to ${v.until} (${v.samples} samples): ${v.writers.join(" and ")} accept writes (out of recovery: ${v.primaries.join(", ")})`,
      ),
    },
    {
      id: 6,
      name: "audit chain intact at the end",
      held: !!r.audit?.ok,
      detail: r.audit
        ? `${r.audit.output.split("\n").find((l) => /audit chain/.test(l)) ?? r.audit.output.slice(0, 200)}`
        : "not verified",
      violations: r.audit?.ok
        ? []
        : [
            r.audit
              ? `audit:verify exited ${r.audit.exitCode}: ${r.audit.output.slice(0, 500)}`
              : "the soak ended before the audit chain could be verified",
          ],
    },
    {
      id: 7,
      name: "every fault injected and undone, every failover done through the console, the lab home at the end",
      held: failovers.every((f) => f.ok) && r.episodes.every((e) => !e.error) && !r.finalQuiet.problem,
      detail: `${r.episodes.filter((e) => !e.error).length} of ${r.episodes.length} episodes played out; ${failovers.filter((f) => f.ok).length} of ${failovers.length} failovers completed (promote, repoint, rebuild, switch back)`,
      violations: [
        ...failovers.filter((f) => !f.ok).map((f) => `${f.cause} of ${f.from}: ${f.error}`),
        ...r.episodes
          .filter((e) => e.error && !e.failover)
          .map((e) => `episode ${e.index} (${e.description}): ${e.error}`),
        ...(r.finalQuiet.problem ? [`at the end: ${r.finalQuiet.problem}`] : []),
      ],
    },
  ];
}

function byKind(outcomes: FaultOutcome[]) {
  return chaosFaultKinds
    .map((kind) => {
      const os = outcomes.filter((o) => o.kind === kind);
      const all = os.flatMap((o) => (o.allShownMs === null ? [] : [o.allShownMs]));
      const first = os.flatMap((o) => (o.firstShownMs === null ? [] : [o.firstShownMs]));
      const cleared = os.flatMap((o) => (o.clearedMs === null ? [] : [o.clearedMs]));
      return {
        kind,
        injected: os.length,
        shown: os.filter((o) => o.shown).length,
        boundMs: os[0]?.boundMs ?? null,
        reveal: os[0]?.reveal ?? null,
        everyViewerMs: rounded(summarize(all)),
        firstViewerMs: rounded(summarize(first)),
        withinOneSecondOfLanding: all.filter((v) => v <= SHOWN_WITHIN_MS).length,
        clearedMs: rounded(summarize(cleared)),
      };
    })
    .filter((k) => k.injected > 0);
}

export function figures(r: SoakResult) {
  const failovers = r.episodes.flatMap((e) => (e.failover ? [e.failover] : []));
  const gaps = failovers.flatMap((f) => f.writeGaps.flatMap((g) => (g.gapMs === null ? [] : [g.gapMs])));
  const sum = (v: number[]): Summary => rounded(summarize(v));
  return {
    faults: byKind(r.outcomes),
    failovers: {
      done: failovers.filter((f) => f.ok).length,
      attempted: failovers.length,
      byCause: {
        "db-down": failovers.filter((f) => f.cause === "db-down").length,
        isolate: failovers.filter((f) => f.cause === "isolate").length,
      },
      offeredMs: sum(failovers.flatMap((f) => (f.offeredMs === null ? [] : [f.offeredMs]))),
      totalMs: sum(failovers.flatMap((f) => (f.totalMs === null ? [] : [f.totalMs]))),
      writeGapMs: sum(gaps),
    },
  };
}

export function rows(r: SoakResult): Row[] {
  const out: Row[] = invariants(r).map((i) => ({
    figure: `${i.id}. ${i.name}`,
    value: i.detail,
    goal: "",
    met: i.held,
  }));
  const f = figures(r);
  out.push({ figure: "", value: "", goal: "", met: null });
  for (const k of f.faults) {
    out.push({
      figure: `  ${k.kind} (${k.reveal}) x ${k.injected}: every viewer shown it, p50 / p95 / max`,
      value: `${fmt(k.everyViewerMs.p50)} / ${fmt(k.everyViewerMs.p95)} / ${fmt(k.everyViewerMs.max)}; within 1 s of landing ${k.withinOneSecondOfLanding} of ${k.injected}; cleared p50 ${fmt(k.clearedMs.p50)}`,
      goal: `<= ${k.boundMs} ms`,
      met: k.shown === k.injected,
    });
  }
  const fo = f.failovers;
  out.push({
    figure: `  failovers done (db-down ${fo.byCause["db-down"]}, isolate ${fo.byCause.isolate})`,
    value: `${fo.done} of ${fo.attempted}; promotion offered p50 ${fmt(fo.offeredMs.p50)} after the fault; home again p50 ${s1(fo.totalMs.p50 || 0)}, max ${s1(fo.totalMs.max || 0)}`,
    goal: "",
    met: null,
  });
  out.push({
    figure: "  write gap per region API across a failover, p50 / max",
    value: `${s1(fo.writeGapMs.p50 || 0)} / ${s1(fo.writeGapMs.max || 0)} (${fo.writeGapMs.n} gaps)`,
    goal: "",
    met: null,
  });
  const c = r.load.console;
  out.push({
    figure: "  what it cost: console CPU / RSS, the soak's own CPU, load average",
    value: `${c ? `${c.cpuPercentOfOneCore} % of one core / ${c.rssMiBMax} MiB max` : "-"}; ${r.load.soakProcessPercentOfOneCore} % of one core; ${r.load.loadavg.join(" ")}`,
    goal: "",
    met: null,
  });
  return out;
}

export function printReport(r: SoakResult): string {
  const inv = invariants(r);
  const lines = [
    `Switchyard chaos soak — seed ${r.schedule.seed}, ${r.schedule.minutes} min asked, ${s1(r.soakSeconds * 1000)} of faults (${s1(r.runSeconds * 1000)} in all), ${r.episodes.length} episodes, ${r.outcomes.length} faults, ${r.crowd.viewers} viewers, POLL_INTERVAL=${r.pollIntervalMs} ms`,
    "",
    table(rows(r)),
  ];
  const broken = inv.filter((i) => !i.held);
  if (broken.length) {
    lines.push("", "violations:");
    for (const i of broken) {
      lines.push(`  ${i.id}. ${i.name}:`);
      for (const v of i.violations.slice(0, 12)) lines.push(`     - ${v}`);
      if (i.violations.length > 12) lines.push(`     … and ${i.violations.length - 12} more (latest.json)`);
    }
  }
  if (r.disturbed) lines.push("", `NOT JUDGED: ${r.disturbed}`);
  lines.push("", `every invariant held: ${verdict(r) === 0 ? "yes" : "NO"}`);
  return lines.join("\n");
}

/** 0: every invariant held; 1: some did not; 2: the run could not be judged. */
export function verdict(r: SoakResult): 0 | 1 | 2 {
  if (r.disturbed) return 2;
  return invariants(r).every((i) => i.held) ? 0 : 1;
}

export function reportJson(r: SoakResult, extra: Record<string, unknown>) {
  return { ...extra, verdict: verdict(r), invariants: invariants(r), figures: figures(r), ...r };
}
