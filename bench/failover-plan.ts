import { performance } from "node:perf_hooks";
import { injectFault, labStatus } from "../lab/index";
import { waitFor } from "../lab/wait";
import {
  Console,
  everyApiWritesTo,
  heartbeatGap,
  HOME_PRIMARY,
  LabView,
  PAIR,
  recordedPrimary,
  settle,
  waitThreeHealthy,
  type HeartbeatGap,
} from "./failover";
import { round, rounded, summarize, type Summary } from "./stats";

/**
 * The failover as one plan (db.failover): the primary's database stops, the engineer requests the plan the moment
 * the console shows it down, the lead approves it at once, and each region API's write gap is read from its
 * heartbeats on the new primary. Then the way back as one plan (db.failback), timed too.
 */

export interface PlanFailoverRun {
  run: number;
  from: string;
  to: string;
  consoleShowedDownMs: number;
  /** request POST (with its pre-flight) and approve POST (with its re-check) */
  requestMs: number;
  approveMs: number;
  /** each step of the plan, started to finished (console clock) */
  stepsMs: Record<string, number | null>;
  gaps: HeartbeatGap[];
  /** where the gap goes: ms from the stop (wall clock) to each moment, the heartbeats' included */
  timelineMs: Record<string, number>;
  /** db.failback, request to succeeded */
  failbackMs: number;
}

export interface PlanFailoverFigures {
  gapMeasuredFrom: string;
  runs: PlanFailoverRun[];
  gapAllMs: Summary;
  gapMs: Record<string, Summary>;
  stepMs: Record<string, Summary>;
  failbackMs: Summary;
  repairs: string[];
}

async function oneRun(c: Console, lab: LabView, run: number, log: (s: string) => void): Promise<PlanFailoverRun> {
  const from = await recordedPrimary(c);
  const to = from === PAIR[0] ? PAIR[1] : PAIR[0];
  await everyApiWritesTo(lab, from);
  // The engineer watches the console while the database stops: the request goes the moment it shows it down,
  // however long the stop itself takes to finish.
  const stopWall = Date.now();
  const s1 = performance.now();
  const stopping = injectFault(from, "db-down", { labDir: lab.labDir }).then(() => Date.now());
  await waitFor(
    `GET /api/v1/fleet to show ${from}'s database down`,
    async () => (await c.fleet()).regions.find((r) => r.id === from)?.sample?.db?.up === false,
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  const shownDown = performance.now();
  const shownDownWall = Date.now();
  const req = await c.requestAction("db.failover", { candidate: to, regions: lab.ids });
  const requestedWall = Date.now();
  const approved = await c.approve(req.run);
  const approvedWall = Date.now();
  const stoppedWall = await stopping;
  // polled as a run page's viewer would, not so often that the bench competes with the restarts it measures
  const done = await c.succeeded(req.run.id, 180_000, 500);
  // The old primary took its last write before the promotion began, the new one its first after.
  const promoteStarted = done.stages?.find((s) => s.key === "promote")?.startedAt;
  const boundary = promoteStarted ? Date.parse(promoteStarted) : stoppedWall;
  const gaps = await Promise.all(lab.ids.map((r) => heartbeatGap(lab.truth(to), r, boundary)));
  const since = (iso: string | null | undefined) => (iso ? Date.parse(iso) - stopWall : NaN);
  const timelineMs: Record<string, number> = {
    "last heartbeat": Math.min(...gaps.map((g) => since(g.lastOldAt))),
    "stop finished": stoppedWall - stopWall,
    "console shows down": shownDownWall - stopWall,
    requested: requestedWall - stopWall,
    approved: approvedWall - stopWall,
    "run started": since(done.startedAt),
    ...Object.fromEntries((done.stages ?? []).map((s) => [`${s.key} done`, since(s.finishedAt)])),
    "first heartbeat, last API": Math.max(...gaps.map((g) => since(g.firstNewAt))),
  };
  if (process.env.BENCH_PLAN_OUTPUT)
    for (const l of done.output) log(`      ${Date.parse(l.at) - stopWall} ms ${l.text}`);
  const stepsMs = Object.fromEntries(
    (done.stages ?? []).map((s) => [
      s.key,
      s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : null,
    ]),
  );
  const t = performance.now();
  await c.perform("db.failback", { region: from }, 600_000);
  const failbackMs = round(performance.now() - t);
  const result: PlanFailoverRun = {
    run,
    from,
    to,
    consoleShowedDownMs: round(shownDown - s1),
    requestMs: round(req.ms),
    approveMs: round(approved.ms),
    stepsMs,
    gaps,
    timelineMs,
    failbackMs,
  };
  log(
    `  plan #${run} ${from} -> ${to}: write gap ${gaps.map((g) => `${g.region} ${g.gapMs === null ? "?" : (g.gapMs / 1000).toFixed(2)} s`).join(", ")}; steps ${Object.entries(
      stepsMs,
    )
      .map(([k, v]) => `${k} ${v} ms`)
      .join(", ")}; fail-back ${(failbackMs / 1000).toFixed(1)} s`,
  );
  log(
    `    from the stop: ${Object.entries(timelineMs)
      .map(([k, v]) => `${k} ${Math.round(v)} ms`)
      .join(", ")}`,
  );
  return result;
}

export async function measurePlanFailover(
  runs: number,
  baseURL: string,
  labDir: string,
  log: (s: string) => void,
): Promise<PlanFailoverFigures> {
  const lab = new LabView(await labStatus({ labDir }), labDir);
  const c = await Console.open(baseURL);
  try {
    await waitThreeHealthy(baseURL);
    const repairs = await settle(c, lab, log);
    const results: PlanFailoverRun[] = [];
    for (let i = 1; i <= runs; i++) {
      results.push(await oneRun(c, lab, i, log));
      await waitThreeHealthy(baseURL);
    }
    if ((await recordedPrimary(c)) !== HOME_PRIMARY) throw new Error("the fail-back did not bring us-east-1 back");
    const of = (xs: number[]) => rounded(summarize(xs));
    const gapMs: Record<string, Summary> = {};
    for (const id of lab.ids)
      gapMs[id] = of(
        results.flatMap((r) => r.gaps.filter((g) => g.region === id && g.gapMs !== null).map((g) => g.gapMs!)),
      );
    const keys = [...new Set(results.flatMap((r) => Object.keys(r.stepsMs)))];
    return {
      gapMeasuredFrom:
        "per region API: written_at of its last heartbeat before the stop to that of its next one (the first on the new primary); includes the console seeing the fault and the bench's request and approval made back to back",
      runs: results,
      gapAllMs: of(results.flatMap((r) => r.gaps.map((g) => g.gapMs).filter((v): v is number => v !== null))),
      gapMs,
      stepMs: Object.fromEntries(
        keys.map((k) => [k, of(results.map((r) => r.stepsMs[k]).filter((v): v is number => typeof v === "number"))]),
      ),
      failbackMs: of(results.map((r) => r.failbackMs)),
      repairs,
    };
  } finally {
    c.close();
  }
}
