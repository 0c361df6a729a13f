import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import path from "node:path";
import type { BalancerConfig } from "../lib/fleet-config";
import { balancerLayout } from "../lib/balancer-layout";
import { haproxyConfig } from "../lib/haproxy-config";
import { LabError } from "./errors";
import { run } from "./exec";
import { regionAddress } from "./network/net";
import { labFiles, resolveLabDir } from "./paths";
import { freePorts } from "./ports";
import { LAB_FAILOVER_ORDER, LAB_GEOGRAPHIES, REGION_IDS, type RegionId } from "./regions";
import { readState, updateState, type LabState } from "./state";
import { isOwnProcess, stopOwnProcess } from "./own-process";
import { waitFor } from "./wait";

/**
 * The lab's global load balancer (the runbook's api.clipper.gg): HAProxy from the distribution, in the console's
 * (root) namespace, reaching every region API across the lab network as the console does. Its configuration is
 * written from lib/balancer-layout.ts at each start; Switchyard reads and steers it through its admin socket.
 */

const FRONTEND_HOST = "127.0.0.1";
const STD_SBIN = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

export interface BalancerStatus {
  kind: "haproxy";
  /** the lab's api.clipper.gg: users (the traffic generator) and the global health check go here */
  frontendUrl: string;
  /** HAProxy's runtime API (`level admin`) */
  adminSocket: string;
  configFile: string;
  pid: number | null;
  status: "up" | "down";
}

/**
 * HAProxy's binary: HAPROXY_BIN when set (that one only), else the PATH, then the sbin directories (Debian puts it
 * in /usr/sbin).
 */
export function findHaproxy(): string | null {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...STD_SBIN];
  const chosen = process.env.HAPROXY_BIN;
  for (const candidate of chosen ? [chosen] : dirs.map((d) => path.join(d, "haproxy"))) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export const HAPROXY_MISSING =
  "HAProxy is not installed (as root: bash scripts/ensure-haproxy.sh, or apt-get install -y haproxy): the lab runs without its global load balancer and without user traffic";

export const frontendUrl = (port: number) => `http://${FRONTEND_HOST}:${port}`;

/** The balancer section of the lab's fleet file (usersUrl: the traffic generator's, when it has one). */
export function labBalancerConfig(state: LabState, usersUrl?: string): BalancerConfig | null {
  if (!state.balancer) return null;
  return {
    kind: "haproxy",
    frontendUrl: frontendUrl(state.balancer.frontendPort),
    runtimeApi: { socket: labFiles(state.labDir).haproxySocket },
    geographies: LAB_GEOGRAPHIES.map((g) => ({ ...g })),
    failoverOrder: [...LAB_FAILOVER_ORDER],
    ...(usersUrl ? { usersUrl } : {}),
  };
}

/** The configuration HAProxy runs with: every region API where the lab network puts it. */
export function labHaproxyConfig(state: LabState, port: number, primary: RegionId): string {
  const balancer = { geographies: [...LAB_GEOGRAPHIES], failoverOrder: [...LAB_FAILOVER_ORDER] };
  const servers = Object.fromEntries(
    REGION_IDS.map((id) => [id, { host: regionAddress(state, id), port: state.regions[id]?.apiPort ?? 0 }]),
  );
  const home = LAB_GEOGRAPHIES.find((g) => g.home === primary) ?? LAB_GEOGRAPHIES[0];
  return haproxyConfig({
    balancer,
    servers,
    frontend: { host: FRONTEND_HOST, port },
    adminSocket: labFiles(state.labDir).haproxySocket,
    defaultGeography: home.id,
  });
}

const markers = (labDir: string) => [labFiles(labDir).haproxyConfig];

/** One command on HAProxy's runtime API (one command per connection, read to EOF); null when it does not answer. */
function adminCommand(labDir: string, command: string, timeoutMs = 1_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect(labFiles(labDir).haproxySocket);
    let text = "";
    const done = (answer: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${command}\n`));
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("end", () => done(text));
    socket.on("error", () => done(null));
  });
}

/** Whether HAProxy's runtime API answers `show info`. */
export async function haproxyAnswers(labDir: string, timeoutMs = 1_000): Promise<boolean> {
  return /^Name: HAProxy$/m.test((await adminCommand(labDir, "show info", timeoutMs)) ?? "");
}

/**
 * Puts the balancer back as its layout has it: every server ready, every weight as configured (drains and weights
 * changed by Switchyard's traffic actions undone). Returns the servers it set.
 */
export async function resetBalancer(options: { labDir?: string } = {}): Promise<string[]> {
  const labDir = resolveLabDir(options.labDir);
  const state = readState(labDir);
  if (!state?.balancer) throw new LabError(`the lab in ${labDir} has no balancer`);
  const done: string[] = [];
  for (const backend of balancerLayout({ geographies: [...LAB_GEOGRAPHIES], failoverOrder: [...LAB_FAILOVER_ORDER] }))
    for (const server of backend.servers) {
      const target = `${backend.name}/${server.name}`;
      for (const command of [`set server ${target} state ready`, `set server ${target} weight ${server.weight}`]) {
        const answer = await adminCommand(labDir, command);
        if (answer === null) throw new LabError(`HAProxy's runtime API did not answer "${command}"`);
        if (answer.trim()) throw new LabError(`HAProxy refused "${command}": ${answer.trim()}`);
      }
      done.push(target);
    }
  return done;
}

