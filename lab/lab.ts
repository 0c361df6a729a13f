import { existsSync, mkdirSync, readdirSync, rmSync, rmdirSync } from "node:fs";
import path from "node:path";
import { apiAnswers, apiUrl, ensureApiEnv, isOurApiProcess, startApiProcess, stopApiProcess } from "./api-process";
import { startSpareApi, stopSpareApi } from "./api-spare";
import { balancerStatus, ensureBalancer, frontendUrl, stopBalancer, type BalancerStatus } from "./balancer";
import { bundleLabPrograms } from "./bundle";
import { writeFleetFile } from "./fleet-file";
import {
  claimSubnet,
  consoleAddress,
  describeCut,
  ensureNetwork,
  networkPrefix,
  networkUnavailableReason,
  regionAddress,
  releaseSubnet,
  removeNetwork,
} from "./network/net";
import { fallbackPgRoot, findPgBinDir, isRoot, labFiles, resolveLabDir, socketDirFor, userCanTraverse } from "./paths";
import { freePorts } from "./ports";
import {
  acceptsConnections,
  createLabSchema,
  createReplica,
  ensureSlot,
  hasDataDir,
  initPrimary,
  isInRecovery,
  isReplayPaused,
  labPg,
  preparePgDirs,
  type PgTarget,
  replicationRows,
  serverRunning,
  startServer,
  stopServer,
  waitStreaming,
} from "./postgres";
import { LAB_REGIONS, PRIMARY_REGION, REGION_IDS, type RegionId, type RegionRole } from "./regions";
import { ensureHostAgent, findCurl, stopHostAgent } from "./host-agent";
import { ensureSshd, sshdStatus, sshPathsToRemove, stopSshd, type SshdStatus } from "./sshd";
import { NO_FAULTS, readState, regionState, requireState, updateState, writeState, type LabState } from "./state";
import { ensureGenerator, generatorStatus, stopGenerator, type GeneratorStatus } from "./traffic-process";

export interface LabOptions {
  /** Defaults to $LAB_DIR, then `<repo>/.lab`. */
  labDir?: string;
}

export interface StartOptions extends LabOptions {
  /** Build a new lab with the simulated database tier even if Postgres is installed (also LAB_SIMULATED_DB=true). */
  simulated?: boolean;
}

export const PG_MISSING_MESSAGE = [
  "PostgreSQL 15 server binaries were not found (checked $PG_BIN_DIR, /usr/lib/postgresql/15/bin, `pg_config --bindir`).",
  "The lab runs with a SIMULATED database tier (SIMULATED_DB=true; fleet.json marks simulated: true).",
  "For real Postgres: `sudo apt-get install postgresql-15` (Debian/Ubuntu) or `brew install postgresql@15` (macOS), then `npm run lab -- reset` and start again.",
].join("\n");

export interface RegionStatus {
  id: RegionId;
  role: RegionRole;
  /** Where its servers listen: its own address on the lab network, or 127.0.0.1. */
  address: string;
  pgPort: number;
  apiUrl: string;
  db: "up" | "down";
  api: "up" | "down";
  /** Replicas: the primary's pg_stat_replication state for this replica's slot, or "disconnected"/"down". */
  replication?: string;
  replayPaused?: boolean;
  /** The region host's sshd that the console's host commands go through; null when they run locally. */
  sshd: SshdStatus | null;
  faults: string[];
}

export interface LabStatus {
  labDir: string;
  simulated: boolean;
  fleetFile: string;
  pgRoot: string | null;
  /** How the console runs host commands (pg_ctl, pg_rewind, pg_basebackup, the hooks): over SSH to each region's sshd, or locally. */
  hostCommands: "ssh" | "local";
  /** Why host commands run locally (only when they do). */
  localReason?: string;
  /** The regions' own network (each a namespace on a bridge), or null when they share loopback. */
  network: { subnet: string; consoleAddress: string } | null;
  /** Whether partition/isolate/heal work here, and why not. */
  networkFaults: "available" | { unavailable: string };
  regions: RegionStatus[];
  /** The global load balancer (HAProxy), or null when the lab runs without one (`balancerReason` says why). */
  balancer: BalancerStatus | null;
  balancerReason?: string;
  /** The synthetic users sending through the balancer, or null without a balancer. */
  generator: GeneratorStatus | null;
}

