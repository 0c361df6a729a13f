import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sleep } from "./stats";

/**
 * The consoles run the production build in .next, which others may rebuild while the bench runs (`npm test`
 * does). A rebuild swaps modules under a running console (it then answers 500) and takes a core for a
 * minute, so the bench waits for a build to finish, and repeats a measurement that a build overlapped.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
export const BUILD_ID_FILE = path.join(ROOT, ".next/BUILD_ID");

export function currentBuildId(): string | null {
  try {
    return readFileSync(BUILD_ID_FILE, "utf8").trim();
  } catch {
    return null;
  }
}

/** Whether some process is running `next build` in this checkout now (builds elsewhere do not touch our .next). */
export function nextBuildRunning(): boolean {
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      // `next build` retitles itself "next-build (vX)", which is what /proc shows as its command line.
      if (
        /^next-build \(|next\0build(\0|$)/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8")) &&
        readlinkSync(`/proc/${pid}/cwd`) === ROOT
      )
        return true;
    } catch {
      // gone, or not ours to look at
    }
  }
  return false;
}

/** Waits until no `next build` runs and .next holds a finished build (BUILD_ID not rewritten for 3 s). */
export async function waitForQuietBuild(timeoutMs = 300_000): Promise<string> {
  const t = performance.now();
  for (;;) {
    const st = statSync(BUILD_ID_FILE, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > 3_000 && !nextBuildRunning()) return currentBuildId()!;
    if (performance.now() - t > timeoutMs)
      throw new Error(`.next still being rebuilt after ${timeoutMs} ms (someone else's next build)`);
    await sleep(1000);
  }
}

/** Notices, once a second, whether a `next build` ran or .next changed since `reset()`. */
export class BuildWatch {
  private seen = false;
  private id: string | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      if (nextBuildRunning()) this.seen = true;
    }, 1000);
    this.timer.unref();
  }

  reset() {
    this.seen = false;
    this.id = currentBuildId();
  }

  disturbed(): boolean {
    return this.seen || nextBuildRunning() || currentBuildId() !== this.id;
  }

  stop() {
    clearInterval(this.timer);
  }
}
