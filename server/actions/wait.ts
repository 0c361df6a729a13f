import "server-only";

/** Waiting inside a running action: every wait ends early, with the reason, when the run's signal aborts (its timeout). */

const reasonOf = (signal: AbortSignal) => (signal.reason instanceof Error ? signal.reason : new Error("aborted"));

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(reasonOf(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(reasonOf(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Polls `probe` until it returns a value (anything but null, undefined or false: 0 bytes behind is an answer), or
 * fails after timeoutMs naming what it waited for.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  signal?: AbortSignal,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs, signal);
  }
}