export interface StartResult {
  status: LabStatus;
  /** What this call had to do; empty when everything was already running. */
  actions: string[];
  warnings: string[];
}

async function createState(labDir: string, forceSimulated: boolean): Promise<LabState> {
  const pgBinDir = forceSimulated ? null : await findPgBinDir();
  const runAsUser = pgBinDir && isRoot() ? "postgres" : null;
  let pgRoot: string | null = null;
  let pgRootIsFallback = false;
  if (pgBinDir) {
    pgRoot = path.join(labDir, "pg");
    if (runAsUser && !(await userCanTraverse(runAsUser, labDir))) {
      pgRoot = fallbackPgRoot(labDir);
      pgRootIsFallback = true;
    }
  }
  const pgLogDir = pgRootIsFallback && pgRoot ? path.join(pgRoot, "logs") : labFiles(labDir).logs;
  const ports = await freePorts(LAB_REGIONS.length * 2);
  const regions: LabState["regions"] = {};
  LAB_REGIONS.forEach((r, i) => {
    regions[r.id] = {
      role: r.role,
      pgPort: ports[i * 2] ?? 0,
      apiPort: ports[i * 2 + 1] ?? 0,
      apiPid: null,
      spareApiPid: null,
      dataDir: pgRoot ? path.join(pgRoot, "data", r.id) : null,
      pgLog: pgRoot ? path.join(pgLogDir, `pg-${r.id}.log`) : null,
      faults: { ...NO_FAULTS },
      sshd: null,
      cut: { fromConsole: false, fromRegions: false },
    };
  });
  // Regions get a network of their own only with real servers to put on it, and only as root.
  const networkReason = pgBinDir ? await networkUnavailableReason(labDir) : "the database tier is simulated";
  const state: LabState = {
    version: 1,
    labDir,
    createdAt: new Date().toISOString(),
    simulated: !pgBinDir,
    pgBinDir,
    pgRoot,
    pgRootIsFallback,
    socketDir: pgRoot ? socketDirFor(pgRoot, labDir) : null,
    runAsUser,
    hostCommands: "local",
    localReason: null,
    sshAuthorizedKeys: null,
    network: networkReason ? null : await claimSubnet(labDir),
    networkReason,
    regions,
    balancer: null,
    balancerReason: null,
    generator: null,
    hostAgentPid: null,
  };
  writeState(labDir, state);
  return state;
}

/** Creates what is missing and starts what is stopped; waits for Postgres, streaming replicas and every API. */
export async function startLab(options: StartOptions = {}): Promise<StartResult> {
  const labDir = resolveLabDir(options.labDir);
  const files = labFiles(labDir);
  for (const dir of [labDir, files.logs, files.apiEnvDir]) mkdirSync(dir, { recursive: true });
  const actions: string[] = [];
  const warnings: string[] = [];

  let state = readState(labDir);
  if (!state) {
    state = await createState(labDir, options.simulated ?? process.env.LAB_SIMULATED_DB === "true");
    actions.push(`created lab state in ${labDir}`);
  }
  if (state.simulated) {
    warnings.push(
      (await findPgBinDir())
        ? "This lab was built with a simulated database tier (LAB_SIMULATED_DB=true); reset it to use PostgreSQL."
        : PG_MISSING_MESSAGE,
    );
    if (Object.values(state.regions).some((r) => r.faults.dbDown)) {
      state = updateState(labDir, (s) => Object.values(s.regions).forEach((r) => (r.faults.dbDown = false)));
      actions.push("started simulated databases");
    }
  } else {
    await startNetwork(state, actions);
    await startPostgres(state, actions, warnings);
  }
  if (!state.network)
    warnings.push(
      `Network faults are unavailable: every region shares this machine's loopback (${state.networkReason ?? "lab built without a network"}).`,
    );

  await bundleLabPrograms(labDir);
  // State writes are synchronous read-modify-writes, so the sshds and the APIs can start side by side.
  await Promise.all([
    ensureSshd(labDir, actions, warnings),
    startHostAgent(labDir, actions, warnings),
    ...REGION_IDS.map(async (id) => {
      const current = readState(labDir) ?? state;
      if (isOurApiProcess(regionState(current, id).apiPid, labDir, id) && (await apiAnswers(labDir, id))) {
        await startSpareApi(current, id); // on the program just bundled
        return;
      }
      ensureApiEnv(current, id);
      const pid = await startApiProcess(current, id);
      updateState(labDir, (s) => (regionState(s, id).apiPid = pid));
      actions.push(`started ${id} API (pid ${pid})`);
    }),
  ]);

  const regionsStatus = await labStatus({ labDir });
  const roles = fleetRoles(regionsStatus);
  await startTraffic(labDir, roles, actions, warnings);
  const status = { ...regionsStatus, ...(await trafficStatus(requireState(labDir))) };
  writeFleetFile(requireState(labDir), roles);
  return { status, actions, warnings };
}

