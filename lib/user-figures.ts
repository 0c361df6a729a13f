import type { UserFigures, UserRequest } from "./traffic";

/** A request the users count as failed: no answer at all (status 0) or a 5xx. */
export const isUserError = (r: Pick<UserRequest, "status">) => r.status === 0 || r.status >= 500;

/** The nearest-rank percentile (0–100) of sorted values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

/**
 * What the users of each geography saw over the last `windowSeconds` before `now`, from their requests (by the
 * time each was sent). Latency counts the successful answers: an error is in the error rate, and a refusal that
 * comes fast would otherwise make a failing region look quick.
 */
export function userFigures(
  requests: readonly UserRequest[],
  geographies: readonly string[],
  now: number,
  windowSeconds: number,
): UserFigures {
  const from = now - windowSeconds * 1_000;
  const inWindow = requests.filter((r) => r.at >= from && r.at <= now);
  return {
    at: new Date(now).toISOString(),
    windowSeconds,
    geographies: geographies.map((id) => {
      const mine = inWindow.filter((r) => r.geography === id);
      const answered = mine.filter((r) => !isUserError(r));
      const servedBy: Record<string, number> = {};
      let newest: UserRequest | null = null;
      for (const r of answered) {
        if (r.servedBy) servedBy[r.servedBy] = (servedBy[r.servedBy] ?? 0) + 1;
        if (r.servedBy && (!newest || r.at >= newest.at)) newest = r;
      }
      const latencies = answered.map((r) => r.ms).sort((a, b) => a - b);
      return {
        id,
        requests: mine.length,
        errors: mine.length - answered.length,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        servedBy,
        lastServedBy: newest?.servedBy ?? null,
      };
    }),
  };
}
