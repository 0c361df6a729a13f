import { randomInt } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { BUILD_ID_FILE, BuildWatch, currentBuildId, waitForQuietBuild } from "../bench/build-guard";
import { measureProcess, type ProcessUse } from "../bench/collector-load";
import { waitHealthy } from "../bench/detection";
import { Console, LabView } from "../bench/failover";
import { startConsole, waitUntilServing, type ConsoleProcess } from "../e2e/support/console-process";
import { REGION_IDS, resetLab, startLab, type RegionId } from "../lab/index";
import { labFiles } from "../lab/paths";
import { isSeed, MAX_SEED } from "../lib/chaos/random";
import { describeEpisode, planSchedule } from "../lib/chaos/schedule";
import { verifyAuditChain, type AuditVerdict } from "./audit";
import { Crowd } from "./crowd";
import { continueHungApis } from "./lab-faults";
import { LabTruth } from "./lab-truth";
import { PageWatch } from "./page-watch";
import { printReport, reportJson, verdict, type SoakResult } from "./report";
import { playSchedule, QUIET_WITHIN_MS, quietProblem, type EpisodeRecord } from "./soak";
import { ownership } from "../bench/owned";

/**
 * `npm run chaos [-- --minutes 10 --seed N --viewers 50]`: a bounded chaos soak. Starts a fresh lab and a
 * production console with a fresh embedded store, N signed-in viewers on the live stream, and for `--minutes`
 * plays a seeded schedule of lab faults and failovers while it checks the invariants (chaos/README.md). Prints
 * the report and writes chaos/results/latest.json. Exit 0: every invariant held; 1: one did not; 2: bad
 * arguments, or the soak could not start (or could not be judged). Everything it starts it stops by PID, also on
 * failure and on Ctrl-C.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS_DIR = path.join(ROOT, "chaos/results");
const POLL_INTERVAL_MS = 1000;
const HOME: RegionId = "us-east-1";
const USAGE =
  "usage: npm run chaos [-- --minutes <minutes, default 10> --seed <0..4294967295> --viewers <count, default 50>]";

function parse(): { minutes: number; seed: number; viewers: number } {
  let values: { minutes?: string; seed?: string; viewers?: string; help?: boolean };
  try {
    values = parseArgs({
      options: {
        minutes: { type: "string", default: "10" },
        seed: { type: "string" },
        viewers: { type: "string", default: "50" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (err) {
    console.error(`[chaos] ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const minutes = Number(values.minutes);
  const viewers = Number(values.viewers);
  const seed = values.seed === undefined ? randomInt(0, MAX_SEED) : Number(values.seed);
  const problems = [
    ...(!(minutes > 0 && minutes <= 24 * 60)
      ? [`--minutes must be a number of minutes above 0 (up to a day), not "${values.minutes}"`]
      : []),
    ...(!(Number.isInteger(viewers) && viewers >= 1 && viewers <= 500)
      ? [`--viewers must be a whole number from 1 to 500, not "${values.viewers}"`]
      : []),
    ...(values.seed !== undefined && (!/^\d+$/.test(values.seed) || !isSeed(seed))
      ? [`--seed must be a whole number from 0 to ${MAX_SEED}, not "${values.seed}"`]
      : []),
  ];
  if (problems.length) {
    console.error(`[chaos] ${problems.join("; ")}\n${USAGE}`);
    process.exit(2);
  }
  return { minutes, seed, viewers };
}

const args = parse();
const started = performance.now();
const log = (s: string) =>
  console.log(`[chaos ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}`);

// What it started, stopped in reverse order on every way out (bench/owned.ts).
const { own, cleanup } = ownership("chaos", "the soak");

/** A failure before the soak began: the soak could not start. */
class CouldNotStart extends Error {}

async function stopConsole(c: ConsoleProcess): Promise<void> {
  c.stop();
  let gone = false;
  const kill = setTimeout(() => {
    if (!gone) process.kill(c.pid, "SIGKILL");
  }, 15_000);
  await c.exited;
  gone = true;
  clearTimeout(kill);
}

