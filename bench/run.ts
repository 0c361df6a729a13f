import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { startConsole, waitUntilServing, type ConsoleProcess } from "../e2e/support/console-process";
import { injectFault, resetLab, startLab, stopLab } from "../lab/index";
import { BUILD_ID_FILE, BuildWatch, currentBuildId, nextBuildRunning, waitForQuietBuild } from "./build-guard";
import { measureProcess, startSimulatedFleet, summarizeCpuProfile } from "./collector-load";
import { measureFault, scrape, waitHealthy } from "./detection";
import { measureFailover, measureFencedFailover } from "./failover";
import { measurePlanFailover } from "./failover-plan";
import { runLoad, signIn } from "./http-load";
import { measureLighthouse } from "./lighthouse";
import { measureMachineSpeed } from "./machine-speed";
import { measurePartitionClassification } from "./partition";
import { startWebhookReceiver } from "../tests/support/webhook-receiver";
import { measurePaging } from "./paging";
import { errorShare, measureTrafficFailover } from "./traffic-failover";
import { details, rows, table, type Figures } from "./report";
import { round, sleep } from "./stats";
import { measureSshCost } from "./ssh-cost";
import { measureViewers } from "./viewers";
import { ownership } from "./owned";

/**
 * `npm run bench`: starts a fresh lab, a production console with a fresh embedded store, and a simulated
 * 100-region fleet, measures the figures, prints a table and writes bench/results/latest.json.
 * Everything it starts it stops by PID, also on failure and on Ctrl-C.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS_DIR = path.join(ROOT, "bench/results");
const RUN_DIR = path.join(RESULTS_DIR, "run");
const LAB_DIR = path.join(RUN_DIR, "lab");
const POLL_INTERVAL_MS = 1000;

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    window: { type: "string", default: "30" },
    "load-seconds": { type: "string", default: "15" },
    /** load on each path before its measured window, discarded: a fresh console's first seconds of a page run
     * V8's unoptimised code (5-s windows from the first request of `GET /`: 123, 220, 277, 282, 292 req/s) */
    "warm-up-seconds": { type: "string", default: "10" },
    /** Lighthouse runs per page; the page is reported by Lighthouse's median run */
    "lighthouse-runs": { type: "string", default: "3" },
    concurrency: { type: "string", default: "50" },
    "sim-regions": { type: "string", default: "100" },
    /** auto: profile the simulated-fleet console only when it misses its CPU goal */
    profile: { type: "string", default: "auto" },
    /** profile the lab console while it serves the HTTP phase's `GET /` load (bench/results/run/http-root.cpuprofile) */
    "profile-http": { type: "boolean", default: false },
    /** live-stream viewers held open on each of the two consoles of the viewers phase (1000 streams in all) */
    viewers: { type: "string", default: "500" },
    /** the viewers phase's at-rest window, s (figures alone reach a page every 5 s) */
    "viewers-window": { type: "string", default: "30" },
    /** the Node.js binary the consoles run on (to compare runtimes); default: the one running the bench */
    "console-node": { type: "string" },
    /** run only these phases (repeatable or comma-separated); default: all of them */
    only: { type: "string", multiple: true },
  },
});
const RUNS = Number(args.runs);
const WINDOW_S = Number(args.window);
const LOAD_S = Number(args["load-seconds"]);
const WARM_UP_S = Number(args["warm-up-seconds"]);
const CONCURRENCY = Number(args.concurrency);
const SIM_REGIONS = Number(args["sim-regions"]);
const PROFILE = args.profile;
const PROFILE_HTTP = args["profile-http"];
const HTTP_PROFILE_FILE = path.join(RUN_DIR, "http-root.cpuprofile");
const VIEWERS = Number(args.viewers);
const VIEWERS_WINDOW_S = Number(args["viewers-window"]);
const CONSOLE_NODE = args["console-node"] ?? process.execPath;
const CONSOLE_NODE_VERSION = execFileSync(CONSOLE_NODE, ["--version"], { encoding: "utf8" }).trim();