/** The host agent the API hooks ask (lab/host-agent.ts); without it (or without curl) the hooks start host.mjs. */
async function startHostAgent(labDir: string, actions: string[], warnings: string[]): Promise<void> {
  if (!findCurl()) {
    warnings.push("curl is not installed: the region API hooks start Node for each command (~0.1 s of CPU each)");
    await stopHostAgent(labDir);
    return;
  }
  try {
    const pid = await ensureHostAgent(labDir);
    if (pid) actions.push(`started the host agent (pid ${pid})`);
  } catch (error) {
    await stopHostAgent(labDir).catch(() => undefined);
    warnings.push(
      `the host agent did not start (${error instanceof Error ? error.message : String(error)}): the region API hooks start Node for each command`,
    );
  }
}

/** The balancer in front of the region APIs, then the users behind it; without a balancer, no users either. */
async function startTraffic(
  labDir: string,
  roles: Record<RegionId, RegionRole>,
  actions: string[],
  warnings: string[],
): Promise<void> {
  const primary = REGION_IDS.find((id) => roles[id] === "primary") ?? PRIMARY_REGION;
  const balancer = (await ensureBalancer(labDir, primary, actions, warnings)) ? requireState(labDir).balancer : null;
  if (!balancer) {
    await stopGenerator(labDir);
    updateState(labDir, (s) => (s.generator = null));
    return;
  }
  try {
    await ensureGenerator(labDir, frontendUrl(balancer.frontendPort), actions);
  } catch (error) {
    warnings.push(`the traffic generator did not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function trafficStatus(state: LabState): Promise<Pick<LabStatus, "balancer" | "balancerReason" | "generator">> {
  const [balancer, generator] = await Promise.all([balancerStatus(state), generatorStatus(state)]);
  return {
    balancer,
    ...(balancer
      ? {}
      : { balancerReason: state.balancerReason ?? "the lab has not started its balancer yet (npm run lab)" }),
    generator,
  };
}

/** True when any server of the lab runs: then its network is in use and must not be torn down. */
async function anythingRuns(state: LabState): Promise<boolean> {
  for (const id of REGION_IDS) {
    const rs = regionState(state, id);
    if (isOurApiProcess(rs.apiPid, state.labDir, id)) return true;
    if (rs.sshd?.pid && isOurSshdPid(state, id)) return true;
    if (rs.dataDir && (await serverRunning(rs))) return true;
  }
  return false;
}

function isOurSshdPid(state: LabState, id: RegionId): boolean {
  const pid = regionState(state, id).sshd?.pid ?? null;
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The regions' namespaces and links: a crashed lab's leftovers (same name prefix) go first, when nothing runs. */
async function startNetwork(state: LabState, actions: string[]): Promise<void> {
  if (!state.network) return;
  if (!(await anythingRuns(state))) {
    const removed = await removeNetwork(state.network.prefix);
    if (removed.length) actions.push(`removed leftovers of an earlier lab network: ${removed.join(", ")}`);
  }
  await ensureNetwork(state, actions);
}

async function startPostgres(state: LabState, actions: string[], warnings: string[]): Promise<void> {
  await preparePgDirs(state);
  const primary = regionState(state, PRIMARY_REGION);
  const primaryPg = labPg(state, primary);
  if (!hasDataDir(primary)) {
    await initPrimary(state, primary);
    actions.push(`initdb ${PRIMARY_REGION}`);
  }
  if (!(await serverRunning(primary))) {
    await startServer(state, PRIMARY_REGION);
    actions.push(`started Postgres ${PRIMARY_REGION} on ${regionAddress(state, PRIMARY_REGION)}:${primary.pgPort}`);
  }
  if (await isInRecovery(primaryPg)) {
    warnings.push(`${PRIMARY_REGION} is in recovery (the fleet was failed over); replicas are not rebuilt from it`);
  } else {
    await createLabSchema(primaryPg);
  }
  const replicas = LAB_REGIONS.filter((r) => r.slot !== null);
  await Promise.all(
    replicas.map(async (r) => {
      const rs = regionState(state, r.id);
      if (!hasDataDir(rs) && r.slot) {
        await ensureSlot(primaryPg, r.slot);
        await createReplica(state, rs, primary, r.slot);
        actions.push(`pg_basebackup ${r.id} (slot ${r.slot})`);
      }
      if (!(await serverRunning(rs))) {
        await startServer(state, r.id);
        actions.push(`started Postgres ${r.id} on ${regionAddress(state, r.id)}:${rs.pgPort}`);
      }
    }),
  );
  // Only wait for streaming in the lab's own topology (and not across a cut); after a failover the console owns it.
  const following: string[] = [];
  for (const r of replicas) {
    const rs = regionState(state, r.id);
    if (r.slot && !rs.cut.fromRegions && !primary.cut.fromRegions && (await isInRecovery(labPg(state, rs))))
      following.push(r.slot);
  }
  if (!(await isInRecovery(primaryPg)) && following.length > 0) {
    try {
      await waitStreaming(primaryPg, following);
    } catch (error) {
      warnings.push(error instanceof Error ? error.message : String(error));
    }
  }
}

function fleetRoles(status: LabStatus): Record<RegionId, RegionRole> {
  const roles = Object.fromEntries(LAB_REGIONS.map((r) => [r.id, r.role])) as Record<RegionId, RegionRole>;
  const primaries = status.regions.filter((r) => r.role === "primary");
  if (primaries.length !== 1) return roles; // split brain or all down: keep configured roles
  for (const r of status.regions) roles[r.id] = r.role;
  return roles;
}

export async function labStatus(options: LabOptions = {}): Promise<LabStatus> {
  const labDir = resolveLabDir(options.labDir);
  const state = requireState(labDir);
  const probes = await Promise.all(
    LAB_REGIONS.map(async (r) => {
      const rs = regionState(state, r.id);
      const pgTarget = labPg(state, rs);
      const dbUp = state.simulated ? !rs.faults.dbDown : await acceptsConnections(pgTarget);
      let role: RegionRole = rs.role;
      let replayPaused = false;
      if (dbUp && !state.simulated) {
        try {
          role = (await isInRecovery(pgTarget)) ? "replica" : "primary";
          replayPaused = role === "replica" && (await isReplayPaused(pgTarget));
        } catch {
          // went away between probes: keep the configured role
        }
      } else if (state.simulated) {
        replayPaused = rs.faults.lag;
      }
      const apiUp = isOurApiProcess(rs.apiPid, labDir, r.id) && (await apiAnswers(labDir, r.id));
      const sshd = await sshdStatus(state, r.id);
      return { r, rs, dbUp, role, replayPaused, apiUp, sshd };
    }),
  );
  // Replication as the primaries see it (pg_stat_replication, keyed by the replica's slot name).
  const replication = new Map<string, string>();
  if (!state.simulated) {
    for (const p of probes.filter((p) => p.dbUp && p.role === "primary")) {
      try {
        for (const row of await replicationRows(labPg(state, p.rs))) replication.set(row.application_name, row.state);
      } catch {
        // primary went away mid-probe
      }
    }
  }
  const traffic = await trafficStatus(state);
  return {
    labDir,
    simulated: state.simulated,
    fleetFile: labFiles(labDir).fleet,
    pgRoot: state.pgRoot,
    hostCommands: state.hostCommands,
    ...(state.hostCommands === "local"
      ? { localReason: state.localReason ?? "the lab has not set up SSH yet (start it: npm run lab)" }
      : {}),
    network: state.network
      ? { subnet: `${state.network.subnet}.0/24`, consoleAddress: consoleAddress(state.network) }
      : null,
    networkFaults: state.network
      ? "available"
      : { unavailable: state.networkReason ?? "the lab was built without a network of its own" },
    regions: probes.map(({ r, rs, dbUp, role, replayPaused, apiUp, sshd }) => {
      const faults: string[] = [];
      if (!dbUp) faults.push("db-down");
      if (!apiUp) faults.push("api-down");
      if (rs.faults.slow) faults.push("api-slow");
      if (rs.faults.mirrorDown) faults.push("mirror-down");
      if (rs.faults.cdnOutage) faults.push("cdn-outage");
      if (replayPaused) faults.push("lag");
      faults.push(...describeCut(rs.cut));
      const status: RegionStatus = {
        id: r.id,
        role,
        address: regionAddress(state, r.id),
        pgPort: rs.pgPort,
        apiUrl: apiUrl(state, r.id),
        db: dbUp ? "up" : "down",
        api: apiUp ? "up" : "down",
        sshd,
        faults: [],
      };
      if (role === "replica") {
        status.replication = !dbUp
          ? "down"
          : state.simulated
            ? "streaming"
            : (r.slot && replication.get(r.slot)) || "disconnected";
        status.replayPaused = replayPaused;
      }
      return { ...status, faults };
    }),
    ...traffic,
  };
}

/** Stops every API and sshd (by PID) and every Postgres server (pg_ctl stop -m fast), replicas first. */
export async function stopLab(options: LabOptions = {}): Promise<{ labDir: string; stopped: string[] }> {
  const labDir = resolveLabDir(options.labDir);
  const state = readState(labDir);
  const stopped: string[] = [];
  if (!state) return { labDir, stopped };
  // The users first, then the balancer they go through, then the regions behind it.
  if (await stopGenerator(labDir)) stopped.push("the traffic generator");
  if (await stopBalancer(labDir)) stopped.push("HAProxy");
  if (await stopHostAgent(labDir)) stopped.push("the host agent");
  await Promise.all(
    REGION_IDS.map(async (id) => {
      const rs = regionState(state, id);
      if (await stopSpareApi(labDir, id)) stopped.push(`the spare ${id} API`);
      if (isOurApiProcess(rs.apiPid, labDir, id)) {
        await stopApiProcess(state, id);
        stopped.push(`${id} API`);
      }
    }),
  );
  updateState(labDir, (s) => Object.values(s.regions).forEach((r) => (r.apiPid = null)));
  for (const id of await stopSshd(labDir)) stopped.push(`${id} sshd`);
  if (!state.simulated) {
    const order = [...REGION_IDS].sort((a, b) => Number(a === PRIMARY_REGION) - Number(b === PRIMARY_REGION));
    for (const id of order) {
      const rs = regionState(state, id);
      if (rs.dataDir && (await serverRunning(rs))) {
        await stopServer(state, rs);
        stopped.push(`${id} Postgres`);
      }
    }
  }
  // Every namespace, link and rule the lab made (found by its name prefix, also after a crash).
  const removed = await removeNetwork(state.network?.prefix ?? networkPrefix(labDir)).catch(() => []);
  if (removed.length) stopped.push(`the lab network (${removed.length} namespaces and links)`);
  return { labDir, stopped };
}

/** Stops the lab and deletes its data (and any /tmp fallback), so the next start builds from scratch. */
export async function resetLab(options: LabOptions = {}): Promise<{ labDir: string; removed: string[] }> {
  const labDir = resolveLabDir(options.labDir);
  const state = readState(labDir);
  await stopLab({ labDir });
  if (state?.network) releaseSubnet(state.network, labDir);
  const files = labFiles(labDir);
  // Delete only what the lab made, never LAB_DIR wholesale (it could be any directory).
  const targets = [
    files.state,
    files.fleet,
    files.apiEnvDir,
    files.logs,
    files.balancerDir,
    path.join(labDir, "pg"),
    fallbackPgRoot(labDir),
    ...sshPathsToRemove(labDir),
  ];
  if (state?.pgRoot) targets.push(state.pgRoot);
  if (state?.socketDir) targets.push(state.socketDir);
  const removed: string[] = [];
  for (const target of new Set(targets)) {
    if (existsSync(target)) {
      rmSync(target, { recursive: true, force: true });
      removed.push(target);
    }
  }
  if (existsSync(labDir) && readdirSync(labDir).length === 0) rmdirSync(labDir);
  return { labDir, removed };
}

/** How tools and tests reach a region's PostgreSQL server as the lab does: its Unix socket, whatever the network. */
export function regionPg(labDir: string, region: RegionId): PgTarget {
  const state = requireState(labDir);
  return labPg(state, regionState(state, region));
}

export { restartApi, setApiEnv } from "./api-process";