async function main(): Promise<number> {
  if (!existsSync(BUILD_ID_FILE)) throw new CouldNotStart("no production build in .next: run `npm run build` first");
  const buildId = await waitForQuietBuild().catch((err: Error) => {
    throw new CouldNotStart(err.message);
  });
  mkdirSync(RESULTS_DIR, { recursive: true });
  const runDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-chaos-"));
  const labDir = path.join(runDir, "lab");
  const dataDir = path.join(runDir, "data");
  const keepLogs = () => {
    rmSync(path.join(RESULTS_DIR, "logs"), { recursive: true, force: true });
    if (existsSync(labFiles(labDir).logs))
      cpSync(labFiles(labDir).logs, path.join(RESULTS_DIR, "logs/lab"), { recursive: true });
  };
  own(`run directory ${runDir}`, async () => rmSync(runDir, { recursive: true, force: true }));

  // ---- start-up: a fresh lab, a console, the viewers, the engineer and the lead ---------------------------
  log(`fresh lab in ${labDir}`);
  own("lab", async () => {
    continueHungApis(labDir);
    keepLogs();
    await resetLab({ labDir });
  });
  const lab = await startLab({ labDir }).catch((err: Error) => {
    throw new CouldNotStart(`the lab did not start: ${err.message}`);
  });
  for (const w of lab.warnings) log(`lab: ${w}`);
  if (lab.status.simulated)
    throw new CouldNotStart("the lab came up with a simulated database tier; the soak needs PostgreSQL 15");
  const network = lab.status.networkFaults === "available";
  log(
    `lab up: ${lab.status.regions.map((r) => `${r.id} ${r.address}:${r.pgPort}`).join(", ")}; host commands ${lab.status.hostCommands}; network faults ${network ? "available" : `unavailable (${(lab.status.networkFaults as { unavailable: string }).unavailable})`}`,
  );

  const schedule = planSchedule({
    seed: args.seed,
    minutes: args.minutes,
    topology: { primary: HOME, replicas: REGION_IDS.filter((r) => r !== HOME) },
    network,
  });
  log(
    `seed ${schedule.seed} (replay with --seed ${schedule.seed}): ${schedule.episodes.length} episodes planned for ${args.minutes} min`,
  );
  schedule.episodes.forEach((e, i) => log(`  ${String(i + 1).padStart(3)}. ${describeEpisode(e)}`));

  const consoleProcess = await startConsole({
    LAB_DIR: labDir,
    DATA_DIR: dataDir,
    POLL_INTERVAL: String(POLL_INTERVAL_MS),
  });
  own(`console (pid ${consoleProcess.pid})`, async () => {
    await stopConsole(consoleProcess);
    writeFileSync(path.join(RESULTS_DIR, "console.log"), consoleProcess.output());
  });
  const baseURL = consoleProcess.baseURL;
  try {
    await waitUntilServing(consoleProcess, 120_000);
    await waitHealthy(baseURL, 120_000);
  } catch (err) {
    throw new CouldNotStart(`the console did not come up healthy: ${(err as Error).message}`);
  }
  log(`console serving on ${baseURL} (pid ${consoleProcess.pid}, build ${buildId}); the lab shows healthy`);

  const truth = new LabTruth(labDir, REGION_IDS);
  truth.start();
  own("lab samplers", async () => truth.stop());
  let crowd: Crowd | null = null;
  const watch = new PageWatch(args.viewers, POLL_INTERVAL_MS, (i) => crowd?.isOpen(i) ?? false, log);
  crowd = new Crowd(baseURL, args.viewers, (i, s, at) => watch.onSnapshot(i, s, at), log);
  const theCrowd = crowd;
  own("viewers", async () => theCrowd.close());
  let people: Console;
  try {
    await crowd.open();
    people = await Console.open(baseURL);
    await watch.until("the viewers' pages to show the lab healthy", (s) => quietProblem(s, HOME) === null, 60_000);
  } catch (err) {
    throw new CouldNotStart(`the viewers or the people could not start: ${(err as Error).message}`);
  }
  own("engineer and lead", async () => people.close());
  crowd.startBrowsing();

  // ---- the soak ------------------------------------------------------------------------------------------
  const buildWatch = new BuildWatch();
  buildWatch.reset();
  const soakStart = performance.now();
  const ownCpu0 = process.cpuUsage();
  // What the console costs meanwhile (its process tree, over 90 % of the soak's minutes; none if it ends sooner).
  let consoleUse: ProcessUse | null = null;
  void measureProcess(consoleProcess.pid, Math.max(1, Math.floor(args.minutes * 54))).then(
    (u) => (consoleUse = u),
    () => undefined,
  );
  const ctx = {
    c: people,
    lab: new LabView(lab.status, labDir),
    labDir,
    home: HOME,
    regions: REGION_IDS,
    watch,
    truth,
    log,
  };
  log(`soak: ${args.minutes} min, ${args.viewers} viewers on the live stream, one of them browsing the pages`);
  const episodes: EpisodeRecord[] = await playSchedule(ctx, { schedule, deadline: soakStart + args.minutes * 60_000 });
  const soakSeconds = (performance.now() - soakStart) / 1000;
  const ownCpu = process.cpuUsage(ownCpu0);
  const load = {
    console: consoleUse as ProcessUse | null,
    soakProcessPercentOfOneCore: Math.round(((ownCpu.user + ownCpu.system) / 1e6 / soakSeconds) * 1000) / 10,
    loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };

  // ---- the end: the pages settle, the last checks, everything stopped, the audit chain -------------------
  log("soak over: the last checks");
  const finalQuiet: SoakResult["finalQuiet"] = { ms: null, problem: null };
  const q0 = performance.now();
  try {
    await watch.until(
      "the pages to show the lab home, healthy, with no alert firing",
      (s) => quietProblem(s, HOME) === null,
      QUIET_WITHIN_MS,
    );
    finalQuiet.ms = Math.round(performance.now() - q0);
  } catch {
    const s = watch.current();
    finalQuiet.problem = s ? quietProblem(s, HOME) : "no snapshot";
  }
  const endCheck = await truth.checkAcked(HOME, "at the end").catch((err: Error) => err);
  if (endCheck instanceof Error) log(`acknowledged heartbeats could not be checked at the end: ${endCheck.message}`);
  await crowd.stopBrowsing();
  const crowdFigures = crowd.figures();
  crowd.close();
  truth.stop();
  people.close();
  log("stopping the console, then verifying its audit chain");
  await stopConsole(consoleProcess);
  const audit: AuditVerdict = await verifyAuditChain(dataDir);
  log(`audit:verify exited ${audit.exitCode}: ${audit.output.split("\n").slice(-2).join(" ")}`);
  const disturbed =
    buildWatch.disturbed() || currentBuildId() !== buildId
      ? "someone rebuilt .next while the console ran: its pages may have failed for that reason alone; run the soak again"
      : null;
  buildWatch.stop();

  const result: SoakResult = {
    schedule,
    pollIntervalMs: POLL_INTERVAL_MS,
    startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
    soakSeconds: Math.round(soakSeconds),
    runSeconds: Math.round((performance.now() - started) / 1000),
    episodes,
    outcomes: watch.outcomes,
    stuck: watch.alerts.stuck,
    alertsSeen: Object.fromEntries(watch.alerts.seenFiring),
    crowd: crowdFigures,
    streamEvents: crowd.streamEvents,
    browseErrors: crowd.browseErrors,
    truth: {
      writersViolations: truth.writersViolations,
      ackChecks: truth.ackChecks,
      serverSamples: truth.serverSamples,
      maxPrimaries: truth.maxPrimaries,
      maxWriters: truth.maxWriters,
      fencedPrimarySamples: truth.fencedPrimarySamples,
      asyncPrimarySamples: truth.asyncPrimarySamples,
      ackSamples: truth.ackSamples,
      ackSampleFailures: truth.ackSampleFailures,
      acksSeen: truth.ledger.total,
    },
    audit,
    finalQuiet,
    disturbed,
    load,
  };
  await cleanup();
  console.log(`\n${printReport(result)}`);
  const json = reportJson(result, {
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    build: buildId,
    asyncPrimaryFirstSeen: truth.asyncPrimaryFirstSeen,
  });
  writeFileSync(path.join(RESULTS_DIR, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwritten: chaos/results/latest.json; console and lab logs in chaos/results/`);
  return verdict(result);
}

let code: number;
try {
  code = await main();
} catch (err) {
  console.error(
    `[chaos] ${err instanceof CouldNotStart ? "could not start" : "failed"}: ${err instanceof CouldNotStart ? err.message : ((err as Error).stack ?? String(err))}`,
  );
  code = 2;
} finally {
  await cleanup();
}
process.exit(code);