/** The phases, in the order they run; `--only` picks some of them (the lab is started for those that need it). */
const PHASES = [
  "collector",
  "detection",
  "viewers",
  "failover",
  "plan",
  "partition",
  "traffic",
  "paging",
  "ssh",
  "http",
  "lighthouse",
  "sim",
  "profile",
] as const;
type PhaseKey = (typeof PHASES)[number];
const LAB_PHASES: readonly PhaseKey[] = [
  "collector",
  "detection",
  "viewers",
  "failover",
  "plan",
  "partition",
  "traffic",
  "paging",
  "ssh",
  "http",
  "lighthouse",
];
const ONLY = (args.only ?? [])
  .flatMap((s) => s.split(","))
  .map((s) => s.trim())
  .filter(Boolean);
for (const name of ONLY) {
  if (!(PHASES as readonly string[]).includes(name)) {
    console.error(`[bench] unknown phase "${name}" for --only; phases: ${PHASES.join(", ")}`);
    process.exit(2);
  }
}
const selected = (p: PhaseKey) => ONLY.length === 0 || ONLY.includes(p);
if (!Number.isInteger(VIEWERS) || VIEWERS < 1 || !(VIEWERS_WINDOW_S > 0)) {
  console.error("[bench] --viewers must be a positive whole number and --viewers-window a positive number of seconds");
  process.exit(2);
}

const started = performance.now();
const log = (s: string) =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${s}`);

// What it started, stopped in reverse order on every way out (bench/owned.ts).
const { own, cleanup } = ownership("bench", "the bench");

// ---- consoles -------------------------------------------------------------------------------------------
interface OwnedConsole {
  c: ConsoleProcess;
  buildId: string;
  alive: () => boolean;
  stop: () => Promise<void>;
}
const buildsUsed = new Set<string>();

async function startOwnedConsole(name: string, env: Record<string, string>): Promise<OwnedConsole> {
  for (let attempt = 1; ; attempt++) {
    const buildId = await waitForQuietBuild();
    buildsUsed.add(buildId);
    const c = await startConsole(env, { node: CONSOLE_NODE });
    let gone = false;
    void c.exited.then(() => (gone = true));
    const stop = own(`console ${name} (pid ${c.pid})`, async () => {
      c.stop();
      const kill = setTimeout(() => {
        if (!gone) process.kill(c.pid, "SIGKILL");
      }, 10_000);
      await c.exited;
      clearTimeout(kill);
      writeFileSync(path.join(RUN_DIR, `console-${name}.log`), c.output());
    });
    try {
      await waitUntilServing(c, 90_000);
      log(`console ${name} serving on ${c.baseURL} (pid ${c.pid}, build ${buildId})`);
      return { c, buildId, alive: () => !gone, stop };
    } catch (err) {
      await stop();
      // Someone else's `next build` replaced .next under it: wait for that build and try again.
      if (attempt >= 3 || !/production build/i.test((err as Error).message)) throw err;
      log(`console ${name}: .next was being rebuilt by someone else; retrying`);
    }
  }
}

/** Stops the profile a SIGUSR2 started in a console with cpu-profile-hook.mjs, and summarizes what it wrote. */
async function stopProfile(pid: number, file: string) {
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 50 && !existsSync(file); i++) await sleep(200);
  if (!existsSync(file)) throw new Error("the console wrote no CPU profile");
  return { file: path.relative(ROOT, file), ...summarizeCpuProfile(file) };
}

async function waitForRegions(baseURL: string, count: number, timeoutMs = 60_000): Promise<void> {
  const t = performance.now();
  let last = "";
  while (performance.now() - t < timeoutMs) {
    try {
      const counts = (await scrape(baseURL)).statusCounts();
      if ((counts.healthy ?? 0) === count) return;
      last = JSON.stringify(counts);
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${count} regions not healthy on /metrics within ${timeoutMs} ms; last: ${last}`);
}

// ---- phases: a measurement that someone's `next build` overlapped is taken again (at most 3 tries) --------
interface PhaseNote {
  phase: string;
  attempts: number;
  seconds: number;
  loadavg1: [number, number];
  overlappedByBuild: boolean;
}
const phases: PhaseNote[] = [];
const buildWatch = new BuildWatch();

