import { renameSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import type { ApiEnv } from "./api-env";
import { regionNetns } from "./network/net";
import { isOwnProcess, spawnDetached, stopOwnProcess } from "./own-process";
import { labFiles } from "./paths";
import type { RegionId } from "./regions";
import { readState, regionState, updateState, type LabState } from "./state";

/**
 * A spare region API: Node booted and the program loaded, waiting on its socket (lab/region-api/main.ts). A start
 * of the region's API hands it the environment instead of starting Node afresh, so a restart costs the API's own
 * start (connect, listen), not Node's boot: ~0.15 s of CPU per API, and a failover restarts three at once on the
 * lab's two cores. A real host's restart costs what its service's restart costs; this is the lab's stand-in being
 * quick, like a pre-forking supervisor. One spare per region, started after each API start, stopped with the lab.
 */

const markers = (labDir: string, region: RegionId) => [
  labFiles(labDir).regionApiBundle,
  labDir,
  region,
  "--spare",
  labFiles(labDir).apiSpareSocket(region),
];

/** Starts a spare for the region's next API start (replacing any), without waiting for it to boot. */
export async function startSpareApi(state: LabState, region: RegionId): Promise<void> {
  const files = labFiles(state.labDir);
  await stopSpareApi(state.labDir, region);
  rmSync(files.apiSpareSocket(region), { force: true });
  const netns = regionNetns(state, region);
  const argv = [
    process.execPath,
    files.regionApiBundle,
    "--region",
    region,
    "--lab-dir",
    state.labDir,
    "--spare",
    files.apiSpareSocket(region),
  ];
  const pid = spawnDetached(
    netns ? ["ip", "netns", "exec", netns, ...argv] : argv,
    files.apiLog(region),
    `a spare ${region} API`,
  );
  updateState(state.labDir, (s) => (regionState(s, region).spareApiPid = pid));
}

/**
 * Hands the region's spare the API's environment; its PID once it took it (it is then the API), else null: no
 * spare, or one still booting (kept for a later start). The spare is claimed by renaming its socket, which only one
 * of two starts at once can do; a claimed spare that does not take the environment is stopped.
 */
export async function takeSpareApi(labDir: string, region: RegionId, env: ApiEnv): Promise<number | null> {
  const pid = readState(labDir)?.regions[region]?.spareApiPid ?? null;
  if (!isOwnProcess(pid, markers(labDir, region))) return null;
  const claimed = `${labFiles(labDir).apiSpareSocket(region)}.${process.pid}`;
  try {
    renameSync(labFiles(labDir).apiSpareSocket(region), claimed);
  } catch {
    return null; // not listening yet, or claimed by another start
  }
  const took = await new Promise<boolean>((resolve) => {
    const conn = createConnection(claimed);
    let answer = "";
    conn.setEncoding("utf8");
    conn.setTimeout(1_000, () => conn.destroy());
    conn.on("connect", () => conn.end(JSON.stringify(env)));
    conn.on("data", (chunk: string) => (answer += chunk));
    conn.on("close", () => resolve(answer.trim() === "ok"));
    conn.on("error", () => undefined); // answered with nothing: said on close
  });
  rmSync(claimed, { force: true });
  updateState(labDir, (s) => {
    if (regionState(s, region).spareApiPid === pid) regionState(s, region).spareApiPid = null;
  });
  if (took) return pid;
  await stopOwnProcess(pid, markers(labDir, region), `the spare ${region} API`);
  return null;
}

/** Stops the region's spare by its PID; true when one was running. */
export async function stopSpareApi(labDir: string, region: RegionId): Promise<boolean> {
  const pid = readState(labDir)?.regions[region]?.spareApiPid ?? null;
  const stopped = await stopOwnProcess(pid, markers(labDir, region), `the spare ${region} API`);
  if (pid) updateState(labDir, (s) => (regionState(s, region).spareApiPid = null));
  return stopped;
}
