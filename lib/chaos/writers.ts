/**
 * Invariant 5 of the chaos soak: never two databases that accept writes at the same moment. Each sample reads
 * every region's server through the lab's Unix socket (no network fault touches it), so a server cut off from
 * everyone is still seen.
 *
 * "Accepts writes" means a client can be told its write landed: the server is up, out of recovery, and can
 * commit. A primary with `synchronous_standby_names` set commits only once a standby has the write, so without
 * a synchronous standby streaming from it every commit waits, and nothing it takes is ever acknowledged (the
 * lab's primary runs so: DESIGN.md, "When may a primary be replaced?"). A server out of recovery without
 * synchronous standby names acknowledges a write from any client that reaches it. Cut off from everything
 * (isolated), the only client that can still reach it is its own region's API, in the same namespace: such a
 * server accepts writes while that API points at it (the lab's fence is such an isolation).
 */

export type ServerSample =
  | { region: string; up: false; error: string }
  | {
      region: string;
      up: true;
      inRecovery: boolean;
      /** current_setting('synchronous_standby_names') */
      synchronousStandbyNames: string;
      /** standbys streaming from it whose sync_state is sync or quorum */
      synchronousStandbys: number;
      /** all standbys streaming from it */
      standbys: number;
      /** the lab has cut it off from the console and the other regions */
      isolated: boolean;
      /** its own region's API answers and writes to it */
      ownApiWritesHere: boolean;
    };

export function acceptsWrites(s: ServerSample): boolean {
  if (!s.up || s.inRecovery) return false;
  const commits = s.synchronousStandbyNames.trim() === "" || s.synchronousStandbys > 0;
  const reachable = !s.isolated || s.ownApiWritesHere;
  return commits && reachable;
}

export interface WritersVerdict {
  /** out of recovery */
  primaries: string[];
  /** of those, the ones that can acknowledge a write */
  writers: string[];
  ok: boolean;
}

export function judgeWriters(samples: readonly ServerSample[]): WritersVerdict {
  const primaries = samples.filter((s) => s.up && !s.inRecovery).map((s) => s.region);
  const writers = samples.filter(acceptsWrites).map((s) => s.region);
  return { primaries, writers, ok: writers.length <= 1 };
}
