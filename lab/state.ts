import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { labFiles } from "./paths";

/** Faults the region API models itself; `dbDown`/`lag` are only used by the simulated database tier. */
export const regionFaultsSchema = z.object({
  slow: z.boolean().default(false),
  mirrorDown: z.boolean().default(false),
  cdnOutage: z.boolean().default(false),
  dbDown: z.boolean().default(false),
  lag: z.boolean().default(false),
});
export type RegionFaults = z.infer<typeof regionFaultsSchema>;

export const NO_FAULTS: RegionFaults = { slow: false, mirrorDown: false, cdnOutage: false, dbDown: false, lag: false };

const regionStateSchema = z.object({
  role: z.enum(["primary", "replica"]),
  pgPort: z.number().int(),
  apiPort: z.number().int(),
  apiPid: z.number().int().nullable().default(null),
  dataDir: z.string().nullable(),
  pgLog: z.string().nullable(),
  faults: regionFaultsSchema.default(NO_FAULTS),
  /** The region's own OpenSSH server (lab/sshd.ts): its port is kept across restarts; pid null when stopped. */
  sshd: z.object({ port: z.number().int(), pid: z.number().int().nullable() }).nullable().default(null),
  /** Network faults (lab/network): packets between this region and the console, or the other regions, are dropped. */
  cut: z
    .object({ fromConsole: z.boolean(), fromRegions: z.boolean() })
    .default({ fromConsole: false, fromRegions: false }),
});
export type RegionState = z.infer<typeof regionStateSchema>;

export const labStateSchema = z.object({
  version: z.literal(1),
  labDir: z.string(),
  createdAt: z.string(),
  simulated: z.boolean(),
  pgBinDir: z.string().nullable(),
  /** Parent of the Postgres data dirs: `<labDir>/pg` or a /tmp fallback the postgres user can reach. */
  pgRoot: z.string().nullable(),
  pgRootIsFallback: z.boolean().default(false),
  socketDir: z.string().nullable(),
  runAsUser: z.string().nullable(),
  /** How the console reaches the regions' hosts: through each region's sshd, or on this machine. */
  hostCommands: z.enum(["ssh", "local"]).default("local"),
  /** Why host commands run locally (set by the last start). */
  localReason: z.string().nullable().default(null),
  /** The authorized_keys file sshd reads: `<labDir>/ssh/authorized_keys`, or a /run fallback that StrictModes accepts. */
  sshAuthorizedKeys: z.string().nullable().default(null),
  /**
   * The regions' own network (lab/network): namespaces and links named with `prefix`, addresses in `<subnet>.0/24`.
   * Null: every region sits on loopback (`networkReason` says why).
   */
  network: z.object({ prefix: z.string(), subnet: z.string() }).nullable().default(null),
  networkReason: z.string().nullable().default(null),
  regions: z.record(z.string(), regionStateSchema),
  /**
   * The global load balancer (lab/balancer.ts): HAProxy's frontend port, kept across restarts, and its PID (null
   * when stopped). Null: the lab runs without one (`balancerReason` says why).
   */
  balancer: z.object({ frontendPort: z.number().int(), pid: z.number().int().nullable() }).nullable().default(null),
  balancerReason: z.string().nullable().default(null),
  /** The synthetic users behind the balancer (lab/traffic): the generator's HTTP port and PID (null when stopped). */
  generator: z.object({ port: z.number().int(), pid: z.number().int().nullable() }).nullable().default(null),
});
export type LabState = z.infer<typeof labStateSchema>;

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
