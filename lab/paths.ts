import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run, runForExitCode } from "./exec";
import type { RegionId } from "./regions";

export const LAB_ROOT = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(LAB_ROOT, "..");
export const CLI_PATH = path.join(LAB_ROOT, "cli.ts");
export const HOST_CLI_PATH = path.join(LAB_ROOT, "host-cli.ts");
export const HOST_HOOK_PATH = path.join(LAB_ROOT, "host-hook.sh");
export const REGION_API_SERVER_PATH = path.join(LAB_ROOT, "region-api", "server.ts");
/** The region API's program as bundled: the server, started at once or held booted as a spare (lab/api-spare.ts). */
export const REGION_API_MAIN_PATH = path.join(LAB_ROOT, "region-api", "main.ts");
export const TRAFFIC_GENERATOR_PATH = path.join(LAB_ROOT, "traffic", "generator.ts");

/** LAB_DIR (absolute or relative to cwd), else `<repo>/.lab`. */
export function resolveLabDir(labDir?: string): string {
  const chosen = labDir ?? process.env.LAB_DIR;
  return chosen ? path.resolve(process.cwd(), chosen) : path.join(REPO_ROOT, ".lab");
}

export function labFiles(labDir: string) {
  return {
    state: path.join(labDir, "state.json"),
    fleet: path.join(labDir, "fleet.json"),
    apiEnvDir: path.join(labDir, "api"),
    logs: path.join(labDir, "logs"),
    /** The lab CLI, the host commands and the region API bundled at the lab's start (lab/bundle.ts): what hooks and API processes run. */
    bin: path.join(labDir, "bin"),
    cliBundle: path.join(labDir, "bin", "cli.mjs"),
    hostCliBundle: path.join(labDir, "bin", "host.mjs"),
    regionApiBundle: path.join(labDir, "bin", "region-api.mjs"),
    /** The API hooks as the fleet file runs them (lab/host-agent.ts): a shell script that asks the host agent. */
    hostHook: path.join(labDir, "bin", "host-hook.sh"),
    hostAgentLog: path.join(labDir, "logs", "host-agent.log"),
    /** The host agent's socket, beside the region APIs' control sockets (the same ~107-byte limit). */
    hostAgentSocket: path.join(fallbackPgRoot(labDir), "api", "host-agent.sock"),
    apiEnv: (region: RegionId) => path.join(labDir, "api", `${region}.env`),
    apiLog: (region: RegionId) => path.join(labDir, "logs", `api-${region}.log`),
    /** The region API's control socket (lab/api-process.ts): short, under /tmp, for the ~107-byte socket path limit. */
    apiSocket: (region: RegionId) => path.join(fallbackPgRoot(labDir), "api", `${region}.sock`),
    /** Where the region's spare API process waits to be told its environment and go (lab/api-spare.ts). */
    apiSpareSocket: (region: RegionId) => path.join(fallbackPgRoot(labDir), "api", `${region}.spare.sock`),
    /** The global load balancer (lab/balancer.ts): HAProxy's configuration and PID file, rewritten at its start. */
    balancerDir: path.join(labDir, "balancer"),
    haproxyConfig: path.join(labDir, "balancer", "haproxy.cfg"),
    haproxyPidFile: path.join(labDir, "balancer", "haproxy.pid"),
    /** HAProxy's runtime API, beside the region APIs' control sockets (the same ~107-byte limit). */
    haproxySocket: path.join(fallbackPgRoot(labDir), "api", "haproxy.sock"),
    /** The traffic generator's log (lab/traffic). */
    generatorLog: path.join(labDir, "logs", "traffic-generator.log"),
    /** The lab's OpenSSH files (lab/sshd.ts): one client key and known_hosts, a host key and sshd per region. */
    ssh: path.join(labDir, "ssh"),
    sshClientKey: path.join(labDir, "ssh", "client_ed25519"),
    sshKnownHosts: path.join(labDir, "ssh", "known_hosts"),
    sshAuthorizedKeys: path.join(labDir, "ssh", "authorized_keys"),
    sshRegionDir: (region: RegionId) => path.join(labDir, "ssh", region),
    sshHostKey: (region: RegionId) => path.join(labDir, "ssh", region, "host_ed25519"),
    sshdConfig: (region: RegionId) => path.join(labDir, "ssh", region, "sshd_config"),
    sshdPidFile: (region: RegionId) => path.join(labDir, "ssh", region, "sshd.pid"),
    sshdLog: (region: RegionId) => path.join(labDir, "ssh", region, "sshd.log"),
  };
}

export function labHash(labDir: string): string {
  return createHash("sha256").update(labDir).digest("hex").slice(0, 10);
}

/** Where the per-LAB_DIR /tmp fallback lives when the postgres user cannot reach LAB_DIR. */
export function fallbackPgRoot(labDir: string): string {
  return path.join(os.tmpdir(), `switchyard-lab-${labHash(labDir)}`);
}

/**
 * Where the lab's authorized_keys goes when sshd's StrictModes refuses `<labDir>/ssh` (every directory above the
 * file must be root's and not group/world-writable, and /tmp is world-writable).
 */
export function fallbackSshRoot(labDir: string): string {
  return path.join("/run", `switchyard-lab-${labHash(labDir)}`);
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** PostgreSQL server binaries: PG_BIN_DIR, then Debian's path, then `pg_config --bindir`. */
export async function findPgBinDir(): Promise<string | null> {
  const hasServer = (dir: string) => existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"));
  const candidates = [process.env.PG_BIN_DIR, "/usr/lib/postgresql/15/bin"].filter((d): d is string => !!d);
  for (const dir of candidates) if (hasServer(dir)) return dir;
  try {
    const { stdout } = await run(["pg_config", "--bindir"], { timeoutMs: 5_000 });
    const dir = stdout.trim();
    if (dir && hasServer(dir)) return dir;
  } catch {
    // pg_config not installed
  }
  return null;
}

/** Whether `user` can traverse into `dir` (every path component needs +x for them). */
export async function userCanTraverse(user: string, dir: string): Promise<boolean> {
  return (await runForExitCode(["runuser", "-u", user, "--", "test", "-x", dir])) === 0;
}

/** Unix sockets have a ~107 byte path limit; fall back to a short /tmp path when needed. */
export function socketDirFor(pgRoot: string, labDir: string): string {
  const preferred = path.join(pgRoot, "sock");
  if (preferred.length + ".s.PGSQL.65535".length + 1 < 100) return preferred;
  return path.join(fallbackPgRoot(labDir), "sock");
}
