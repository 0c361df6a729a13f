import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { round, summarize } from "./stats";

/**
 * How fast this machine is right now, taken at the start and the end of a run, so that runs on one machine can be
 * compared. Two figures, since they move apart on a shared virtual machine: a fixed loop of arithmetic (what a
 * page render or a collector pass costs) and starting a process (what a stopping PostgreSQL server's exiting
 * backends, a refused connection's new backend and Chromium's renderers cost; on these virtual machines it takes
 * milliseconds and swings with the host's load).
 */
export interface MachineSpeed {
  /** a fixed loop of 3·10⁸ multiply-add-modulo steps, ms */
  cpuLoopMs: number;
  /** starting `/bin/true` and waiting for it, ms, median of 30 */
  processStartMs: number;
}

export function measureMachineSpeed(): MachineSpeed {
  let x = 0;
  const t = performance.now();
  for (let i = 0; i < 3e8; i++) x = (x + i * 7) % 1_000_003;
  const cpuLoopMs = performance.now() - t + (x < 0 ? 1 : 0); // x is read so the loop is not optimised away
  const starts: number[] = [];
  for (let i = 0; i < 30; i++) {
    const s = performance.now();
    spawnSync("/bin/true");
    starts.push(performance.now() - s);
  }
  return { cpuLoopMs: round(cpuLoopMs, 0), processStartMs: round(summarize(starts).p50, 2) };
}
