import "server-only";
import path from "node:path";
import type { HostCommand, RegionConfig, Transport } from "@/lib/fleet-config";
import { describeSshError, failedBeforeRunning, sshArgs } from "@/lib/ssh-command";
import { launch } from "./launcher";
import { controlPath } from "./ssh";

/**
 * Host commands, run with execFile from fixed argument templates: never a local shell, never a string built
 * from input (over ssh, each argument is quoted for the remote shell: lib/ssh-command). Only the runbook's
 * tools (systemctl, pg_ctl, pg_rewind, pg_basebackup) and the fleet file's own hooks run; every value placed
 * into a template is checked against a strict pattern first.
 */

const ALLOWED_TOOLS = new Set(["systemctl", "pg_ctl", "pg_rewind", "pg_basebackup"]);

export const patterns = {
  host: /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/,
  slot: /^[a-z0-9_]{1,63}$/,
  envValue: /^[A-Za-z0-9._:-]{1,253}$/,
  envKey: /^(DB_HOST|DB_PORT|CDN_ENABLED|CDN_PROVIDER|CDN_ROLLOUT_PROVIDER|CDN_ROLLOUT_PERCENT)$/,
};

export class HostCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly output: string,
    /** the command may have done some, all or none of its work: ended by a timeout or an abort, or its connection lost */
    readonly outcomeUnknown = false,
  ) {
    super(message);
    this.name = "HostCommandError";
  }
}

export interface Spec {
  argv: string[];
  timeoutMs: number;
  /** run as this user: `runuser -u <user> --` locally (when the console runs as root), `sudo -n -u <user> --` over ssh */
  asUser?: string;
}

function assertSafe(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new Error(`refused: ${what} ${JSON.stringify(value)} does not match ${pattern}`);
  return value;
}

export const safeHost = (h: string) => assertSafe(h, patterns.host, "host");
export const safeSlot = (s: string) => assertSafe(s, patterns.slot, "slot name");
export const safePort = (p: number) => {
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`refused: port ${p}`);
  return String(p);
};

function postgresHooks(region: RegionConfig) {
  const hooks = region.hooks.postgres;
  if (!hooks)
    throw new Error(`${region.id} has no hooks.postgres in the fleet file: Switchyard cannot reach its server's host`);
  return hooks;
}

/** pg_ctl, pg_rewind or pg_basebackup of the region's host, from its fleet hooks. */
export function pgTool(
  region: RegionConfig,
  tool: "pg_ctl" | "pg_rewind" | "pg_basebackup",
  args: string[],
  timeoutMs = 120_000,
): Spec {
  const hooks = postgresHooks(region);
  return { argv: [path.join(hooks.binDir, tool), ...args], timeoutMs, asUser: hooks.runAsUser };
}

export const dataDirOf = (region: RegionConfig) => postgresHooks(region).dataDir;
/** pg_ctl start needs a log file: the server would otherwise hold our output pipe open for as long as it runs. */
export const serverLogOf = (region: RegionConfig) =>
  postgresHooks(region).logFile ?? path.join(postgresHooks(region).dataDir, "switchyard-start.log");

/** A conninfo string from fleet fields only, each checked: no value can smuggle in another keyword. */
export function conninfo(target: RegionConfig, applicationName?: string): string {
  const parts = [
    `host=${safeHost(target.postgres.host)}`,
    `port=${safePort(target.postgres.port)}`,
    `user=${assertSafe(target.postgres.user, /^[a-z_][a-z0-9_]{0,62}$/, "user")}`,
  ];
  parts.push(`dbname=${assertSafe(target.postgres.database, /^[A-Za-z0-9_]{1,63}$/, "database")}`);
  if (applicationName) parts.push(`application_name=${safeSlot(applicationName)}`);
  return parts.join(" ");
}

/** A fleet hook (its argv from the fleet file) with KEY=VALUE arguments appended, each checked. */
export function hook(command: HostCommand | undefined, what: string, env: Record<string, string> = {}): Spec {
  if (!command) throw new Error(`the fleet file has no ${what} hook for this region`);
  const extra = Object.entries(env).map(
    ([k, v]) => `${assertSafe(k, patterns.envKey, "variable")}=${assertSafe(v, patterns.envValue, `${k} value`)}`,
  );
  return { argv: [...command.argv, ...extra], timeoutMs: command.timeoutMs };
}

