import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { parseEnvAssignments, readApiEnv, writeApiEnv, type ApiEnv } from "./api-env";
import { startSpareApi, takeSpareApi } from "./api-spare";
import type { LabOptions } from "./lab";
import { regionAddress, regionNetns } from "./network/net";
import { spawnDetached } from "./own-process";
import { labFiles, REGION_API_SERVER_PATH, resolveLabDir } from "./paths";
import { parseRegion, PRIMARY_REGION, type RegionId } from "./regions";
import { regionState, requireState, updateState, type LabState } from "./state";
import { waitFor } from "./wait";

/** The region API's address as the console (and the other regions) reach it. */
export function apiUrl(state: Pick<LabState, "network" | "regions">, region: RegionId): string {
  return `http://${regionAddress(state, region)}:${state.regions[region]?.apiPort ?? 0}`;
}

/**
 * A request to the region API's control socket: how the lab itself talks to it (ping, faults), on a path no
 * network fault touches.
 */
export function controlRequest(
  labDir: string,
  region: RegionId,
  method: "GET" | "POST",
  urlPath: string,
  body?: unknown,
  timeoutMs = 1_000,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: labFiles(labDir).apiSocket(region),
        method,
        path: urlPath,
        headers: payload ? { "content-type": "application/json" } : {},
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`the ${region} API's control socket did not answer within ${timeoutMs} ms`)),
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * True when `pid` is a live region API of this lab. The command line carries `--lab-dir`,
 * so a recycled PID or another engineer's lab is never mistaken for ours.
 */
export function isOurApiProcess(pid: number | null, labDir: string, region: RegionId): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const cmdlineFile = `/proc/${pid}/cmdline`;
  if (!existsSync("/proc/self/cmdline")) return true; // no procfs (macOS): trust the PID
  try {
    const argv = readFileSync(cmdlineFile, "utf8").split("\0");
    // the bundle since lab/bundle.ts; the source through tsx in a lab started before it
    const program = argv.includes(labFiles(labDir).regionApiBundle) || argv.includes(REGION_API_SERVER_PATH);
    return program && argv.includes(labDir) && argv.includes(region);
  } catch {
    return false; // exited (or a zombie with an empty cmdline)
  }
}

/** Environment file of a region API, with the lab-owned keys forced to current values. */
export function ensureApiEnv(state: LabState, region: RegionId): ApiEnv {
  const files = labFiles(state.labDir);
  const regionState = state.regions[region];
  if (!regionState) throw new Error(`no state for ${region}`);
  const existing = readApiEnv(files.apiEnv(region));
  const env: ApiEnv = {
    REGION: region,
    DB_HOST: regionAddress(state, PRIMARY_REGION),
    DB_PORT: String(state.regions[PRIMARY_REGION]?.pgPort ?? 0),
    DB_USER: "postgres",
    CDN_ENABLED: "true",
    CDN_PROVIDER: "cloudflare",
    ...existing,
    PORT: String(regionState.apiPort),
    LISTEN_HOST: regionAddress(state, region),
    CONTROL_SOCKET: files.apiSocket(region),
    LAB_DIR: state.labDir,
    SIMULATED_DB: String(state.simulated),
  };
  writeApiEnv(files.apiEnv(region), env);
  return env;
}

