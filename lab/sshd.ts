import { execFile, spawn } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import type { SshTransport } from "../lib/fleet-config";
import { sshArgs } from "../lib/ssh-command";
import { tail } from "./api-process";
import { run } from "./exec";
import { regionAddress, regionNetns } from "./network/net";
import { fallbackSshRoot, isRoot, labFiles } from "./paths";
import { freePorts } from "./ports";
import { REGION_IDS, type RegionId } from "./regions";
import { readState, updateState, type LabState } from "./state";
import { waitFor } from "./wait";

/**
 * A real OpenSSH server per region, so the console runs its host commands (pg_ctl, pg_rewind, pg_basebackup,
 * the hooks) over SSH to the lab as it would to a real fleet. Only as root (sshd logs users in, and the console
 * sudoes to `postgres`), only with a real database tier, and all regions or none: when any sshd fails to start
 * or to take a real client's login, every region's host commands run locally and the lab says why.
 */

export const SSHD_PATH = "/usr/sbin/sshd";
export const SSH_USER = "root";
/** What `ssh` gets for ConnectTimeout in the lab's own checks and in the fleet file. */
export const SSH_CONNECT_TIMEOUT_SECONDS = 2;
const STD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface SshdStatus {
  port: number;
  pid: number | null;
  up: boolean;
}

function findOnPath(name: string): string | null {
  const dirs = `${process.env.PATH ?? ""}:${STD_PATH}`.split(":").filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function missingTools(): string[] {
  const missing: string[] = [];
  try {
    accessSync(SSHD_PATH, constants.X_OK);
  } catch {
    missing.push(SSHD_PATH);
  }
  for (const tool of ["ssh", "ssh-keygen", "sudo"]) if (!findOnPath(tool)) missing.push(tool);
  return missing;
}

/** Why this lab cannot run host commands over SSH, or null when it can. */
export function sshUnavailableReason(state: LabState): string | null {
  if (!isRoot()) return "the lab is not running as root (an sshd per region needs root)";
  const missing = missingTools();
  if (missing.length > 0)
    return `OpenSSH or sudo is not installed (missing ${missing.join(", ")}; as root: bash scripts/ensure-openssh.sh)`;
  if (state.simulated) return "the database tier is simulated (there are no PostgreSQL hosts to reach)";
  return null;
}

/** True when `pid` is a live sshd of this lab: its command line (sshd rewrites it) still names our config file. */
export function isOurSshd(pid: number | null, config: string): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!existsSync("/proc/self/cmdline")) return true; // no procfs: trust the PID
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").includes(config);
  } catch {
    return false; // exited, or a zombie with an empty cmdline
  }
}

/** Whether something accepts TCP connections on `host`:`port`. */
export function portAnswers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Whether process `pid` listens on TCP `port`, read from its own network namespace's socket table: true on the
 * region's network whatever the faults between it and the console.
 */
export function listensOn(pid: number, port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  try {
    return readFileSync(`/proc/${pid}/net/tcp`, "utf8")
      .split("\n")
      .some((line) => {
        const [, local, , st] = line.trim().split(/\s+/);
        return !!local?.endsWith(hex) && st === "0A"; // 0A: LISTEN
      });
  } catch {
    return false;
  }
}

export async function sshdStatus(state: LabState, id: RegionId): Promise<SshdStatus | null> {
  const sshd = state.regions[id]?.sshd;
  if (state.hostCommands !== "ssh" || !sshd) return null;
  const up = isOurSshd(sshd.pid, labFiles(state.labDir).sshdConfig(id)) && !!sshd.pid && listensOn(sshd.pid, sshd.port);
  return { port: sshd.port, pid: sshd.pid, up };
}

/** How the console reaches a region's sshd: the transport the lab's fleet file gives it. */
export function labTransport(labDir: string, host: string, port: number): SshTransport {
  const files = labFiles(labDir);
  return {
    kind: "ssh",
    host,
    port,
    user: SSH_USER,
    identityFile: files.sshClientKey,
    knownHostsFile: files.sshKnownHosts,
    connectTimeoutSeconds: SSH_CONNECT_TIMEOUT_SECONDS,
  };
}

/**
 * sshd's StrictModes walks from the authorized_keys file up to /: every directory must be root's and not
 * group/world-writable. Returns the first directory that fails, or null.
 */
