import {
  apiAnswers,
  apiUrl,
  controlRequest,
  ensureApiEnv,
  isOurApiProcess,
  startApiProcess,
  stopApiProcess,
} from "./api-process";
import { LabError } from "./errors";
import type { LabOptions } from "./lab";
import { cutNetwork } from "./network/cuts";
import { resolveLabDir } from "./paths";
import {
  acceptsConnections,
  isInRecovery,
  isReplayPaused,
  labPg,
  pgQuery,
  serverRunning,
  startServer,
  stopServer,
  waitStreaming,
} from "./postgres";
import { LAB_REGIONS, parseRegion, PRIMARY_REGION, type RegionId } from "./regions";
import { regionState, requireState, updateState, type LabState, type RegionFaults } from "./state";
import { waitFor } from "./wait";

export const FAULTS = [
  "db-down",
  "db-up",
  "api-down",
  "api-up",
  "api-slow",
  "mirror-down",
  "cdn-outage",
  "lag",
  "recover",
] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultResult {
  region: RegionId;
  fault: Fault;
  message: string;
}

export function isFault(value: string): value is Fault {
  return (FAULTS as readonly string[]).includes(value);
}

/** Injects (or undoes) a fault in one region, for real: stops servers, kills processes, pauses replay. */
export async function injectFault(region: string, fault: string, options: LabOptions = {}): Promise<FaultResult> {
  const id = parseRegion(region);
  if (!isFault(fault)) throw new LabError(`unknown fault "${fault}"; faults: ${FAULTS.join(", ")}`);
  const labDir = resolveLabDir(options.labDir);
  const state = requireState(labDir);
  const done = (message: string): FaultResult => ({ region: id, fault, message });

  switch (fault) {
    case "db-down":
      if (state.simulated) setFaults(labDir, id, { dbDown: true });
      else await stopServer(state, regionState(state, id));
      return done(`${id} database stopped; port ${regionState(state, id).pgPort} refuses connections`);
    case "db-up":
      await databaseUp(state, id);
      return done(`${id} database running on port ${regionState(state, id).pgPort}`);
    case "api-down":
      await stopApiProcess(state, id, "SIGKILL");
      return done(`${id} API killed (SIGKILL); ${apiUrl(state, id)} refuses connections`);
    case "api-up":
      return done(await apiUp(state, id));
    case "api-slow":
      await setApiFaults(labDir, id, { slow: true });
      return done(`${id} API now delays every response by ~3 s`);
    case "mirror-down":
      await setApiFaults(labDir, id, { mirrorDown: true });
      return done(`${id} mirror storage down: hit rate 0, requests fail over`);
    case "cdn-outage":
      await setApiFaults(labDir, id, { cdnOutage: true });
      return done(`${id} CDN outage: cache hit rate 0, CDN errors, direct serving`);
    case "lag":
      return done(await pauseReplay(state, id));
    case "recover":
      return done(await recover(state, id));
  }
}

/**
 * Undoes one fault that `injectFault` put in, and only that one (a drill's end, through the fleet file's clearFault
 * hook): db-down → db-up, api-down → api-up, lag → replay resumed, the API's own faults switched off. A stopped
 * database is left stopped when another region is the primary now (the drill's team failed over): starting it would
 * make two primaries; it is rebuilt as a replica instead.
 */
export async function clearFault(region: string, fault: string, options: LabOptions = {}): Promise<FaultResult> {
  const id = parseRegion(region);
  if (!isFault(fault)) throw new LabError(`unknown fault "${fault}"; faults: ${FAULTS.join(", ")}`);
  const labDir = resolveLabDir(options.labDir);
  const state = requireState(labDir);
  const done = (message: string): FaultResult => ({ region: id, fault, message });
  switch (fault) {
    case "db-down": {
      const other = state.simulated ? null : await otherPrimary(state, id);
      if (other)
        throw new LabError(
          `${id} database left stopped: ${other} is the primary now, and starting ${id} would make two primaries; rebuild it as a replica (db.rebuild-replica)`,
        );
      await databaseUp(state, id);
      return done(`${id} database running on port ${regionState(state, id).pgPort}`);
    }
    case "api-down":
      return done(await apiUp(state, id));
    case "api-slow":
      await setApiFaults(labDir, id, { slow: false });
      return done(`${id} API answers at its usual speed`);
    case "mirror-down":
      await setApiFaults(labDir, id, { mirrorDown: false });
      return done(`${id} mirror storage back`);
    case "cdn-outage":
      await setApiFaults(labDir, id, { cdnOutage: false });
      return done(`${id} CDN back`);
    case "lag":
      return done(await resumeReplay(state, id));
    default:
      throw new LabError(
        `${fault} is not a fault to clear; faults a drill injects: db-down, api-down, api-slow, mirror-down, cdn-outage, lag`,
      );
  }
}

/** Another region whose database runs as a primary now, if any. */
async function otherPrimary(state: LabState, id: RegionId): Promise<RegionId | null> {
  for (const r of LAB_REGIONS) {
    if (r.id === id) continue;
    const rs = regionState(state, r.id);
    const target = labPg(state, rs);
    if ((await serverRunning(rs)) && (await acceptsConnections(target)) && !(await isInRecovery(target))) return r.id;
  }
  return null;
}

