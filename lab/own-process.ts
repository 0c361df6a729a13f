import { existsSync, readFileSync } from "node:fs";
import { waitFor } from "./wait";

/**
 * True when `pid` is alive and its command line carries every marker (a config file or script path, the lab
 * directory): a recycled PID or another lab's process is never taken for ours.
 */
export function isOwnProcess(pid: number | null | undefined, markers: readonly string[]): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!existsSync("/proc/self/cmdline")) return true; // no procfs (macOS): trust the PID
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return markers.every((m) => argv.includes(m));
  } catch {
    return false; // exited, or a zombie with an empty cmdline
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; returns once the process is gone. Does nothing to a process not ours. */
export async function stopOwnProcess(pid: number | null | undefined, markers: readonly string[], what: string) {
  if (!pid || !isOwnProcess(pid, markers)) return false;
  signal(pid, "SIGTERM");
  try {
    await waitFor(`${what} (pid ${pid}) to exit`, () => !isOwnProcess(pid, markers), { timeoutMs: 5_000 });
  } catch {
    signal(pid, "SIGKILL");
    await waitFor(`${what} (pid ${pid}) to die`, () => !isOwnProcess(pid, markers), { timeoutMs: 5_000 });
  }
  return true;
}