function strictModesRefuses(dir: string): string | null {
  let current = realpathSync(dir);
  for (;;) {
    const st = statSync(current);
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

async function ensureKey(file: string): Promise<boolean> {
  if (existsSync(file) && existsSync(`${file}.pub`)) return false;
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  await run(["ssh-keygen", "-t", "ed25519", "-N", "", "-q", "-C", "switchyard-lab", "-f", file], { timeoutMs: 30_000 });
  chmodSync(file, 0o600);
  return true;
}

/** `ssh-ed25519 AAAA…` from a .pub file (without its comment). */
function publicKey(file: string): string {
  return readFileSync(`${file}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
}

/** `<labDir>/ssh/authorized_keys` when StrictModes accepts that path, else the /run fallback. */
function authorizedKeysFile(labDir: string): string {
  const files = labFiles(labDir);
  if (!strictModesRefuses(files.ssh)) return files.sshAuthorizedKeys;
  const fallback = fallbackSshRoot(labDir);
  privateDir(fallback);
  const refused = strictModesRefuses(fallback);
  if (refused)
    throw new Error(`sshd's StrictModes would refuse the authorized_keys file (bad ownership or modes for ${refused})`);
  return path.join(fallback, "authorized_keys");
}

function sshdConfig(state: LabState, id: RegionId, port: number, authorizedKeys: string): string {
  const files = labFiles(state.labDir);
  return [
    `# switchyard lab: the ${id} host's sshd (written by lab/sshd.ts on every start)`,
    `Port ${port}`,
    `ListenAddress ${regionAddress(state, id)}`,
    `HostKey ${files.sshHostKey(id)}`,
    `PidFile ${files.sshdPidFile(id)}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PubkeyAuthentication yes",
    "PermitRootLogin prohibit-password",
    // with UsePAM no, sshd refuses locked accounts such as Debian's postgres
    "UsePAM yes",
    "StrictModes yes",
    `AllowUsers ${SSH_USER}`,
    "X11Forwarding no",
    "AllowTcpForwarding no",
    "PrintMotd no",
    "MaxSessions 50",
    // a session whose client vanished (its console killed) ends within 15 s instead of lingering
    "ClientAliveInterval 5",
    "ClientAliveCountMax 3",
    "MaxStartups 100:30:200",
    // Bash sources ~/.bashrc for a command sshd starts, unless it is a nested shell: SHLVL=1 makes it one, so the
    // machine's own shell setup (root's pyenv rehash takes a lock that a killed session leaves behind, and then every
    // later login waits a minute) never runs for the console's host commands.
    "SetEnv SHLVL=1",
    "LogLevel VERBOSE",
    "",
  ].join("\n");
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Stops one sshd by PID: SIGTERM, then SIGKILL after 10 s. */
async function stopSshdPid(pid: number, config: string): Promise<void> {
  if (!isOurSshd(pid, config)) return;
  signal(pid, "SIGTERM");
  try {
    await waitFor(`sshd (pid ${pid}) to exit`, () => !isOurSshd(pid, config), { timeoutMs: 10_000, intervalMs: 50 });
  } catch {
    signal(pid, "SIGKILL");
    await waitFor(`sshd (pid ${pid}) to die`, () => !isOurSshd(pid, config), { timeoutMs: 10_000, intervalMs: 50 });
  }
}

/** Stops every sshd of the lab by its recorded PID; returns the regions whose sshd was running. */
export async function stopSshd(labDir: string): Promise<RegionId[]> {
  const state = readState(labDir);
  if (!state) return [];
  const files = labFiles(labDir);
  const stopped: RegionId[] = [];
  await Promise.all(
    REGION_IDS.map(async (id) => {
      const pid = state.regions[id]?.sshd?.pid ?? null;
      if (pid && isOurSshd(pid, files.sshdConfig(id))) {
        await stopSshdPid(pid, files.sshdConfig(id));
        stopped.push(id);
      }
    }),
  );
  updateState(labDir, (s) => {
    for (const r of Object.values(s.regions)) if (r.sshd) r.sshd.pid = null;
  });
  return stopped;
}

/** A free loopback port that is none of the lab's own (a stopped Postgres or API keeps its port). */
async function freshPort(labDir: string): Promise<number> {
  const regions = Object.values(readState(labDir)?.regions ?? {});
  const taken = new Set(regions.flatMap((r) => [r.pgPort, r.apiPort, r.sshd?.port ?? 0]));
  for (;;) {
    const [port] = await freePorts(1);
    if (port && !taken.has(port)) return port;
  }
}

/** Gives every region without one an sshd port, recorded at once so no two regions get the same. */
async function assignPorts(labDir: string): Promise<void> {
  for (const id of REGION_IDS) {
    if (readState(labDir)?.regions[id]?.sshd) continue;
    const port = await freshPort(labDir);
    updateState(labDir, (s) => {
      const rs = s.regions[id];
      if (rs) rs.sshd = { port, pid: null };
    });
  }
}

type Launch = { pid: number } | { exited: string };

/** Starts `sshd -D` detached in the region's namespace and waits until it listens (or exits, e.g. when its port was taken). */
async function launchSshd(state: LabState, id: RegionId, port: number, authorizedKeys: string): Promise<Launch> {
  const files = labFiles(state.labDir);
  const config = files.sshdConfig(id);
  writeFileSync(config, sshdConfig(state, id, port, authorizedKeys), { mode: 0o600 });
  const netns = regionNetns(state, id);
  const argv = [SSHD_PATH, "-D", "-f", config, "-E", files.sshdLog(id)];
  const [command, ...args] = netns ? ["ip", "netns", "exec", netns, ...argv] : argv;
  const child = spawn(command!, args, {
    detached: true,
    stdio: "ignore",
    // sshd builds each session's environment itself; it needs nothing of ours (e.g. a test runner's)
    env: { PATH: STD_PATH, NODE_ENV: process.env.NODE_ENV },
  });
  let exited: string | null = null;
  child.once("exit", (code, sig) => (exited = sig ? `killed by ${sig}` : `exit code ${code}`));
  child.once("error", (error) => (exited = error.message));
  child.unref();
  const pid = child.pid;
  if (!pid) return { exited: exited ?? "no pid" };
  const result = await waitFor<Launch>(
    `the ${id} sshd to listen on ${regionAddress(state, id)}:${port}`,
    () => {
      if (exited) return { exited: `${exited}; its log:\n${tail(files.sshdLog(id), 5)}` };
      return isOurSshd(pid, config) && listensOn(pid, port) ? { pid } : false;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  ).catch(async (error: unknown) => {
    await stopSshdPid(pid, config);
    throw error;
  });
  return result;
}

/** Keeps a live sshd of ours that answers; otherwise starts one (on a new port when its old one is taken). */
async function ensureRegionSshd(
  labDir: string,
  id: RegionId,
  authorizedKeys: string,
  actions: string[],
): Promise<number> {
  const files = labFiles(labDir);
  const config = files.sshdConfig(id);
  let state = readState(labDir);
  if (!state) throw new Error(`no lab state in ${labDir}`);
  const recorded = state.regions[id]?.sshd ?? null;
  if (recorded?.pid && isOurSshd(recorded.pid, config)) {
    const sameConfig =
      existsSync(config) && readFileSync(config, "utf8") === sshdConfig(state, id, recorded.port, authorizedKeys);
    if (sameConfig && listensOn(recorded.pid, recorded.port)) return recorded.port;
    await stopSshdPid(recorded.pid, config); // deaf, or configured otherwise: start afresh
  }
  let port = recorded?.port ?? null;
  for (let attempt = 1; ; attempt++) {
    if (port === null || (await portAnswers(regionAddress(state, id), port))) port = await freshPort(labDir); // new, or taken by someone else
    const started = Date.now();
    const launched = await launchSshd(state, id, port, authorizedKeys);
    if ("pid" in launched) {
      const { pid } = launched;
      const chosen = port;
      state = updateState(labDir, (s) => {
        const rs = s.regions[id];
        if (rs) rs.sshd = { port: chosen, pid };
      });
      actions.push(
        `started ${id} sshd on ${regionAddress(state, id)}:${port} (pid ${pid}, listening after ${Date.now() - started} ms)`,
      );
      return port;
    }
    if (attempt >= 2) throw new Error(`the ${id} sshd did not start: ${launched.exited}`);
    port = null; // most likely its port was taken between the check and the bind: try another
  }
}

/** Logs in with the real client, as the console will, and runs `true` (through sudo when Postgres runs as another user). */
async function verifyLogin(state: LabState, id: RegionId, port: number): Promise<string | null> {
  const host = regionAddress(state, id);
  const args = sshArgs(labTransport(state.labDir, host, port), ["true"], { runAsUser: state.runAsUser ?? undefined });
  const remote = args[args.length - 1];
  return new Promise((resolve) => {
    execFile("ssh", args, { cwd: "/", timeout: 60_000, encoding: "utf8" }, (error, _stdout, stderr) => {
      if (!error) return resolve(null);
      const code = (error as { code?: unknown }).code;
      const detail = (stderr.trim() || error.message).replace(/\s*\r?\n\s*/g, " / ");
      resolve(`${id} (ssh ${SSH_USER}@${host} -p ${port} ${remote}) exited ${String(code ?? "?")}: ${detail}`);
    });
  });
}

function setLocal(labDir: string, reason: string): void {
  updateState(labDir, (s) => {
    s.hostCommands = "local";
    s.localReason = reason;
  });
}

/**
 * Makes every region's sshd run (keys, config, known_hosts, one verified login each) and records whether host
 * commands go over SSH. Never throws for SSH's sake: on any failure the lab falls back to local execution,
 * stops its sshds and says why in `warnings`.
 */
export async function ensureSshd(labDir: string, actions: string[], warnings: string[]): Promise<void> {
  const state = readState(labDir);
  if (!state) throw new Error(`no lab state in ${labDir}`);
  const unavailable = sshUnavailableReason(state);
  const fallBack = async (reason: string) => {
    await stopSshd(labDir).catch(() => undefined);
    setLocal(labDir, reason);
    warnings.push(`Host commands run locally, not over SSH: ${reason}${/[.!?)]$/.test(reason) ? "" : "."}`);
  };
  if (unavailable) return fallBack(unavailable);
  const files = labFiles(labDir);
  let phase = "setting up sshd";
  try {
    privateDir(files.ssh);
    for (const id of REGION_IDS) privateDir(files.sshRegionDir(id));
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // sshd's privilege-separation directory
    const generated = (
      await Promise.all([ensureKey(files.sshClientKey), ...REGION_IDS.map((id) => ensureKey(files.sshHostKey(id)))])
    ).some(Boolean);
    if (generated) actions.push(`generated SSH keys in ${files.ssh}`);
    const authorizedKeys = authorizedKeysFile(labDir);
    writeFileSync(authorizedKeys, `${publicKey(files.sshClientKey)} switchyard-lab\n`, { mode: 0o600 });
    chmodSync(authorizedKeys, 0o600);
    updateState(labDir, (s) => (s.sshAuthorizedKeys = authorizedKeys));

    await assignPorts(labDir);
    const ports = await Promise.all(REGION_IDS.map((id) => ensureRegionSshd(labDir, id, authorizedKeys, actions)));
    const knownHosts = REGION_IDS.map(
      (id, i) => `[${regionAddress(state, id)}]:${ports[i]} ${publicKey(files.sshHostKey(id))}\n`,
    ).join("");
    const tmp = `${files.sshKnownHosts}.${process.pid}.tmp`; // a console reading it never sees half a file
    writeFileSync(tmp, knownHosts, { mode: 0o600 });
    renameSync(tmp, files.sshKnownHosts);

    phase = "verification failed";
    const current = readState(labDir) ?? state;
    // A region cut off from the console cannot be logged into now; its sshd was seen listening.
    const reachable = REGION_IDS.flatMap((id, i) =>
      current.regions[id]?.cut.fromConsole ? [] : [{ id, port: ports[i] ?? 0 }],
    );
    const failures = (await Promise.all(reachable.map(({ id, port }) => verifyLogin(current, id, port)))).filter(
      (f): f is string => !!f,
    );
    if (failures.length > 0) throw new Error(failures.join("; "));
    updateState(labDir, (s) => {
      s.hostCommands = "ssh";
      s.localReason = null;
    });
  } catch (error) {
    await fallBack(`${phase}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What reset deletes for SSH: `<labDir>/ssh` (keys, configs, logs) and the /run fallback of authorized_keys. */
export function sshPathsToRemove(labDir: string): string[] {
  return [labFiles(labDir).ssh, fallbackSshRoot(labDir)];
}
