import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
// zod/mini: every lab hook and region API start reads the state, and full zod costs each ~60 ms of start-up
import * as z from "zod/mini";
import { LabError } from "./errors";
import { labFiles } from "./paths";
import type { RegionId } from "./regions";

/** Faults the region API models itself; `dbDown`/`lag` are only used by the simulated database tier. */
export const regionFaultsSchema = z.object({
  slow: z._default(z.boolean(), false),
  mirrorDown: z._default(z.boolean(), false),
  cdnOutage: z._default(z.boolean(), false),
  dbDown: z._default(z.boolean(), false),
  lag: z._default(z.boolean(), false),
});
export type RegionFaults = z.infer<typeof regionFaultsSchema>;

export const NO_FAULTS: RegionFaults = { slow: false, mirrorDown: false, cdnOutage: false, dbDown: false, lag: false };

const pid = () => z.nullable(z.int());

const regionStateSchema = z.object({
  role: z.enum(["primary", "replica"]),
  pgPort: z.int(),
  apiPort: z.int(),
  apiPid: z._default(pid(), null),
  /** A booted region API process waiting to become the next one started (lab/api-spare.ts); null when none. */
  spareApiPid: z._default(pid(), null),
  dataDir: z.nullable(z.string()),
  pgLog: z.nullable(z.string()),
  faults: z._default(regionFaultsSchema, NO_FAULTS),
  /** The region's own OpenSSH server (lab/sshd.ts): its port is kept across restarts; pid null when stopped. */
  sshd: z._default(z.nullable(z.object({ port: z.int(), pid: pid() })), null),
  /** Network faults (lab/network): packets between this region and the console, or the other regions, are dropped. */
  cut: z._default(z.object({ fromConsole: z.boolean(), fromRegions: z.boolean() }), {
    fromConsole: false,
    fromRegions: false,
  }),
});
export type RegionState = z.infer<typeof regionStateSchema>;

export const labStateSchema = z.object({
  version: z.literal(1),
  labDir: z.string(),
  createdAt: z.string(),
  simulated: z.boolean(),
  pgBinDir: z.nullable(z.string()),
  /** Parent of the Postgres data dirs: `<labDir>/pg` or a /tmp fallback the postgres user can reach. */
  pgRoot: z.nullable(z.string()),
  pgRootIsFallback: z._default(z.boolean(), false),
  socketDir: z.nullable(z.string()),
  runAsUser: z.nullable(z.string()),
  /** How the console reaches the regions' hosts: through each region's sshd, or on this machine. */
  hostCommands: z._default(z.enum(["ssh", "local"]), "local"),
  /** Why host commands run locally (set by the last start). */
  localReason: z._default(z.nullable(z.string()), null),
  /** The authorized_keys file sshd reads: `<labDir>/ssh/authorized_keys`, or a /run fallback that StrictModes accepts. */
  sshAuthorizedKeys: z._default(z.nullable(z.string()), null),
  /**
   * The regions' own network (lab/network): namespaces and links named with `prefix`, addresses in `<subnet>.0/24`.
   * Null: every region sits on loopback (`networkReason` says why).
   */
  network: z._default(z.nullable(z.object({ prefix: z.string(), subnet: z.string() })), null),
  networkReason: z._default(z.nullable(z.string()), null),
  regions: z.record(z.string(), regionStateSchema),
  /**
   * The global load balancer (lab/balancer.ts): HAProxy's frontend port, kept across restarts, and its PID (null
   * when stopped). Null: the lab runs without one (`balancerReason` says why).
   */
  balancer: z._default(z.nullable(z.object({ frontendPort: z.int(), pid: pid() })), null),
  balancerReason: z._default(z.nullable(z.string()), null),
  /** The synthetic users behind the balancer (lab/traffic): the generator's HTTP port and PID (null when stopped). */
  generator: z._default(z.nullable(z.object({ port: z.int(), pid: pid() })), null),
  /** The host agent (lab/host-agent.ts), what the API hooks ask over its socket: its PID, null when stopped. */
  hostAgentPid: z._default(pid(), null),
});
export type LabState = z.infer<typeof labStateSchema>;

export function requireState(labDir: string): LabState {
  const state = readState(labDir);
  if (!state) throw new LabError(`no lab in ${labDir}; start it first (npm run lab)`);
  return state;
}

export function regionState(state: LabState, id: RegionId): RegionState {
  const rs = state.regions[id];
  if (!rs) throw new Error(`lab state has no entry for ${id}`);
  return rs;
}

export function readState(labDir: string): LabState | null {
  const file = labFiles(labDir).state;
  if (!existsSync(file)) return null;
  return labStateSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

/** Atomic write (temp file + rename) so a concurrent reader never sees half a file. */
export function writeState(labDir: string, state: LabState): void {
  const file = labFiles(labDir).state;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Read-modify-write against the file on disk, so changes made by other processes are kept. */
export function updateState(labDir: string, change: (state: LabState) => void): LabState {
  const state = readState(labDir);
  if (!state) throw new Error(`no lab state in ${labDir}; run the lab's start first`);
  change(state);
  writeState(labDir, state);
  return state;
}