function allowed(spec: Spec, hooks: HostCommand[]): boolean {
  const tool = path.basename(spec.argv[0] ?? "");
  if (ALLOWED_TOOLS.has(tool)) return true;
  return hooks.some((h) => h.argv.length <= spec.argv.length && h.argv.every((a, i) => spec.argv[i] === a));
}

/** The process to start for a command on a region's host: itself, or `ssh` carrying it there. */
function invocation(spec: Spec, transport: Transport): string[] {
  if (transport.kind === "ssh")
    return ["ssh", ...sshArgs(transport, spec.argv, { runAsUser: spec.asUser, controlPath: controlPath(transport) })];
  return spec.asUser && process.getuid?.() === 0 ? ["runuser", "-u", spec.asUser, "--", ...spec.argv] : spec.argv;
}

/**
 * Runs one command on a region's host (its fleet transport: local, or over SSH), streaming each line of its
 * output to `onLine`; rejects with the exit code and the output's tail. A remote command ended by its timeout
 * or an abort, or whose connection was lost, has an unknown outcome: the error says so (`outcomeUnknown`),
 * and the runner then reads the real state.
 */
export function runHost(
  spec: Spec,
  opts: {
    transport: Transport;
    hooks: HostCommand[];
    onLine: (line: string, stream: "stdout" | "stderr") => void;
    signal?: AbortSignal;
  },
): Promise<string> {
  if (!allowed(spec, opts.hooks))
    return Promise.reject(new Error(`refused: ${spec.argv[0]} is not an allowed host command`));
  let full: string[];
  try {
    full = invocation(spec, opts.transport);
  } catch (err) {
    return Promise.reject(err);
  }
  const [cmd, ...args] = full;
  const tool = path.basename(spec.argv[0]!);
  const remote = opts.transport.kind === "ssh" ? ` on ${opts.transport.host} over ssh` : "";
  let all = ""; // both streams, as they came
  let errText = "";
  const buffers = { stdout: "", stderr: "" };
  const onData = (stream: "stdout" | "stderr", chunk: string) => {
    all += chunk;
    if (stream === "stderr") errText = (errText + chunk).slice(-4000);
    buffers[stream] += chunk;
    // pg_basebackup -P and pg_rewind --progress redraw one line with \r: each redraw is a line here.
    const parts = buffers[stream].split(/\r\n|\n|\r/);
    buffers[stream] = parts.pop() ?? "";
    for (const p of parts) if (p.trim()) opts.onLine(p, stream);
  };
  return launch(cmd!, args, { timeoutMs: spec.timeoutMs, signal: opts.signal, onData }).then((exit) => {
    for (const s of ["stdout", "stderr"] as const) if (buffers[s].trim()) opts.onLine(buffers[s], s);
    if (exit.code === 0 && !exit.timedOut && !exit.aborted) return all;
    const ended = exit.timedOut || exit.aborted;
    let why: string;
    if (ended)
      why = `${exit.aborted ? "aborted" : `timed out after ${spec.timeoutMs} ms`}${remote ? "; the ssh connection was ended" : ""}`;
    else if (remote && (exit.code === 255 || /^sudo: /m.test(errText))) why = describeSshError(errText);
    else why = exit.code !== null ? `exit code ${exit.code}` : (exit.error ?? `ended by ${exit.signal}`);
    // Over ssh, unless ssh failed before the command could start, a lost connection leaves its outcome as unknown as a timeout does.
    const unknown = !!remote && (ended || (exit.code === 255 && !failedBeforeRunning(why)));
    throw new HostCommandError(
      `${tool}${remote} failed (${why})${unknown ? ": what it did on the host is unknown" : ""}`,
      exit.code,
      all.slice(-2000),
      unknown,
    );
  });
}

/** Every hook the fleet file names, so runHost accepts them and nothing else besides the runbook's tools. */
export function fleetHooks(regions: RegionConfig[]): HostCommand[] {
  return regions.flatMap((r) =>
    [r.hooks.setApiEnv, r.hooks.restartApi, r.hooks.fence].filter((h): h is HostCommand => !!h),
  );
}