async function phase<T>(name: string, fn: () => Promise<T>, { repeat = true } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (nextBuildRunning()) log(`${name}: waiting for someone else's next build to finish`);
    await waitForQuietBuild();
    buildWatch.reset();
    const t = performance.now();
    const load0 = os.loadavg()[0]!;
    let result: T | undefined;
    let error: unknown = null;
    try {
      result = await fn();
    } catch (err) {
      error = err;
    }
    const overlapped = buildWatch.disturbed();
    if (!overlapped || !repeat || attempt === 3) {
      phases.push({
        phase: name,
        attempts: attempt,
        seconds: round((performance.now() - t) / 1000, 1),
        loadavg1: [round(load0, 2), round(os.loadavg()[0]!, 2)],
        overlappedByBuild: overlapped,
      });
      if (error) throw error;
      return result as T;
    }
    log(
      `${name}: someone's next build overlapped this measurement${error ? ` (which failed: ${(error as Error).message.split("\n")[0]})` : ""}; measuring again`,
    );
  }
}

// ---- main -----------------------------------------------------------------------------------------------
async function ensureBuild() {
  if (existsSync(BUILD_ID_FILE)) return;
  if (nextBuildRunning()) {
    log(".next/BUILD_ID missing while someone else's `next build` runs: waiting for it");
    await waitForQuietBuild();
    return;
  }
  log(".next/BUILD_ID missing: building (next build)");
  try {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
  } catch (err) {
    // Most often someone else's build holds .next/lock; theirs will do.
    log(`next build failed (${(err as Error).message.split("\n")[0]}); waiting for a finished build in .next`);
    await waitForQuietBuild();
  }
}

function gitCommit(): string | null {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty =
      execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).trim() !==
      "";
    return `${commit}${dirty ? " (with uncommitted changes)" : ""}`;
  } catch {
    return null;
  }
}

