import type { DbSample, LagSample } from "./fleet-sample";
import { lsnDistance } from "./lsn";

type ReplicaDb = Extract<DbSample, { up: true; inRecovery: true }>;

/**
 * A replica's lag, measured so that it does not lie:
 * - bytes: the primary's flushed WAL position minus the replica's replayed position;
 * - seconds: zero when the replica has replayed everything the primary had flushed (so an idle primary
 *   reads zero, not a growing age); otherwise the age of the last transaction it replayed (so paused replay
 *   or a broken link grows for real, while the region API's heartbeat keeps the primary writing);
 * - unknown (null) when the primary's position is unknown, never zero.
 */
export function replicaLag(replica: ReplicaDb, primaryFlushLsn: string | null, now: number): LagSample {
  const streaming = replica.receiver?.status === "streaming";
  const bytes = lsnDistance(primaryFlushLsn, replica.replayLsn);
  if (bytes === null) return { bytes: null, seconds: null, streaming };
  if (bytes === 0) return { bytes, seconds: 0, streaming };
  const seconds = replica.lastReplayAt ? Math.max(0, (now - Date.parse(replica.lastReplayAt)) / 1000) : null;
  return { bytes, seconds, streaming };
}

/** When a lag now under the threshold will cross it if replay stays where it is (ms since epoch), or null. */
export function lagCrossingTime(replica: ReplicaDb, lag: LagSample, thresholdSeconds: number): number | null {
  if (!lag.bytes || lag.seconds === null || lag.seconds >= thresholdSeconds || !replica.lastReplayAt) return null;
  return Date.parse(replica.lastReplayAt) + thresholdSeconds * 1000;
}
