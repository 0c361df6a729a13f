import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./paths";
import { waitFor } from "./wait";

/**
 * Starts one of the lab's processes detached from the caller, its output appended to `logFile`, in a clean
 * environment (PATH, HOME, NODE_ENV=production and `env`: not the caller's, e.g. a test runner's); returns its PID.
 */
export function spawnDetached(argv: string[], logFile: string, what: string, env: Record<string, string> = {}): number {
  const [command, ...args] = argv;
  if (!command) throw new Error(`nothing to start for ${what}`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, "a");
  try {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        NODE_ENV: "production",
        ...env,
      },
    });
    child.on("error", () => undefined); // a program that cannot start has no PID: said below
    child.unref();
    if (!child.pid) throw new Error(`could not start ${what} (see ${logFile})`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

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
