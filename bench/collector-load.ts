import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { request } from "./http";
import { round, sleep } from "./stats";

/**
 * Figure 2: what collecting costs. CPU time of a process tree from /proc/<pid>/stat (utime + stime, in
 * clock ticks) over a window, as a percentage of one core, and its resident memory from /proc/<pid>/status.
 */

let ticksPerSecond: number | null = null;
export function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime+stime and parent of one process, or null when it is gone. */
function stat(pid: number): { ticks: number; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces: state ppid ... utime(14) stime(15).
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ticks: Number(f[11]) + Number(f[12]), ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/** The process and its descendants (next start may fork workers). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

function treeTicks(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (stat(pid)?.ticks ?? 0), 0);
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function treeRssKiB(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + rssKiB(pid), 0);
}

/** Busy and total jiffies of the whole machine, all cores (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total };
}

export interface ProcessUse {
  windowSeconds: number;
  /** CPU time over wall time, in percent of one core (100 = one core busy) */
  cpuPercentOfOneCore: number;
  cpuSeconds: number;
  rssMiBMean: number;
  rssMiBMin: number;
  rssMiBMax: number;
  rssMiBEnd: number;
  processes: number;
  /** CPU the rest of the machine used meanwhile, in percent of one core (others' work competes for the cores) */
  restOfMachinePercentOfOneCore: number;
}

/** Samples a process tree's CPU time and RSS over `seconds` (RSS once a second). */
export async function measureProcess(pid: number, seconds: number): Promise<ProcessUse> {
  const hz = clockTicks();
  const t0 = performance.now();
  const c0 = treeTicks(pid);
  const m0 = machineTicks();
  const rss: number[] = [];
  for (let i = 0; i < seconds; i++) {
    await sleep(t0 + (i + 1) * 1000 - performance.now());
    rss.push(treeRssKiB(pid) / 1024);
  }
  const c1 = treeTicks(pid);
  const m1 = machineTicks();
  const wall = (performance.now() - t0) / 1000;
  const cpuSeconds = (c1 - c0) / hz;
  const machineCorePercent = ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * os.cpus().length * 100;
  return {
    windowSeconds: round(wall, 2),
    cpuPercentOfOneCore: round((100 * cpuSeconds) / wall, 1),
    cpuSeconds: round(cpuSeconds, 2),
    rssMiBMean: round(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length), 1),
    rssMiBMin: round(Math.min(...rss), 1),
    rssMiBMax: round(Math.max(...rss), 1),
    rssMiBEnd: round(rss[rss.length - 1] ?? 0, 1),
    processes: processTree(pid).length,
    restOfMachinePercentOfOneCore: round(Math.max(0, machineCorePercent - (100 * cpuSeconds) / wall), 1),
  };
}

export interface SimulatedFleet {
  pid: number;
  fleetFile: string;
  /** requests it has answered so far, by path, and the health streams held open now */
  stats(): Promise<{ served: Record<string, number>; streams: number }>;
  stop(): Promise<void>;
}

/** Starts bench/simulated-fleet.ts (one process, `regions` region APIs) and waits until its fleet file is written. */
export async function startSimulatedFleet(regions: number, fleetFile: string): Promise<SimulatedFleet> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(import.meta.dirname, "simulated-fleet.ts"),
      "--regions",
      String(regions),
      "--out",
      fleetFile,
    ],
    {
      cwd: path.resolve(import.meta.dirname, ".."),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d;
      if (out.includes("ready ")) resolve();
    });
    child.stderr.on("data", (d: Buffer) => (out += d));
    void exited.then((code) => reject(new Error(`simulated fleet exited with ${code}:\n${out}`)));
    setTimeout(() => reject(new Error(`simulated fleet not ready after 30 s:\n${out}`)), 30_000).unref();
  });
  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  const firstApi = (JSON.parse(readFileSync(fleetFile, "utf8")) as { regions: { apiUrl: string }[] }).regions[0]!
    .apiUrl;
  const stats = async () =>
    JSON.parse((await request(`${firstApi}/bench/stats`)).body) as { served: Record<string, number>; streams: number };
  return { pid: child.pid!, fleetFile, stats, stop };
}

export interface ProfileEntry {
  selfMs: number;
  /** percent of the busy (non-idle) time */
  percent: number;
  name: string;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  /** self time by function */
  topFunctions: ProfileEntry[];
  /** self time by module; native frames (JSON.parse, socket writes) are charged to the JS module that called them */
  byModule: ProfileEntry[];
  /** share of busy time with undici (fetch) or PGlite anywhere on the stack */
  inclusive: { fetchUndici: number; pglite: number };
}

const moduleOf = (url: string) =>
  /undici/.test(url)
    ? "fetch (node:internal/deps/undici)"
    : /pglite|^wasm:/.test(url)
      ? "PGlite (embedded store)"
      : url.startsWith("node:")
        ? url
        : url.replace(/^file:\/\//, "").replace(/.*\/\.next\//, ".next/");

/** Summarizes a V8 .cpuprofile: where the busy samples were, by function and by module. */
export function summarizeCpuProfile(file: string, top = 12): ProfileSummary {
  type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
  const prof = JSON.parse(readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let busy = 0;
  let idle = 0;
  let undici = 0;
  let pglite = 0;
  prof.samples.forEach((id, i) => {
    const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
    const cf = byId.get(id)?.callFrame;
    if (!cf) return;
    if (cf.functionName === "(idle)") {
      idle += dt;
      return;
    }
    busy += dt;
    const where = cf.url ? ` ${moduleOf(cf.url)}:${cf.lineNumber + 1}` : "";
    add(fns, `${cf.functionName || "(anonymous)"}${where}`, dt);
    const urls: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const u = byId.get(cur)?.callFrame.url;
      if (u) urls.push(u);
    }
    if (cf.functionName.startsWith("(")) add(mods, cf.functionName, dt);
    else add(mods, urls[0] ? moduleOf(urls[0]) : "(native)", dt);
    if (urls.some((u) => /undici/.test(u))) undici += dt;
    if (urls.some((u) => /pglite|^wasm:/.test(u))) pglite += dt;
  });
  const entries = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ selfMs: round(ms, 0), percent: round((100 * ms) / Math.max(1, busy), 1), name }));
  return {
    busyMs: round(busy, 0),
    idleMs: round(idle, 0),
    topFunctions: entries(fns),
    byModule: entries(mods),
    inclusive: {
      fetchUndici: round((100 * undici) / Math.max(1, busy), 1),
      pglite: round((100 * pglite) / Math.max(1, busy), 1),
    },
  };
}
