import type { ProcessUse, ProfileSummary } from "./collector-load";
import type { FaultFigures, FaultKind } from "./detection";
import type { FailoverFigures, FencedFailoverFigures } from "./failover";
import type { PlanFailoverFigures } from "./failover-plan";
import type { LoadResult } from "./http-load";
import type { LighthousePage } from "./lighthouse";
import type { PartitionClassificationFigures } from "./partition";
import { round } from "./stats";
import type { SshCostFigures } from "./ssh-cost";
import type { PagingFigures } from "./paging";
import type { TrafficFailoverFigures } from "./traffic-failover";
import type { ViewersFigures } from "./viewers";

export interface Figures {
  detection: Partial<Record<FaultKind, FaultFigures>>;
  /** guided failovers through the runbook actions: approval to writes, and each region API's write gap */
  failover?: FailoverFigures;
  /** the failover as one plan (db.failover) under one approval, and the way back (db.failback) */
  plan?: PlanFailoverFigures;
  /** the partition phase (besides detection.isolate): how a partition from the console is classified, and failovers with a fence */
  partition?: {
    classification?: PartitionClassificationFigures;
    fencedFailover?: FencedFailoverFigures;
  };
  /** the global load balancer: us-east-1's API stopped, and how soon the Americas' users are served by another region */
  traffic?: TrafficFailoverFigures;
  paging?: PagingFigures;
  collector3?: ProcessUse;
  collectorSim?: ProcessUse & {
    regions: number;
    /** collector passes per second over all regions (nominal: regions x 1000 / POLL_INTERVAL) */
    passesPerSecond: number;
    cpuMsPerRegionPass: number;
    /** the CPU % scaled to one pass per region per POLL_INTERVAL: a CPU-starved console passes less often */
    cpuPercentAtNominalRate: number;
    /** what the simulated fleet answered during the window: the collector's probe rate */
    probeRequestsPerSecond: number;
    servedPerSecond: Record<string, number>;
    healthStreams: number;
    statusAtEnd: Record<string, number>;
    simulatedFleetProcess: ProcessUse;
  };
  /** restOfMachine: everything but the console, the bench's own load loops included */
  http: (LoadResult & {
    /** the load before the measured window, discarded */
    warmUp: { seconds: number; requestsPerSecond: number; p95Ms: number };
    consoleCpuPercentOfOneCore: number;
    restOfMachinePercentOfOneCore: number;
  })[];
  profile?: ProfileSummary & { file: string; seconds: number };
  /** `--profile-http`: the lab console while it serves the `GET /` load */
  httpProfile?: ProfileSummary & { file: string; seconds: number };
  /** the live stream (GET /api/v1/events) as N viewers get it on a leading and on a standby console of one store */
  viewers?: ViewersFigures;
  /** one host command (`true`) over SSH to the lab's sshd: a connection of its own, and a shared one */
  ssh?: SshCostFigures;
  /** Lighthouse on the signed-in overview and an incident page */
  lighthouse?: LighthousePage[];
}

export interface Row {
  figure: string;
  value: string;
  goal: string;
  met: boolean | null;
}

const ms = (v: number) => `${v} ms`;

/** Issue 14's goals for the HTTP load figures: throughput at least, p95 at most. */
const httpGoals: Record<string, { rps: number; p95: number; text: string }> = {
  "/api/v1/health/regions": { rps: 500, p95: 100, text: ">= 500 req/s, p95 <= 100 ms" },
  "/": { rps: 0, p95: 300, text: "p95 <= 300 ms" },
};

