import { get } from "node:http";
import { tail } from "./api-process";
import { freshLabPort, portIsFree } from "./balancer";
import { labFiles, TRAFFIC_GENERATOR_PATH } from "./paths";
import { LAB_GEOGRAPHIES } from "./regions";
import { readState, updateState, type LabState } from "./state";
import { isOwnProcess, spawnDetached, stopOwnProcess } from "./own-process";
import { waitFor } from "./wait";

/**
 * The traffic generator (lab/traffic/generator.ts) as a process of its own, started and stopped by the lab by
 * its PID like the region APIs: the lab's users, sending through the balancer's frontend.
 */

/** Requests per second from each geography: a few dozen a second in all, so the two cores stay free. */
export const USER_RATE_PER_GEOGRAPHY = 10;
/** Requests of one geography waiting for an answer at once (a slow region holds them ~3 s each). */
export const USER_MAX_IN_FLIGHT = 32;

export interface GeneratorStatus {
  /** its figures: GET <url>/figures?window=<s>, GET <url>/requests?since=<epoch ms> (the fleet file's usersUrl) */
  url: string;
  pid: number | null;
  status: "up" | "down";
  geographies: string[];
  /** the configured rate, requests per second from each geography */
  ratePerGeography: number;
  /** requests it sent per second over the last 10 s, every geography together (null when it does not answer) */
  requestsPerSecond: number | null;
}

export const generatorUrl = (port: number) => `http://127.0.0.1:${port}`;
const markers = (labDir: string) => [TRAFFIC_GENERATOR_PATH, labDir];

interface GeneratorAnswer {
  pid: number;
  frontend: string;
  sentLastTenSeconds: number;
}

function readGenerator(port: number, timeoutMs = 1_000): Promise<GeneratorAnswer | null> {
  return new Promise((resolve) => {
    const req = get(`${generatorUrl(port)}/status`, { agent: false, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(text) as GeneratorAnswer) : null);
        } catch {
          resolve(null);
        }
      });
      res.on("error", () => resolve(null));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

export async function generatorStatus(state: LabState): Promise<GeneratorStatus | null> {
  if (!state.generator) return null;
  const { pid, port } = state.generator;
  const answer = isOwnProcess(pid, markers(state.labDir)) ? await readGenerator(port) : null;
  return {
    url: generatorUrl(port),
    pid,
    status: answer?.pid === pid ? "up" : "down",
    geographies: LAB_GEOGRAPHIES.map((g) => g.id),
    ratePerGeography: USER_RATE_PER_GEOGRAPHY,
    requestsPerSecond: answer ? Math.round(answer.sentLastTenSeconds * 10) / 100 : null,
  };
}

/** Starts the generator towards `frontendUrl` unless ours already runs and answers; its port is kept when free. */
export async function ensureGenerator(labDir: string, frontendUrl: string, actions: string[]): Promise<void> {
  const files = labFiles(labDir);
  const state = readState(labDir);
  if (!state) throw new Error(`no lab state in ${labDir}`);
  const current = state.generator;
  const running = current && isOwnProcess(current.pid, markers(labDir)) ? await readGenerator(current.port) : null;
  // the balancer's frontend moves when its port was taken while the lab was stopped: users must follow it
  if (running?.pid === current?.pid && running && new URL(running.frontend).href === new URL(frontendUrl).href) return;
  await stopOwnProcess(current?.pid, markers(labDir), "the traffic generator");
  const port = current && (await portIsFree(current.port)) ? current.port : await freshLabPort(labDir);
  updateState(labDir, (s) => (s.generator = { port, pid: null }));
  const started = spawnDetached(
    [
      process.execPath,
      "--import",
      "tsx",
      TRAFFIC_GENERATOR_PATH,
      "--lab-dir",
      labDir,
      "--port",
      String(port),
      "--frontend",
      frontendUrl,
      "--geographies",
      LAB_GEOGRAPHIES.map((g) => g.id).join(","),
      "--rate",
      String(USER_RATE_PER_GEOGRAPHY),
      "--max-in-flight",
      String(USER_MAX_IN_FLIGHT),
    ],
    files.generatorLog,
    "the traffic generator",
  );
  await waitFor(
    `the traffic generator to answer on port ${port}`,
    async () => {
      if (!isOwnProcess(started, markers(labDir)))
        throw new Error(`the process exited; last log lines:\n${tail(files.generatorLog)}`);
      return (await readGenerator(port))?.pid === started;
    },
    { timeoutMs: 30_000 },
  ).catch(async (error: unknown) => {
    await stopOwnProcess(started, markers(labDir), "the traffic generator");
    throw error;
  });
  updateState(labDir, (s) => (s.generator = { port, pid: started }));
  actions.push(`started the traffic generator (pid ${started}) on ${generatorUrl(port)}`);
}

/** Stops the generator by its PID; true when one was running. */
export async function stopGenerator(labDir: string): Promise<boolean> {
  const state = readState(labDir);
  const stopped = await stopOwnProcess(state?.generator?.pid, markers(labDir), "the traffic generator");
  if (state?.generator) updateState(labDir, (s) => s.generator && (s.generator.pid = null));
  return stopped;
}
