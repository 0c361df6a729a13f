import "server-only";
import { expireOverdue } from "./action-service";
import { throttledLog } from "@/server/throttled-log";
import { sweepInterrupted } from "./runner";

const log = throttledLog(30_000);

const holder = globalThis as unknown as { __switchyardActionSweeper?: NodeJS.Timeout };

/** Every few seconds: requests past their approval window expire; runs whose console died are marked interrupted. */
export function startActionSweeper(everyMs = 3_000): void {
  if (holder.__switchyardActionSweeper) return;
  const sweep = async () => {
    try {
      await sweepInterrupted();
      await expireOverdue();
    } catch (err) {
      // While the store is away this fails every few seconds: one line per half minute says so.
      log("sweep", `[actions] sweep failed: ${(err as Error).message}`);
    }
  };
  void sweep();
  holder.__switchyardActionSweeper = setInterval(() => void sweep(), everyMs);
  holder.__switchyardActionSweeper.unref();
}