/** The table: one row per figure, with the issue's goal where it set one. */
export function rows(f: Figures): Row[] {
  const out: Row[] = [];
  for (const kind of ["db-down", "api-down"] as const) {
    const d = f.detection[kind];
    if (!d) continue;
    const missed = d.missed ? ` (${d.missed} missed)` : "";
    out.push({
      figure: `detect ${kind} (${d.region}) p50`,
      value: ms(d.detectedMs.p50) + missed,
      goal: "<= 100 ms",
      met: !d.missed && d.detectedMs.p50 <= 100,
    });
    out.push({
      figure: `detect ${kind} (${d.region}) p95`,
      value: ms(d.detectedMs.p95) + missed,
      goal: "<= 250 ms",
      met: !d.missed && d.detectedMs.p95 <= 250,
    });
    out.push({
      figure: `detect ${kind} min / max`,
      value: `${ms(d.detectedMs.min)} / ${ms(d.detectedMs.max)}`,
      goal: "",
      met: null,
    });
    if (d.detectedAfterLandedMs) {
      out.push({
        figure: `  after it landed, p50 / max`,
        value: `${ms(d.detectedAfterLandedMs.p50)} / ${ms(d.detectedAfterLandedMs.max)}`,
        goal: "",
        met: null,
      });
    }
  }
  const iso = f.detection.isolate;
  if (iso) {
    const missed = iso.missed ? ` (${iso.missed} missed)` : "";
    out.push({
      figure: `detect isolate (${iso.region}) p50`,
      value: ms(iso.detectedMs.p50) + missed,
      goal: "",
      met: null,
    });
    out.push({
      figure: `detect isolate (${iso.region}) p95`,
      value: ms(iso.detectedMs.p95) + missed,
      goal: "<= 1500 ms",
      met: !iso.missed && iso.detectedMs.p95 <= 1500,
    });
    out.push({
      figure: "detect isolate min / max",
      value: `${ms(iso.detectedMs.min)} / ${ms(iso.detectedMs.max)}`,
      goal: "",
      met: null,
    });
    out.push({
      figure: "  after the drop rules were in, p50 / max",
      value: `${ms(iso.detectedAfterReturnMs.p50)} / ${ms(iso.detectedAfterReturnMs.max)}`,
      goal: "",
      met: null,
    });
  }
  const pc = f.partition?.classification;
  if (pc) {
    const n = pc.runs.length;
    const missed = pc.missed ? ` (${pc.missed} missed)` : "";
    out.push({
      figure: `partition from console (${pc.region}): verdict shown, p50 / p95 / max`,
      value: `${ms(pc.verdictMs.p50)} / ${ms(pc.verdictMs.p95)} / ${ms(pc.verdictMs.max)}${missed}`,
      goal: "",
      met: null,
    });
    out.push({
      figure: "partition from console: classified partitioned-from-console",
      value: `right ${pc.right} of ${n}`,
      goal: "every run",
      met: n > 0 && pc.right === n,
    });
  }
  const pg = f.paging;
  if (pg) {
    const missed = pg.missed ? ` (${pg.missed} missed)` : "";
    out.push({
      figure: "db-down (us-east-1) -> page at a local receiver, p50 / max",
      value: `${ms(pg.pagedMs.p50)} / ${ms(pg.pagedMs.max)}${missed}`,
      goal: "<= 2 s",
      met: pg.missed === 0 && pg.pagedMs.max <= 2000,
    });
    out.push({
      figure: "  runs in which the fault sent exactly one page",
      value: `${pg.single} of ${pg.runs.length}`,
      goal: "every run",
      met: pg.single === pg.runs.length,
    });
  }
  const tf = f.traffic;
  if (tf) {
    const missed = tf.missed ? ` (${tf.missed} missed)` : "";
    out.push({
      figure: `api-down (${tf.region}) -> ${tf.geography} served elsewhere, p50 / max`,
      value: `${ms(tf.servedElsewhereMs.p50)} / ${ms(tf.servedElsewhereMs.max)}${missed}`,
      goal: "",
      met: null,
    });
    out.push({
      figure: `  ${tf.geography} requests that failed meanwhile`,
      value: `${tf.errors} of ${tf.requests}`,
      goal: "",
      met: null,
    });
    out.push({
      figure: `  api-up -> ${tf.geography} back on ${tf.region}, p50 / max`,
      value: `${ms(tf.backHomeMs.p50)} / ${ms(tf.backHomeMs.max)}`,
      goal: "",
      met: null,
    });
  }
  const ff = f.partition?.fencedFailover;
  if (ff) {
    const n = ff.runs.length;
    const s = (v: number) => `${round(v / 1000, 2)} s`;
    out.push({
      figure: "isolate -> fence -> promote -> last API writing, p50 / max",
      value: `${s(ff.totalMs.p50)} / ${s(ff.totalMs.max)} (${n} runs)`,
      goal: "",
      met: null,
    });
    out.push({
      figure: "  fence / promote / repoint (request to verified), p50",
      value: `${s(ff.fenceMs.p50)} / ${s(ff.promoteMs.p50)} / ${s(ff.repointMs.p50)}`,
      goal: "",
      met: null,
    });
    out.push({
      figure: "write gap, failover with fence, p50 / max",
      value: `${s(ff.gapAllMs.p50)} / ${s(ff.gapAllMs.max)} (region APIs outside the isolated one)`,
      goal: "",
      met: null,
    });
    for (const [region, g] of Object.entries(ff.gapMs))
      out.push({ figure: `  ${region} API, p50 / max`, value: `${s(g.p50)} / ${s(g.max)}`, goal: "", met: null });
  }
  const lag = f.detection.lag;
  if (lag) {
    out.push({
      figure: `lag alert (${lag.region}) after 5 s crossing, p50`,
      value: ms(lag.detectedMs.p50),
      goal: "",
      met: null,
    });
    out.push({
      figure: `lag alert (${lag.region}) after 5 s crossing, max`,
      value: ms(lag.detectedMs.max) + (lag.missed ? ` (${lag.missed} missed)` : ""),
      goal: "<= 1000 ms, every run",
      met: !lag.missed && lag.detectedMs.max <= 1000,
    });
  }
  const vw = f.viewers;
  if (vw) {
    for (const [name, c] of [
      ["leader", vw.leader],
      ["standby", vw.standby],
    ] as const) {
      const { fault, rest } = c;
      const missed = fault.missed ? ` (${fault.missed} missed)` : "";
      const lat = (v: number) => (fault.reached ? ms(v) : "none reached");
      out.push({
        figure: `viewers on ${name}: fault -> viewer p50`,
        value: lat(fault.latencyMs.p50) + missed,
        goal: "",
        met: null,
      });
      out.push({
        figure: `viewers on ${name}: fault -> viewer p95`,
        value: lat(fault.latencyMs.p95) + missed,
        goal: "<= 250 ms",
        met: fault.reached > 0 && !fault.missed && fault.latencyMs.p95 <= 250,
      });
      out.push({
        figure: `viewers on ${name}: reached within ${vw.reachWithinMs / 1000} s`,
        value: `${fault.reached} of ${fault.expected} (${vw.viewersPerConsole} viewers x ${vw.faultRuns.length} runs)`,
        goal: "all",
        met: fault.expected > 0 && fault.reached === fault.expected,
      });
      out.push({
        figure: `viewers on ${name}: bytes/s per viewer at rest`,
        value: `${round(rest.bytesPerSecondPerViewer.mean / 1024, 2)} KiB/s; ${rest.fleetEventsPerSecondPerViewer.mean} fleet events/s (${rest.fleetEventsPerSecondPerViewer.min}-${rest.fleetEventsPerSecondPerViewer.max})`,
        goal: "<= 1 KiB/s",
        met: rest.bytesPerSecondPerViewer.mean <= 1024,
      });
    }
  }
  const sc = f.ssh;
  if (sc) {
    out.push({
      figure: `host command over SSH (${sc.target}), fresh connection p50 / p95`,
      value: `${ms(sc.freshMs.p50)} / ${ms(sc.freshMs.p95)}`,
      goal: "",
      met: null,
    });
    out.push({
      figure: "host command over SSH, shared connection p50 / p95",
      value: `${ms(sc.sharedMs.p50)} / ${ms(sc.sharedMs.p95)}`,
      goal: "",
      met: null,
    });
  }
  const pl = f.plan;
  if (pl) {
    const s = (v: number) => `${round(v / 1000, 2)} s`;
    out.push({
      figure: "write gap, failover plan (db.failover), p50",
      value: `${s(pl.gapAllMs.p50)} (max ${s(pl.gapAllMs.max)}; all region APIs, ${pl.runs.length} runs)`,
      goal: "<= 2 s",
      met: pl.runs.length > 0 && pl.gapAllMs.p50 <= 2000,
    });
    out.push({
      figure: "  plan steps p50: old primary / promote / repoint / verify",
      value: ["old-primary", "promote", "repoint", "verify"].map((k) => ms(pl.stepMs[k]?.p50 ?? NaN)).join(" / "),
      goal: "",
      met: null,
    });
    out.push({ figure: "fail-back plan (db.failback), p50", value: s(pl.failbackMs.p50), goal: "", met: null });
  }
  const fo = f.failover;
  if (fo) {
    const n = fo.runs.length;
    const s = (v: number) => `${round(v / 1000, 2)} s`;
    out.push({
      figure: "approval click -> promoted replica writes, p50",
      value: ms(fo.writableMs.p50),
      goal: "<= 500 ms",
      met: n > 0 && fo.writableMs.p50 <= 500,
    });
    out.push({
      figure: "approval click -> promoted replica writes, p95",
      value: ms(fo.writableMs.p95),
      goal: "<= 1000 ms",
      met: n > 0 && fo.writableMs.p95 <= 1000,
    });
    out.push({
      figure: "  approve POST answered / run finished, p50",
      value: `${ms(fo.approveResponseMs.p50)} / ${ms(fo.runFinishedMs.p50)} (pg_promote ${ms(fo.pgPromoteMs.p50)})`,
      goal: "",
      met: null,
    });
    out.push({
      figure: "write gap, guided failover, p50 / max",
      value: `${s(fo.gapAllMs.p50)} / ${s(fo.gapAllMs.max)} (all region APIs, ${n} runs)`,
      goal: "",
      met: null,
    });
    for (const [region, g] of Object.entries(fo.gapMs))
      out.push({ figure: `  ${region} API, p50 / max`, value: `${s(g.p50)} / ${s(g.max)}`, goal: "", met: null });
  }
  if (f.collector3) {
    out.push({
      figure: "console CPU, 3 lab regions, no pages",
      value: `${f.collector3.cpuPercentOfOneCore} % of one core`,
      goal: "",
      met: null,
    });
    out.push({
      figure: "console RSS, embedded store, 3 lab regions",
      value: `${f.collector3.rssMiBEnd} MiB at the end (${f.collector3.rssMiBMin}-${f.collector3.rssMiBMax} in the window)`,
      goal: "<= 300 MiB",
      met: f.collector3.rssMiBMax <= 300,
    });
  }
  if (f.collectorSim) {
    const s = f.collectorSim;
    out.push({
      figure: `console CPU, ${s.regions} simulated regions`,
      value: `${s.cpuPercentOfOneCore} % of one core (${s.passesPerSecond} passes/s)`,
      goal: "< 20 %",
      met: s.cpuPercentOfOneCore < 20,
    });
    out.push({
      figure: "  same, scaled to 1 pass per region per s",
      value: `${s.cpuPercentAtNominalRate} % of one core (${s.cpuMsPerRegionPass} ms per pass)`,
      goal: "< 20 %",
      met: s.cpuPercentAtNominalRate < 20,
    });
    out.push({
      figure: `console RSS, ${s.regions} simulated regions`,
      value: `${s.rssMiBEnd} MiB at the end (${s.rssMiBMin}-${s.rssMiBMax} in the window)`,
      goal: "",
      met: null,
    });
  }
  for (const h of f.http) {
    const goal = httpGoals[h.path];
    out.push({
      figure: `GET ${h.path}, ${h.concurrency} sessions`,
      value: `${h.requestsPerSecond} req/s; p50 ${h.latencyMs.p50} / p95 ${h.latencyMs.p95} / p99 ${h.latencyMs.p99} ms; ${h.errors} errors`,
      goal: goal?.text ?? "",
      met: goal ? h.errors === 0 && h.requestsPerSecond >= goal.rps && h.latencyMs.p95 <= goal.p95 : null,
    });
  }
  for (const p of f.lighthouse ?? []) {
    out.push({
      figure: `Lighthouse ${p.path}: performance`,
      value: `${p.performance}, median of ${p.runScores.join(" / ")} (TBT ${ms(p.totalBlockingTimeMs)}, interactive ${ms(p.interactiveMs)}, LCP ${ms(p.largestContentfulPaintMs)}, ${round(p.scriptBytes / 1024, 0)} KiB script)`,
      goal: ">= 90",
      met: p.performance >= 90,
    });
    out.push({
      figure: `Lighthouse ${p.path}: accessibility / best practices`,
      value: `${p.accessibility} / ${p.bestPractices}`,
      goal: "100 / 100",
      met: p.accessibility === 100 && p.bestPractices === 100,
    });
  }
  return out;
}