/** Whether the region API answers on its control socket (network faults aside). */
export async function apiAnswers(labDir: string, region: RegionId, timeoutMs = 1_000): Promise<boolean> {
  try {
    return (await controlRequest(labDir, region, "GET", "/lab/ping", undefined, timeoutMs)).status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts the region API detached (the region's spare given its environment, else a new process), logging to
 * LAB_DIR/logs/api-<region>.log; returns its PID once it answers, a spare booting for the next start.
 */
export async function startApiProcess(state: LabState, region: RegionId): Promise<number> {
  const files = labFiles(state.labDir);
  const regionState = state.regions[region];
  if (!regionState) throw new Error(`no state for ${region}`);
  const env = readApiEnv(files.apiEnv(region));
  mkdirSync(path.dirname(files.apiSocket(region)), { recursive: true, mode: 0o700 });
  rmSync(files.apiSocket(region), { force: true }); // left by a killed API: listening would fail on it
  // `ip netns exec` execs the API in place: the PID is the API's, and it lives on the region's network.
  const netns = regionNetns(state, region);
  const argv = [process.execPath, files.regionApiBundle, "--region", region, "--lab-dir", state.labDir];
  const startedPid =
    (await takeSpareApi(state.labDir, region, env)) ??
    spawnDetached(
      netns ? ["ip", "netns", "exec", netns, ...argv] : argv,
      files.apiLog(region),
      `the ${region} API`,
      env,
    );
  await waitFor(
    `the ${region} API to answer on port ${regionState.apiPort}`,
    async () => {
      if (!isOurApiProcess(startedPid, state.labDir, region)) {
        throw new Error(`the process exited; last log lines:\n${tail(files.apiLog(region))}`);
      }
      return apiAnswers(state.labDir, region);
    },
    { timeoutMs: 30_000, intervalMs: 25 },
  ).catch((error: unknown) => {
    stopPid(startedPid, "SIGKILL");
    throw error;
  });
  await startSpareApi(state, region);
  return startedPid;
}

function stopPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The PID of the API answering on the region's control socket, or null when none answers. */
async function answeringApiPid(labDir: string, region: RegionId): Promise<number | null> {
  try {
    const { status, body } = await controlRequest(labDir, region, "GET", "/lab/ping", undefined, 500);
    const pid = (body as { pid?: unknown } | null)?.pid;
    return status === 200 && typeof pid === "number" ? pid : null;
  } catch {
    return null;
  }
}

/** Stops the API by PID (SIGTERM, then SIGKILL after 5 s) and waits until its port refuses connections. */
export async function stopApiProcess(
  state: LabState,
  region: RegionId,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<void> {
  const regionState = state.regions[region];
  if (!regionState) return;
  // The recorded PID, or the one the answering API names: restarts of several regions at once (a repoint) are
  // separate processes, and one's write of the state file can carry another region's older PID.
  const pid = isOurApiProcess(regionState.apiPid, state.labDir, region)
    ? regionState.apiPid
    : await answeringApiPid(state.labDir, region);
  if (pid && isOurApiProcess(pid, state.labDir, region)) {
    stopPid(pid, signal);
    try {
      // it exits within milliseconds of the signal: looked at often, since a restart's new API waits on it
      await waitFor(`the ${region} API (pid ${pid}) to exit`, () => !isOurApiProcess(pid, state.labDir, region), {
        timeoutMs: 5_000,
        intervalMs: 5,
      });
    } catch {
      stopPid(pid, "SIGKILL");
      await waitFor(`the ${region} API (pid ${pid}) to die`, () => !isOurApiProcess(pid, state.labDir, region));
    }
  }
  await waitFor(`the ${region} API to stop answering`, async () => !(await apiAnswers(state.labDir, region, 500)), {
    timeoutMs: 10_000,
    intervalMs: 25,
  });
}

export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export function logPath(labDir: string, region: RegionId): string {
  return path.resolve(labFiles(labDir).apiLog(region));
}

/** The runbook's `export KEY=VALUE` for a region API: writes LAB_DIR/api/<region>.env (takes effect on restart). */
export async function setApiEnv(
  region: string,
  assignments: readonly string[],
  options: LabOptions = {},
): Promise<{ region: RegionId; env: ApiEnv; changed: string[] }> {
  const id = parseRegion(region);
  const labDir = resolveLabDir(options.labDir);
  requireState(labDir);
  const changes = parseEnvAssignments(assignments);
  const file = labFiles(labDir).apiEnv(id);
  const env = { ...readApiEnv(file), ...changes };
  writeApiEnv(file, env);
  return { region: id, env, changed: Object.keys(changes) };
}

/** The runbook's `systemctl restart clipper-api`: stop by PID, start, wait until it answers. */
export async function restartApi(
  region: string,
  options: LabOptions = {},
): Promise<{ region: RegionId; pid: number; apiUrl: string }> {
  const id = parseRegion(region);
  const labDir = resolveLabDir(options.labDir);
  const state = requireState(labDir);
  await stopApiProcess(state, id);
  ensureApiEnv(state, id);
  const pid = await startApiProcess(state, id);
  updateState(labDir, (s) => (regionState(s, id).apiPid = pid));
  return { region: id, pid, apiUrl: apiUrl(state, id) };
}
