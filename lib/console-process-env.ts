/**
 * What the console's server process starts with, wherever it is started (npm start, the tests' and the bench's
 * consoles); a variable already set in the caller's environment wins. All three tune glibc's malloc, which holds
 * what it once took rather than give it back (issue 14's memory goal):
 * - MALLOC_ARENA_MAX=1: V8's compiler and garbage collector threads each grow an arena of their own; with one a
 *   console at rest holds ~30 MiB less.
 * - MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ at 128 KiB: start-up (PGlite's WebAssembly, Next.js loading the
 *   app) takes ~400 MiB for a few seconds; blocks of 128 KiB and more then come from mmap and go back when freed, and
 *   the heap's free top is returned, instead of glibc raising both thresholds as it goes and keeping the peak. A console
 *   peaks at ~290 MiB instead of ~410 and rests at ~250 MiB instead of ~285.
 * Page throughput measured the same with each (alternating runs on one lab).
 */
export const consoleProcessEnv: Record<string, string> = {
  MALLOC_ARENA_MAX: "1",
  MALLOC_MMAP_THRESHOLD_: "131072",
  MALLOC_TRIM_THRESHOLD_: "131072",
};
