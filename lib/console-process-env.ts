/**
 * What the console's server process starts with, wherever it is started (npm start, the tests' and the bench's
 * consoles); a variable already set in the caller's environment wins. MALLOC_ARENA_MAX=1: V8's compiler and garbage
 * collector threads each grow a malloc arena of their own, which glibc seldom gives back; with one arena a console
 * at rest holds ~30 MiB less (issue 14's memory goal), and its page throughput measured the same.
 */
export const consoleProcessEnv: Record<string, string> = { MALLOC_ARENA_MAX: "1" };