/** Whether a loopback port can be bound (a kept port may have been taken while the lab was stopped). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, FRONTEND_HOST, () => probe.close(() => resolve(true)));
  });
}

/** A free loopback port that is none of the lab's own. */
export async function freshLabPort(labDir: string): Promise<number> {
  const state = readState(labDir);
  const taken = new Set([
    ...Object.values(state?.regions ?? {}).flatMap((r) => [r.pgPort, r.apiPort, r.sshd?.port ?? 0]),
    state?.balancer?.frontendPort ?? 0,
    state?.generator?.port ?? 0,
  ]);
  for (;;) {
    const [port] = await freePorts(1);
    if (port && !taken.has(port)) return port;
  }
}

export async function balancerStatus(state: LabState): Promise<BalancerStatus | null> {
  if (!state.balancer) return null;
  const files = labFiles(state.labDir);
  const { pid, frontendPort } = state.balancer;
  const up = isOwnProcess(pid, markers(state.labDir)) && (await haproxyAnswers(state.labDir));
  return {
    kind: "haproxy",
    frontendUrl: frontendUrl(frontendPort),
    adminSocket: files.haproxySocket,
    configFile: files.haproxyConfig,
    pid,
    status: up ? "up" : "down",
  };
}

/**
 * Starts HAProxy unless ours already runs and answers: the frontend keeps its port (a new one if that was taken),
 * the configuration is written afresh (the region APIs' ports may have changed). Never throws: without HAProxy,
 * or when it does not start, the lab runs without a balancer and the warnings say why.
 */
export async function ensureBalancer(
  labDir: string,
  primary: RegionId,
  actions: string[],
  warnings: string[],
): Promise<boolean> {
  const files = labFiles(labDir);
  const binary = findHaproxy();
  if (!binary) {
    await stopBalancer(labDir); // one started with a binary since removed (or HAPROXY_BIN changed)
    updateState(labDir, (s) => {
      s.balancer = null;
      s.balancerReason = HAPROXY_MISSING;
    });
    warnings.push(HAPROXY_MISSING);
    return false;
  }
  let state = readState(labDir);
  if (!state) throw new Error(`no lab state in ${labDir}`);
  if (isOwnProcess(state.balancer?.pid, markers(labDir)) && (await haproxyAnswers(labDir))) return true;
  await stopOwnProcess(state.balancer?.pid, markers(labDir), "HAProxy"); // alive but not answering
  const kept = state.balancer?.frontendPort;
  const port = kept && (await portIsFree(kept)) ? kept : await freshLabPort(labDir);
  state = updateState(labDir, (s) => {
    s.balancer = { frontendPort: port, pid: null };
    s.balancerReason = null;
  });
  try {
    mkdirSync(files.balancerDir, { recursive: true });
    mkdirSync(path.dirname(files.haproxySocket), { recursive: true, mode: 0o700 });
    rmSync(files.haproxyPidFile, { force: true });
    writeFileSync(files.haproxyConfig, labHaproxyConfig(state, port, primary));
    // -D: HAProxy forks into the background and its first process exits once the frontend is bound.
    await run([binary, "-f", files.haproxyConfig, "-D", "-p", files.haproxyPidFile], { timeoutMs: 15_000 });
    const pid = Number(readFileSync(files.haproxyPidFile, "utf8").trim().split("\n")[0]);
    if (!isOwnProcess(pid, markers(labDir))) throw new Error(`HAProxy's PID file names no running HAProxy (${pid})`);
    updateState(labDir, (s) => {
      if (s.balancer) s.balancer.pid = pid;
    });
    await waitFor("HAProxy's admin socket to answer", () => haproxyAnswers(labDir), { timeoutMs: 10_000 });
    actions.push(`started HAProxy (pid ${pid}) on ${frontendUrl(port)}, admin socket ${files.haproxySocket}`);
    return true;
  } catch (error) {
    const reason = `the global load balancer (HAProxy) did not start: ${error instanceof Error ? error.message : String(error)}`;
    updateState(labDir, (s) => (s.balancerReason = reason));
    warnings.push(reason);
    return false;
  }
}

/** Stops the lab's HAProxy by its PID; true when one was running. */
export async function stopBalancer(labDir: string): Promise<boolean> {
  const state = readState(labDir);
  const files = labFiles(labDir);
  let fromFile: number | null = null;
  try {
    fromFile = Number(readFileSync(files.haproxyPidFile, "utf8").trim().split("\n")[0]) || null;
  } catch {
    // no PID file
  }
  let stopped = false;
  for (const pid of new Set([state?.balancer?.pid ?? null, fromFile])) {
    if (await stopOwnProcess(pid, markers(labDir), "HAProxy")) stopped = true;
  }
  if (state?.balancer) updateState(labDir, (s) => s.balancer && (s.balancer.pid = null));
  rmSync(files.haproxySocket, { force: true });
  rmSync(files.haproxyPidFile, { force: true });
  return stopped;
}
