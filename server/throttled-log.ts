import "server-only";

/**
 * For lines that would repeat every few hundred milliseconds while something stays broken (the store away, its
 * disk full): the first line of a kind is written at once, then at most one per `everyMs`, saying how many like it
 * were held back meanwhile. One clear line per interval instead of a flood.
 */
export function throttledLog(everyMs = 10_000): (kind: string, line: string) => void {
  const last = new Map<string, { at: number; held: number }>();
  return (kind, line) => {
    const now = Date.now();
    const seen = last.get(kind);
    if (seen && now - seen.at < everyMs) {
      seen.held++;
      return;
    }
    console.error(
      seen?.held ? `${line} (${seen.held} more like it in the last ${Math.round((now - seen.at) / 1000)} s)` : line,
    );
    last.set(kind, { at: now, held: 0 });
  };
}
