import { performance } from "node:perf_hooks";
import { isOurApiProcess } from "../lab/api-process";
import { injectFault, injectNetworkFault, type RegionId } from "../lab/index";
import { readState } from "../lab/state";
import type { ChaosFault } from "../lib/chaos/faults";

/**
 * The soak's faults, done to the lab for real through its own tooling (lab/index.ts), and undone. One fault the
 * lab has no command for, a hung region API, is the API process stopped with SIGSTOP (it keeps its port and its
 * connections, and answers nothing) and continued with SIGCONT; the PID is checked to be that region's API of
 * this lab first.
 */

export interface Landed {
  /** performance.now() just before the lab was asked, and when it said the fault was in place */
  askedAt: number;
  landedAt: number;
  /** Date.now() when it landed, to compare with the servers' clocks */
  landedWall: number;
  message: string;
}

/** Region APIs this process has stopped, continued on every way out (run.ts registers continueHungApis). */
const hung = new Map<string, number>();

function apiPid(labDir: string, region: string): number {
  const pid = readState(labDir)?.regions[region]?.apiPid ?? null;
  if (!pid || !isOurApiProcess(pid, labDir, region as RegionId))
    throw new Error(`${region} has no running region API of this lab to hang`);
  return pid;
}

async function inject(f: ChaosFault, labDir: string): Promise<string> {
  const opts = { labDir };
  switch (f.kind) {
    case "api-hang": {
      const pid = apiPid(labDir, f.region);
      process.kill(pid, "SIGSTOP");
      hung.set(f.region, pid);
      return `${f.region} API (pid ${pid}) stopped with SIGSTOP: it holds its port and connections and answers nothing`;
    }
    case "partition-from-console":
      return (await injectNetworkFault("partition", f.region, "console", opts)).message;
    case "partition-from-regions":
      return (await injectNetworkFault("partition", f.region, "regions", opts)).message;
    case "isolate":
      return (await injectNetworkFault("isolate", f.region, undefined, opts)).message;
    default:
      return (await injectFault(f.region, f.kind, opts)).message;
  }
}

export async function injectChaosFault(f: ChaosFault, labDir: string): Promise<Landed> {
  const askedAt = performance.now();
  const message = await inject(f, labDir);
  return { askedAt, landedAt: performance.now(), landedWall: Date.now(), message };
}

/** Undoes a fault: SIGCONT for a hung API, the lab's `recover` of the region for every other (it heals the network too). */
export async function recoverChaosFault(f: ChaosFault, labDir: string): Promise<{ at: number; message: string }> {
  if (f.kind === "api-hang") {
    const pid = hung.get(f.region);
    hung.delete(f.region);
    if (pid && isOurApiProcess(pid, labDir, f.region as RegionId)) process.kill(pid, "SIGCONT");
    return { at: performance.now(), message: `${f.region} API (pid ${pid ?? "?"}) continued` };
  }
  const { message } = await injectFault(f.region, "recover", { labDir });
  return { at: performance.now(), message };
}

/** Continues every region API this process stopped (also after a failure, before the lab is stopped). */
export function continueHungApis(labDir: string): void {
  for (const [region, pid] of hung) {
    if (isOurApiProcess(pid, labDir, region as RegionId)) process.kill(pid, "SIGCONT");
  }
  hung.clear();
}