export function table(rs: Row[]): string {
  const w = [
    Math.max(6, ...rs.map((r) => r.figure.length)),
    Math.max(5, ...rs.map((r) => r.value.length)),
    Math.max(4, ...rs.map((r) => r.goal.length)),
  ];
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${c.padEnd(w[2]!)}  ${d}`.trimEnd();
  return [
    line("figure", "value", "goal", "met?"),
    line("-".repeat(w[0]!), "-".repeat(w[1]!), "-".repeat(w[2]!), "----"),
    ...rs.map((r) => line(r.figure, r.value, r.goal, r.met === null ? "" : r.met ? "yes" : "NO")),
  ].join("\n");
}

/** The raw numbers behind the table, and the profile when there is one. */
export function details(f: Figures): string {
  const out: string[] = ["raw numbers (ms):"];
  for (const d of Object.values(f.detection)) {
    out.push(`  ${d.fault} detected: [${d.runs.map((r) => r.detectedMs ?? "missed").join(", ")}]`);
    out.push(
      `  ${d.fault} ${d.fault === "isolate" ? "injectNetworkFault" : "injectFault"} returned after: [${d.runs.map((r) => r.injectReturnedMs).join(", ")}]`,
    );
    if (d.fault === "isolate")
      out.push(
        `  isolate detected after the drop rules were in: [${d.runs.map((r) => r.detectedAfterReturnMs ?? "?").join(", ")}]`,
      );
    if (d.detectedAfterLandedMs) {
      out.push(
        `  ${d.fault} landed (the bench's own connection broke) after: [${d.runs.map((r) => r.landedMs ?? "?").join(", ")}]`,
      );
      out.push(
        `  ${d.fault} detected after it landed: [${d.runs.map((r) => r.detectedAfterLandedMs ?? "?").join(", ")}] (p50 ${d.detectedAfterLandedMs.p50}, max ${d.detectedAfterLandedMs.max})`,
      );
    }
    if (d.fault === "lag") {
      out.push(
        `  lag > 5 shown after the crossing: [${d.runs.map((r) => r.lagShownMs).join(", ")}]; alert shown: [${d.runs.map((r) => r.alertShownMs).join(", ")}]`,
      );
    }
    out.push(
      `  ${d.fault} /metrics request that first showed it took: p50 ${d.pollRequestMs.p50}, max ${d.pollRequestMs.max}; recover took: [${d.runs.map((r) => r.recoverMs).join(", ")}]`,
    );
  }
  if (f.plan) {
    const pl = f.plan;
    for (const r of pl.runs)
      out.push(
        `  plan #${r.run} ${r.from}->${r.to}: shown down ${r.consoleShowedDownMs} ms, request ${r.requestMs} ms, approve ${r.approveMs} ms; steps ${JSON.stringify(r.stepsMs)}; gaps ${r.gaps.map((g) => `${g.region} ${g.gapMs ?? "?"}`).join(", ")}; fail-back ${r.failbackMs} ms`,
      );
  }
  if (f.failover) {
    const fo = f.failover;
    const list = (g: (r: FailoverFigures["runs"][number]) => unknown) => `[${fo.runs.map(g).join(", ")}]`;
    out.push(`  failover runs: ${list((r) => `${r.from}->${r.to}`)}`);
    out.push(
      `  failover approval -> writes: ${list((r) => r.writableMs)}; approve POST answered: ${list((r) => r.approveResponseMs)}; run finished: ${list((r) => r.runFinishedMs ?? "?")}; pg_promote: ${list((r) => r.pgPromoteMs ?? "?")}`,
    );
    out.push(
      `  failover read-only inserts before the first write: ${list((r) => r.readOnlyErrors)}${fo.runs.some((r) => r.otherErrors) ? `; other errors ${list((r) => r.otherErrors)} (first: ${fo.runs.find((r) => r.firstOtherError)?.firstOtherError})` : ""}`,
    );
    out.push(
      `  failover db-down shown on /api/v1/fleet after the stop: ${list((r) => r.consoleShowedDownMs)}; promotion request POST: ${list((r) => r.requestMs)}; requests retried for a failing pre-flight: ${list((r) => r.preflightRetries)}`,
    );
    for (const region of Object.keys(fo.gapMs))
      out.push(`  write gap ${region} API: ${list((r) => r.gaps.find((g) => g.region === region)?.gapMs ?? "?")}`);
    out.push(
      `  failover repoint (request to done): ${list((r) => r.repointMs)}; rebuild: ${list((r) => `${r.rebuildMs} ${r.rebuildMethod ?? ""}`.trim())}; then 3 healthy after: ${list((r) => r.healthyMs)}`,
    );
    out.push(
      `  fail-back: ${fo.failback ? `db.switchover ${fo.failback.from} -> ${fo.failback.to} in ${fo.failback.ms} ms` : "not needed"}${fo.repairs.length ? `; repairs: ${fo.repairs.join("; ")}` : ""}`,
    );
  }
  const pc = f.partition?.classification;
  if (pc) {
    const list = (g: (r: PartitionClassificationFigures["runs"][number]) => unknown) =>
      `[${pc.runs.map(g).join(", ")}]`;
    out.push(`  partition from console, first verdict: ${list((r) => `${r.verdict ?? "none"} ${r.verdictMs ?? "-"}`)}`);
    out.push(
      `  partition from console, "partitioned-from-console" shown after: ${list((r) => r.rightMs ?? "never")}; verdicts over the next 2 s: ${list((r) => r.verdictsAfter.join(" -> ") || "-")}`,
    );
    out.push(
      `  partition from console, status shown with it: ${list((r) => r.statusShown)}; injectNetworkFault returned after: ${list((r) => r.injectReturnedMs)}; the request that showed it took: p50 ${pc.pollRequestMs.p50}, max ${pc.pollRequestMs.max}; heal took: ${list((r) => r.healMs)}`,
    );
    const reason = pc.runs.find((r) => r.reason)?.reason;
    if (reason) out.push(`  partition from console, reason (run ${pc.runs.find((r) => r.reason)!.run}): ${reason}`);
  }
  const ff = f.partition?.fencedFailover;
  if (ff) {
    const list = (g: (r: FencedFailoverFigures["runs"][number]) => unknown) => `[${ff.runs.map(g).join(", ")}]`;
    out.push(
      `  fenced failover runs: ${list((r) => `${r.from}->${r.to}`)}; isolate -> last API writing: ${list((r) => r.totalMs ?? "?")}`,
    );
    out.push(
      `  fenced failover isolate call: ${list((r) => r.isolateMs)}; fence: ${list((r) => r.fenceMs)} (pre-flights refused ${list((r) => r.fencePreflightRetries)}); promote: ${list((r) => r.promoteMs)} (pre-flights refused ${list((r) => r.promotePreflightRetries)}; pg_promote ${list((r) => r.pgPromoteMs ?? "?")}); repoint: ${list((r) => r.repointMs)}`,
    );
    for (const step of ["fence", "promote", "repoint"] as const) {
      out.push(
        `  fenced failover ${step}: request POST (pre-flight) ${list((r) => r.steps[step].requestMs)}; approve POST (pre-flight again, start) ${list((r) => r.steps[step].approveMs)}; run started -> finished ${list((r) => r.steps[step].runMs ?? "?")}`,
      );
    }
    for (const region of Object.keys(ff.gapMs))
      out.push(
        `  fenced failover write gap ${region} API: ${list((r) => r.gaps.find((g) => g.region === region)?.gapMs ?? "?")}`,
      );
    out.push(
      `  fenced failover, the isolated region's own API (cut off until healed, not a figure): ${list((r) => r.isolatedApiGap?.gapMs ?? "?")}`,
    );
    const how = ff.runs.find((r) => r.fenceHow.length)?.fenceHow;
    if (how) out.push(`  fence (run 1 output): ${how.join(" | ")}`);
    const ver = ff.runs[0]?.fenceVerification;
    if (ver?.length) out.push(`  fence verified (run 1): ${ver.join("; ")}`);
    out.push(
      `  fenced failover put back: heal ${list((r) => r.healMs)}; rebuild ${list((r) => `${r.rebuildMs} ${r.rebuildMethod ?? ""}`.trim())}; repoint of the isolated API ${list((r) => r.isolatedApiRepointMs)}; switchover back ${list((r) => r.failback?.ms ?? "-")}${ff.repairs.length ? `; repairs: ${ff.repairs.join("; ")}` : ""}`,
    );
  }
  const vw = f.viewers;
  if (vw) {
    out.push(
      `  viewers: ${vw.viewersPerConsole} per console, ${vw.fault}; injectFault returned after: [${vw.faultRuns.map((r) => r.injectReturnedMs).join(", ")}]; recover took: [${vw.faultRuns.map((r) => r.recoverMs).join(", ")}]`,
    );
    for (const [name, c] of [
      ["leader", vw.leader],
      ["standby", vw.standby],
    ] as const) {
      const runs = (g: (r: (typeof c.fault.runs)[number]) => unknown) => `[${c.fault.runs.map(g).join(", ")}]`;
      out.push(
        `  viewers on ${name} (pid ${c.pid}): ${c.connected} of ${c.viewers} streams opened, ${c.gotSnapshot} got a first snapshot (p50 ${c.firstSnapshotMs.p50} ms after the request; us-east-1 in it: ${JSON.stringify(c.firstSnapshotStatus)}), ${c.openAtEnd} open at the end, ${c.reconnects} reconnects, ${c.errors} errors${c.firstError ? ` (first: ${c.firstError})` : ""}${c.jsonErrors ? `, ${c.jsonErrors} unparsable fleet events` : ""}`,
      );
      out.push(
        `  viewers on ${name}: at rest over ${c.rest.seconds} s, per viewer: ${c.rest.fleetEventsPerSecondPerViewer.mean} fleet events/s, ${c.rest.bytesPerSecondPerViewer.mean} B/s, ${c.rest.otherEventsPerSecondPerViewer} other events/s; ${c.rest.bytesPerFleetEvent} B per fleet event`,
      );
      out.push(
        `  viewers on ${name}, per run: reached ${runs((r) => r.reached)}; first ${runs((r) => r.firstMs ?? "-")}; p50 ${runs((r) => r.p50Ms ?? "-")}; p95 ${runs((r) => r.p95Ms ?? "-")}; max ${runs((r) => r.maxMs ?? "-")}; showed healthy again ${runs((r) => r.healthyAgain)}`,
      );
    }
  }
  if (f.http.length)
    out.push(
      `  console CPU during the HTTP load: ${f.http.map((h) => `${h.path} ${h.consoleCpuPercentOfOneCore} % of one core (rest of the machine ${h.restOfMachinePercentOfOneCore} %)`).join(", ")}`,
    );
  for (const h of f.http)
    out.push(
      `  GET ${h.path}: the ${h.warmUp.seconds} s of warm-up before the window (discarded) ran ${h.warmUp.requestsPerSecond} req/s, p95 ${h.warmUp.p95Ms} ms`,
    );
  if (f.collector3)
    out.push(
      `  3 lab regions: the rest of the machine used ${f.collector3.restOfMachinePercentOfOneCore} % of one core meanwhile`,
    );
  if (f.collectorSim) {
    const c = f.collectorSim;
    const s = c.simulatedFleetProcess;
    out.push(
      `  ${c.regions} simulated regions: ${c.probeRequestsPerSecond} probe requests/s answered (${Object.entries(
        c.servedPerSecond,
      )
        .map(([p, n]) => `${p} ${n}`)
        .join(", ")}), ${c.healthStreams} health streams held; status at the end ${JSON.stringify(c.statusAtEnd)}`,
    );
    out.push(
      `  ${c.regions} simulated regions: the simulated fleet process used ${s.cpuPercentOfOneCore} % of one core (${s.rssMiBMean} MiB); the rest of the machine ${round(Math.max(0, c.restOfMachinePercentOfOneCore - s.cpuPercentOfOneCore), 1)} %`,
    );
  }
  if (f.profile) out.push(...profileLines(`the ${f.collectorSim?.regions ?? "?"}-region console`, f.profile));
  if (f.httpProfile) out.push(...profileLines("the lab console serving GET /", f.httpProfile));
  return out.join("\n");
}

function profileLines(what: string, p: ProfileSummary & { file: string; seconds: number }): string[] {
  return [
    "",
    `CPU profile of ${what} over ${p.seconds} s (${p.file}): busy ${p.busyMs} ms, idle ${p.idleMs} ms`,
    `  fetch (undici) on the stack in ${p.inclusive.fetchUndici} % of busy samples; PGlite in ${p.inclusive.pglite} %`,
    "  self time by module (native frames charged to their JS caller):",
    ...p.byModule.map((e) => `    ${String(e.percent).padStart(5)} %  ${e.name}`),
    "  self time by function:",
    ...p.topFunctions.map((e) => `    ${String(e.percent).padStart(5)} %  ${e.name}`),
  ];
}