async function main() {
  await ensureBuild();
  mkdirSync(RUN_DIR, { recursive: true });
  const loadStart = os.loadavg();
  const speedStart = measureMachineSpeed();
  log(`machine: ${speedStart.cpuLoopMs} ms for the fixed loop, ${speedStart.processStartMs} ms to start a process`);
  const figures: Figures = { detection: {}, http: [] };

  if (ONLY.length) log(`only: ${ONLY.join(", ")}`);

  // A fresh lab, and a console on it that is restarted if .next changes under it.
  if (LAB_PHASES.some(selected)) {
    log(`fresh lab in ${LAB_DIR}`);
    await resetLab({ labDir: LAB_DIR });
    const stopTheLab = own("lab", async () => void (await stopLab({ labDir: LAB_DIR })));
    const lab = await startLab({ labDir: LAB_DIR });
    if (lab.status.simulated)
      throw new Error("the lab came up with a simulated database tier; the bench needs PostgreSQL 15");
    log(`lab up: ${lab.status.regions.map((r) => `${r.id} pg:${r.address}:${r.pgPort} ${r.apiUrl}`).join(", ")}`);
    const dataDir = path.join(RUN_DIR, "data");
    rmSync(dataDir, { recursive: true, force: true });
    let labConsole: OwnedConsole | null = null;
    // The lab console pages this receiver (the paging phase counts what one fault sends).
    const pagingReceiver = await startWebhookReceiver();
    own("paging receiver", () => pagingReceiver.close());
    const onLab = async (): Promise<OwnedConsole> => {
      if (labConsole && (!labConsole.alive() || labConsole.buildId !== currentBuildId())) {
        await labConsole.stop();
        labConsole = null;
      }
      if (!labConsole) {
        labConsole = await startOwnedConsole("lab", {
          LAB_DIR,
          DATA_DIR: dataDir,
          POLL_INTERVAL: String(POLL_INTERVAL_MS),
          PAGER_WEBHOOK_URL: pagingReceiver.url,
          ...(PROFILE_HTTP
            ? {
                NODE_OPTIONS: `--import ${path.join(import.meta.dirname, "cpu-profile-hook.mjs")}`,
                BENCH_CPU_PROFILE: HTTP_PROFILE_FILE,
              }
            : {}),
        });
        for (const r of lab.status.regions) await injectFault(r.id, "recover", { labDir: LAB_DIR });
        await waitHealthy(labConsole.c.baseURL);
      }
      return labConsole;
    };

    // 2a. What collecting costs with the 3 lab regions, nobody asking for pages.
    if (selected("collector")) {
      const use = await phase("collector, 3 lab regions", async () => {
        const k = await onLab();
        await sleep(5_000);
        log(`collector CPU/RSS with 3 lab regions over ${WINDOW_S} s`);
        return measureProcess(k.c.pid, WINDOW_S);
      });
      figures.collector3 = use;
      log(
        `  ${use.cpuPercentOfOneCore} % of one core, RSS ${use.rssMiBEnd} MiB at the end (${use.rssMiBMin}-${use.rssMiBMax})`,
      );
    }

    // 1. Detection latency, fault by fault.
    if (selected("detection")) {
      for (const kind of ["db-down", "api-down", "lag"] as const) {
        figures.detection[kind] = await phase(`detection ${kind}`, async () => {
          const k = await onLab();
          log(`detection: ${kind} x ${RUNS}`);
          return measureFault(kind, RUNS, k.c.baseURL, LAB_DIR, log);
        });
      }
    }

    // 5. The live stream as viewers get it, on a leading and on a standby console sharing a PostgreSQL store.
    // The lab console is stopped meanwhile (a third collector on the lab would only compete); onLab restarts it.
    if (selected("viewers")) {
      if (labConsole) {
        await (labConsole as OwnedConsole).stop();
        labConsole = null;
      }
      const v = await phase("viewers", () => {
        log(`viewers: ${VIEWERS} live-stream viewers on a leading and on a standby console, db-down x ${RUNS}`);
        return measureViewers({
          labDir: LAB_DIR,
          viewers: VIEWERS,
          runs: RUNS,
          restSeconds: VIEWERS_WINDOW_S,
          pollIntervalMs: POLL_INTERVAL_MS,
          own,
          startConsole: startOwnedConsole,
          log,
        });
      });
      figures.viewers = v;
      for (const [name, c] of [
        ["leader", v.leader],
        ["standby", v.standby],
      ] as const) {
        log(
          `  ${name}: fault reached ${c.fault.reached} of ${c.fault.expected} viewers (p50 ${c.fault.latencyMs.p50} ms, p95 ${c.fault.latencyMs.p95} ms); at rest ${c.rest.fleetEventsPerSecondPerViewer.mean} fleet events/s, ${c.rest.bytesPerSecondPerViewer.mean} B/s per viewer`,
        );
      }
    }

    // 4. Guided failovers through the runbook actions, as an engineer and a lead would do them; the lab ends
    // as it started (us-east-1 primary, both replicas streaming).
    if (selected("failover")) {
      const fo = await phase("failover", async () => {
        const k = await onLab();
        log(`failover: db-down of the primary, promote, repoint, rebuild x ${RUNS}`);
        return measureFailover(RUNS, k.c.baseURL, LAB_DIR, log);
      });
      figures.failover = fo;
      log(
        `  approval -> writes p50 ${fo.writableMs.p50} ms, p95 ${fo.writableMs.p95} ms; write gap p50 ${fo.gapAllMs.p50} ms, max ${fo.gapAllMs.max} ms`,
      );
    }

    // 5. The failover as one plan under one approval, and the way back as one plan; the lab ends as it started.
    if (selected("plan")) {
      const pl = await phase("plan", async () => {
        const k = await onLab();
        log(`plan: db-down of the primary, db.failover, db.failback x ${RUNS}`);
        return measurePlanFailover(RUNS, k.c.baseURL, LAB_DIR, log);
      });
      figures.plan = pl;
      log(
        `  plan write gap p50 ${pl.gapAllMs.p50} ms, max ${pl.gapAllMs.max} ms; fail-back p50 ${pl.failbackMs.p50} ms`,
      );
    }

    // 7. Network faults: an isolated primary detected, a partition from the console classified, and failovers
    // with a fence (isolate, fence, promote, repoint; then heal, rebuild, fail back). Needs the lab's own network.
    if (selected("partition")) {
      if (lab.status.networkFaults !== "available") {
        log(`partition: skipped, the lab has no network of its own (${lab.status.networkFaults.unavailable})`);
      } else {
        figures.detection.isolate = await phase("detection isolate", async () => {
          const k = await onLab();
          log(`detection: isolate x ${RUNS}`);
          return measureFault("isolate", RUNS, k.c.baseURL, LAB_DIR, log);
        });
        const classification = await phase("partition classification", async () => {
          const k = await onLab();
          log(`partition: us-east-1 partitioned from the console x ${RUNS}`);
          return measurePartitionClassification(RUNS, k.c.baseURL, LAB_DIR, log);
        });
        figures.partition = { classification };
        log(
          `  verdict shown p50 ${classification.verdictMs.p50} ms, max ${classification.verdictMs.max} ms; right ${classification.right} of ${classification.runs.length}`,
        );
        const fenced = await phase("failover with fence", async () => {
          const k = await onLab();
          log(`partition: isolate the primary, fence, promote, repoint; heal, rebuild, fail back x ${RUNS}`);
          return measureFencedFailover(RUNS, k.c.baseURL, LAB_DIR, log);
        });
        figures.partition.fencedFailover = fenced;
        log(
          `  isolate -> last API writing p50 ${fenced.totalMs.p50} ms, max ${fenced.totalMs.max} ms; write gap p50 ${fenced.gapAllMs.p50} ms, max ${fenced.gapAllMs.max} ms`,
        );
      }
    }

    // 8. The global load balancer: us-east-1's API stopped, and how soon its users are served by another region.
    if (selected("traffic")) {
      const tf = await phase("traffic failover", async () => {
        log(`traffic: api-down on us-east-1 under the lab's users x ${RUNS}`);
        return measureTrafficFailover(RUNS, LAB_DIR, log);
      });
      if (tf) {
        figures.traffic = tf;
        log(
          `  americas served elsewhere p50 ${tf.servedElsewhereMs.p50} ms, max ${tf.servedElsewhereMs.max} ms; ${tf.errors} of ${tf.requests} requests failed meanwhile (${errorShare(tf)} %)`,
        );
      }
    }

    // 9. The first minutes: a stopped primary to the page at a local receiver, and how many pages it sent.
    if (selected("paging")) {
      const pg = await phase("paging", async () => {
        const k = await onLab();
        log(`paging: db-down on us-east-1 x ${RUNS}`);
        return measurePaging(RUNS, LAB_DIR, pagingReceiver, () => waitHealthy(k.c.baseURL).then(() => {}), log);
      });
      if (pg) {
        figures.paging = pg;
        log(
          `  paged p50 ${pg.pagedMs.p50} ms, max ${pg.pagedMs.max} ms; exactly one page in ${pg.single} of ${pg.runs.length} runs`,
        );
      }
    }

    // 6. What one host command costs over SSH to the lab's sshd, fresh and shared.
    if (selected("ssh")) {
      const cost = await phase("ssh cost", async () => measureSshCost(LAB_DIR, 20), { repeat: false });
      if (cost) {
        figures.ssh = cost;
        log(`  ssh to ${cost.target}: fresh connection p50 ${cost.freshMs.p50} ms, shared p50 ${cost.sharedMs.p50} ms`);
      } else log("  the lab runs host commands locally (not root, or no sshd): no SSH cost to measure");
    }

    // 3. HTTP load from signed-in sessions.
    if (selected("http")) {
      figures.http = await phase("http load", async () => {
        const k = await onLab();
        log(`signing in ${CONCURRENCY} viewer sessions`);
        const sessions: string[] = [];
        for (let i = 0; i < CONCURRENCY; i += 5) {
          const batch = Array.from({ length: Math.min(5, CONCURRENCY - i) }, () =>
            signIn(k.c.baseURL, "viewer@switchyard.local", "switchyard-viewer"),
          );
          sessions.push(...(await Promise.all(batch)));
        }
        const out: Figures["http"] = [];
        for (const p of ["/api/v1/health/regions", "/"]) {
          const warmUp = await runLoad(k.c.baseURL, p, sessions, WARM_UP_S, CONCURRENCY);
          log(
            `  warm-up, discarded: GET ${p} for ${WARM_UP_S} s, ${warmUp.requestsPerSecond} req/s, p95 ${warmUp.latencyMs.p95} ms`,
          );
          log(`load: GET ${p}, ${CONCURRENCY} concurrent for ${LOAD_S} s`);
          const profiling = PROFILE_HTTP && p === "/";
          if (profiling) {
            rmSync(HTTP_PROFILE_FILE, { force: true });
            process.kill(k.c.pid, "SIGUSR2");
          }
          const [res, cpu] = await Promise.all([
            runLoad(k.c.baseURL, p, sessions, LOAD_S, CONCURRENCY),
            measureProcess(k.c.pid, LOAD_S),
          ]);
          if (profiling) figures.httpProfile = { seconds: LOAD_S, ...(await stopProfile(k.c.pid, HTTP_PROFILE_FILE)) };
          out.push({
            ...res,
            warmUp: { seconds: WARM_UP_S, requestsPerSecond: warmUp.requestsPerSecond, p95Ms: warmUp.latencyMs.p95 },
            consoleCpuPercentOfOneCore: cpu.cpuPercentOfOneCore,
            restOfMachinePercentOfOneCore: cpu.restOfMachinePercentOfOneCore,
          });
          log(
            `  ${res.requestsPerSecond} req/s, p50 ${res.latencyMs.p50} ms, p95 ${res.latencyMs.p95} ms, p99 ${res.latencyMs.p99} ms, errors ${res.errors}`,
          );
        }
        return out;
      });
    }
    // 8. Lighthouse on the signed-in overview and an incident page, in the tests' Chromium.
    if (selected("lighthouse")) {
      figures.lighthouse = await phase("lighthouse", async () =>
        measureLighthouse((await onLab()).c.baseURL, log, RUN_DIR, Number(args["lighthouse-runs"])),
      );
      for (const p of figures.lighthouse) {
        log(
          `  ${p.path}: performance ${p.performance}, accessibility ${p.accessibility}, best practices ${p.bestPractices}; TBT ${p.totalBlockingTimeMs} ms`,
        );
        const d = p.diagnostics;
        log(`    largest scripts: ${d.topScripts.map((s) => `${s.url} ${round(s.bytes / 1024, 1)} KiB`).join(", ")}`);
        log(`    main-thread time by script: ${d.bootup.map((s) => `${s.url} ${s.ms} ms`).join(", ")}`);
        log(`    failing audits: ${d.failingAudits.join(", ") || "none"}`);
      }
    }
    if (labConsole) await (labConsole as OwnedConsole).stop();
    await stopTheLab();
  }

  // 2b. What collecting costs with a simulated fleet (the lab is stopped, so it does not compete).
  if (selected("sim") || selected("profile")) {
    log(`simulated fleet: ${SIM_REGIONS} region APIs in one process`);
    const fleetFile = path.join(RUN_DIR, "simulated-fleet.json");
    const sim = await startSimulatedFleet(SIM_REGIONS, fleetFile);
    own(`simulated fleet (pid ${sim.pid})`, sim.stop);
    const simEnv = { FLEET_CONFIG: fleetFile, POLL_INTERVAL: String(POLL_INTERVAL_MS) };
    const simConsole = async (name: string, env: Record<string, string> = {}) => {
      const dir = path.join(RUN_DIR, `data-${name}`);
      rmSync(dir, { recursive: true, force: true });
      const k = await startOwnedConsole(name, { ...simEnv, DATA_DIR: dir, ...env });
      await waitForRegions(k.c.baseURL, SIM_REGIONS);
      await sleep(5_000);
      return k;
    };
    if (selected("sim")) {
      figures.collectorSim = await phase(`collector, ${SIM_REGIONS} simulated regions`, async () => {
        const k = await simConsole("sim");
        try {
          log(`collector CPU/RSS with ${SIM_REGIONS} simulated regions over ${WINDOW_S} s`);
          const before = await sim.stats();
          const [use, fleetUse] = await Promise.all([
            measureProcess(k.c.pid, WINDOW_S),
            measureProcess(sim.pid, WINDOW_S),
          ]);
          const after = await sim.stats();
          const servedPerSecond = Object.fromEntries(
            Object.entries(after.served).map(([p, n]) => [
              p,
              round((n - (before.served[p] ?? 0)) / use.windowSeconds, 1),
            ]),
          );
          // One GET /health per region per collector pass: the pass rate actually achieved.
          const passesPerSecond = servedPerSecond["/health"] ?? 0;
          const cpuMsPerPass = (use.cpuSeconds * 1000) / Math.max(1, passesPerSecond * use.windowSeconds);
          return {
            ...use,
            regions: SIM_REGIONS,
            passesPerSecond,
            cpuMsPerRegionPass: round(cpuMsPerPass, 2),
            cpuPercentAtNominalRate: round((cpuMsPerPass * SIM_REGIONS * (1000 / POLL_INTERVAL_MS)) / 10, 1),
            probeRequestsPerSecond: round(
              Object.values(servedPerSecond).reduce((a, b) => a + b, 0),
              1,
            ),
            servedPerSecond,
            healthStreams: after.streams,
            statusAtEnd: (await scrape(k.c.baseURL)).statusCounts(),
            simulatedFleetProcess: fleetUse,
          };
        } finally {
          await k.stop();
        }
      });
    }
    if (figures.collectorSim)
      log(
        `  ${figures.collectorSim.cpuPercentOfOneCore} % of one core, RSS ${figures.collectorSim.rssMiBEnd} MiB at the end (the simulated fleet process: ${figures.collectorSim.simulatedFleetProcess.cpuPercentOfOneCore} %)`,
      );

    // 2c. Where that CPU goes: a V8 sampling profile of the same kind of console over a window
    // (`--only profile` asks for it outright).
    const missedGoal = (figures.collectorSim?.cpuPercentOfOneCore ?? 0) >= 20;
    if (
      selected("profile") &&
      (PROFILE === "always" || (PROFILE === "auto" && (missedGoal || ONLY.includes("profile"))))
    ) {
      try {
        figures.profile = await phase(
          "cpu profile",
          async () => {
            const file = path.join(RUN_DIR, `collector-${SIM_REGIONS}.cpuprofile`);
            rmSync(file, { force: true });
            const k = await simConsole("profile", {
              NODE_OPTIONS: `--import ${path.join(import.meta.dirname, "cpu-profile-hook.mjs")}`,
              BENCH_CPU_PROFILE: file,
            });
            try {
              const seconds = 20;
              log(`profiling the ${SIM_REGIONS}-region console for ${seconds} s`);
              process.kill(k.c.pid, "SIGUSR2");
              await sleep(seconds * 1000);
              return { seconds, ...(await stopProfile(k.c.pid, file)) };
            } finally {
              await k.stop();
            }
          },
          { repeat: false },
        ); // shares of the console's own busy time: another process's build barely moves them
      } catch (err) {
        log(`cpu profile failed (the figures stand without it): ${(err as Error).message}`);
      }
    }
  }
  await cleanup();
  const speedEnd = measureMachineSpeed();

  // ---- report -------------------------------------------------------------------------------------------
  const tableRows = rows(figures);
  console.log(
    `\nSwitchyard bench — POLL_INTERVAL=${POLL_INTERVAL_MS} ms, ${os.cpus().length} CPUs, node ${process.version}, consoles on node ${CONSOLE_NODE_VERSION}`,
  );
  console.log(
    `machine speed at the start / end: fixed loop ${speedStart.cpuLoopMs} / ${speedEnd.cpuLoopMs} ms, starting a process ${speedStart.processStartMs} / ${speedEnd.processStartMs} ms\n`,
  );
  console.log(table(tableRows));
  console.log(`\n${details(figures)}`);
  const overlapped = phases.filter((p) => p.overlappedByBuild || p.attempts > 1);
  if (overlapped.length)
    console.log(
      `\nnote: someone's next build overlapped ${overlapped.map((p) => `${p.phase} (${p.attempts} tries)`).join(", ")}`,
    );
  const report = {
    date: new Date().toISOString(),
    durationSeconds: round((performance.now() - started) / 1000, 0),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      consoleNode: CONSOLE_NODE_VERSION,
      platform: `${os.platform()} ${os.release()}`,
      loadavgStart: loadStart.map((v) => round(v, 2)),
      loadavgEnd: os.loadavg().map((v) => round(v, 2)),
      speedStart,
      speedEnd,
    },
    code: { commit: gitCommit(), buildIds: [...buildsUsed] },
    config: {
      pollIntervalMs: POLL_INTERVAL_MS,
      runsPerFault: RUNS,
      cpuWindowSeconds: WINDOW_S,
      loadSeconds: LOAD_S,
      concurrency: CONCURRENCY,
      simulatedRegions: SIM_REGIONS,
      metricsPollEveryMs: 10,
      viewersPerConsole: VIEWERS,
      viewersWindowSeconds: VIEWERS_WINDOW_S,
      only: ONLY.length ? ONLY : null,
    },
    table: tableRows,
    figures,
    phases,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  // A partial run (--only) does not overwrite the full run's latest.json.
  const out = ONLY.length ? `latest-${ONLY.join("-")}.json` : "latest.json";
  writeFileSync(path.join(RESULTS_DIR, out), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten: bench/results/${out} (${report.durationSeconds} s)`);
}

try {
  await main();
} catch (err) {
  console.error(`[bench] failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  buildWatch.stop();
  await cleanup();
}