async function resumeReplay(state: LabState, id: RegionId): Promise<string> {
  if (state.simulated) {
    setFaults(state.labDir, id, { lag: false });
    return `${id} WAL replay resumed (simulated)`;
  }
  const rs = regionState(state, id);
  const target = labPg(state, rs);
  if (!(await serverRunning(rs)) || !(await isInRecovery(target)) || !(await isReplayPaused(target)))
    return `${id} WAL replay was not paused`;
  await pgQuery(target, "SELECT pg_wal_replay_resume()");
  await waitFor(`${id} replay to resume`, async () => !(await isReplayPaused(target)));
  return `${id} WAL replay resumed`;
}

function setFaults(labDir: string, id: RegionId, change: Partial<RegionFaults>): void {
  updateState(labDir, (s) => Object.assign(regionState(s, id).faults, change));
}

/** Persists the faults (a restarted API keeps them) and tells the running API at once. */
async function setApiFaults(labDir: string, id: RegionId, change: Partial<RegionFaults>): Promise<void> {
  const state = updateState(labDir, (s) => Object.assign(regionState(s, id).faults, change));
  const rs = regionState(state, id);
  if (!isOurApiProcess(rs.apiPid, labDir, id)) return; // applied when it starts
  const res = await controlRequest(
    labDir,
    id,
    "POST",
    "/lab/faults",
    { slow: rs.faults.slow, mirrorDown: rs.faults.mirrorDown, cdnOutage: rs.faults.cdnOutage },
    5_000,
  );
  if (res.status !== 200) throw new Error(`${id} API refused the fault change: HTTP ${res.status}`);
}

async function databaseUp(state: LabState, id: RegionId): Promise<void> {
  if (state.simulated) return setFaults(state.labDir, id, { dbDown: false });
  await startServer(state, id);
  const primary = labPg(state, regionState(state, PRIMARY_REGION));
  if (!(await serverRunning(regionState(state, PRIMARY_REGION))) || (await isInRecovery(primary))) return; // failed over: not the lab's topology
  // Replicas (this one, or all when the primary came back) should stream again before we say so; not across a cut.
  const slots: string[] = [];
  for (const r of LAB_REGIONS) {
    if (!r.slot || (id !== PRIMARY_REGION && r.id !== id)) continue;
    const rs = regionState(state, r.id);
    const target = labPg(state, rs);
    const cut = rs.cut.fromRegions || regionState(state, PRIMARY_REGION).cut.fromRegions;
    if (!cut && (await acceptsConnections(target)) && (await isInRecovery(target)) && !(await isReplayPaused(target)))
      slots.push(r.slot);
  }
  if (slots.length > 0) await waitStreaming(primary, slots, 30_000);
}

async function apiUp(state: LabState, id: RegionId): Promise<string> {
  const rs = regionState(state, id);
  if (isOurApiProcess(rs.apiPid, state.labDir, id) && (await apiAnswers(state.labDir, id)))
    return `${id} API already running (pid ${rs.apiPid})`;
  ensureApiEnv(state, id);
  const pid = await startApiProcess(state, id);
  updateState(state.labDir, (s) => (regionState(s, id).apiPid = pid));
  return `${id} API started (pid ${pid})`;
}

async function pauseReplay(state: LabState, id: RegionId): Promise<string> {
  const rs = regionState(state, id);
  if (state.simulated) {
    if (rs.role === "primary") throw new LabError(`${id} is the primary; lag pauses WAL replay on a replica`);
    if (rs.faults.dbDown) throw new LabError(`${id} database is down; bring it up first (db-up)`);
    setFaults(state.labDir, id, { lag: true });
    return `${id} WAL replay paused (simulated)`;
  }
  const target = labPg(state, rs);
  if (!(await serverRunning(rs))) throw new LabError(`${id} database is down; bring it up first (db-up)`);
  if (!(await isInRecovery(target)))
    throw new LabError(`${id} is the primary (not in recovery); lag pauses WAL replay on a replica`);
  await pgQuery(target, "SELECT pg_wal_replay_pause()");
  await waitFor(`${id} replay to pause`, () => isReplayPaused(target));
  return `${id} WAL replay paused; it falls behind the primary until recover`;
}

async function recover(initial: LabState, id: RegionId): Promise<string> {
  let state = initial;
  setFaults(state.labDir, id, { slow: false, mirrorDown: false, cdnOutage: false, dbDown: false, lag: false });
  state = await cutNetwork(state.labDir, id, "heal");
  const rs = regionState(state, id);
  const target = labPg(state, rs);
  // Resume first: a paused standby does not reconnect its WAL receiver, so it would never stream again.
  if (!state.simulated && (await serverRunning(rs)) && (await isInRecovery(target)) && (await isReplayPaused(target))) {
    await pgQuery(target, "SELECT pg_wal_replay_resume()");
    await waitFor(`${id} replay to resume`, async () => !(await isReplayPaused(target)));
  }
  await databaseUp(state, id);
  await apiUp(state, id);
  await setApiFaults(state.labDir, id, {});
  return `${id} recovered: network healed, database up, API up, replay running, no API faults`;
}
