import "server-only";
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { slotName, type FleetConfig, type HostCommand, type RegionConfig, type SshTransport } from "@/lib/fleet-config";
import { describeSshError, sshArgs } from "@/lib/ssh-command";
import { formatSeconds } from "@/lib/units";
import { withServer } from "@/server/actions/executors/sql";
import { probeSsh } from "@/server/actions/executors/ssh";

/**
 * npm run fleet:check: whether Switchyard can watch and drive a fleet, region by region, before anyone trusts it
 * with one. It only reads: SSH logins (connections of their own) that run `test -x`, `command -v`, `sudo -l` and
 * `pg_ctl --version`, SELECTs on each PostgreSQL server and GETs of the region API's read endpoints. Never a
 * runbook action, never a POST.
 */

/** ok: as Switchyard needs it; warn: works, but look at it; FAIL: Switchyard cannot rely on it; skip: not checked because an earlier row failed. */
export type CheckResult = "ok" | "warn" | "FAIL" | "skip";

export interface CheckRow {
  region: string;
  /** e.g. ssh.login, ssh.pg_ctl, host.local, pg.connect, pg.role, pg.replication, api.health */
  check: string;
  result: CheckResult;
  /** what was observed, or why not, in plain words */
  detail: string;
}

export interface FleetCheckOptions {
  /** bound of each PostgreSQL and HTTP check; SSH checks use the transport's connectTimeoutSeconds plus 5 s, as the console does */
  timeoutMs: number;
}

/** The region API's read endpoints the collector and the runbook use; the POST ones are never called. */
export const API_READS: { check: string; path: string; query?: (region: RegionConfig) => Record<string, string> }[] = [
  { check: "api.health", path: "/health" },
  { check: "api.health-regions", path: "/v1/health/regions" },
  { check: "api.mirrors-stats", path: "/v1/mirrors/stats" },
  { check: "api.mirrors", path: "/v1/mirrors", query: (r) => ({ region: r.id }) },
  { check: "api.cdn-stats", path: "/v1/cdn/stats" },
  { check: "api.cdn-costs", path: "/v1/cdn/costs" },
  { check: "api.bandwidth", path: "/v1/metrics/bandwidth" },
];

const PG_TOOLS = ["pg_ctl", "pg_rewind", "pg_basebackup"] as const;
const HOOKS = ["setApiEnv", "restartApi"] as const;

const row = (region: RegionConfig, check: string, result: CheckResult, detail: string): CheckRow => ({
  region: region.id,
  check,
  result,
  detail,
});
const elapsed = (started: number) => Math.round(performance.now() - started);
const seconds = (ms: number) => formatSeconds(ms / 1000);

/** Settles within `ms` whatever `work` does: a check that hangs becomes a FAIL row, not a hung command. */
function bounded<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A network error in the words a person reads (pg and fetch both put the system code on the error or its cause). */
export function plainError(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "timed out";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "no route to host";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "connection closed by the host";
    case "28P01":
      return `password authentication failed (${e.message})`;
    case "28000":
      return `not allowed to connect (${e.message})`;
    case "3D000":
      return `no such database (${e.message})`;
  }
  if (e.name === "TimeoutError" || /timeout/i.test(e.message ?? "")) return "timed out";
  if (code && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code)) return `TLS failed (${code})`;
  return e.cause?.message ?? e.message ?? String(err);
}

// ---------------------------------------------------------------------------------------------------------
// Host commands: over SSH, or on this machine

interface RemoteRun {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  /** ended by our timeout */
  killed: boolean;
  /** the ssh client itself could not be started */
  missingClient: boolean;
}

/** One remote command on a connection of its own (never a shared master): argument arrays only, no local shell. */
function runOverSsh(t: SshTransport, argv: string[], runAsUser?: string): Promise<RemoteRun> {
  return new Promise((resolve) => {
    execFile(
      "ssh",
      sshArgs(t, argv, { runAsUser }),
      { timeout: (t.connectTimeoutSeconds + 5) * 1000, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, code: 0, stdout, stderr, killed: false, missingClient: false });
        const code = typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : null;
        resolve({
          ok: false,
          code,
          stdout,
          stderr,
          killed: !!(error as { killed?: boolean }).killed,
          missingClient: (error as { code?: unknown }).code === "ENOENT",
        });
      },
    );
  });
}

/**
 * At most `n` of a region's SSH connections at once: beyond its MaxStartups (10 unauthenticated connections by
 * default) sshd starts dropping new ones, and the console may be connecting too.
 */
function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next)
        next(); // the slot passes on as it is
      else active--;
    }
  };
}

/** Why a remote command failed: ssh's own failure (exit 255, sudo) in its words, else the command's exit code. */
function remoteFailure(run: RemoteRun, t: SshTransport, what: string): string {
  if (run.missingClient) return "the ssh client is not installed on this machine";
  if (run.killed) return `timed out after ${t.connectTimeoutSeconds + 5} s`;
  if (run.code === 255 || /^sudo: /m.test(run.stderr)) return describeSshError(run.stderr);
  const last = run.stderr.trim().split("\n").pop();
  return `${what} (exit code ${run.code ?? "?"}${last ? `: ${last}` : ""})`;
}

/** Why `sudo -l <command>` said no: ssh's own failure, a password that would be needed, or no rule for the command. */
function sudoRefusal(run: RemoteRun, t: SshTransport): string {
  if (run.missingClient || run.killed || run.code === 255) return remoteFailure(run, t, "failed");
  if (/password is required/.test(run.stderr)) return describeSshError(run.stderr);
  const last = run.stderr.trim().split("\n").pop();
  return `no sudoers rule permits it${last ? ` (${last})` : ""}`;
}

/** The commands Switchyard would start on the region's host: the PostgreSQL tools (from hooks.postgres) and each hook's program. */
function hostPrograms(
  region: RegionConfig,
): { check: string; program: string | null; hookArgv?: string[]; missing: string }[] {
  const pgHooks = region.hooks.postgres;
  const programs = PG_TOOLS.map((tool) => ({
    check: tool,
    program: pgHooks ? path.join(pgHooks.binDir, tool) : null,
    missing: `the fleet file has no hooks.postgres: ${tool} cannot be run on this region's host (db.switchover, db.rebuild-replica)`,
  }));
  const hooks = HOOKS.map((name) => {
    const hook: HostCommand | undefined = region.hooks[name];
    return {
      check: `hook.${name}`,
      program: hook?.argv[0] ?? null,
      hookArgv: hook?.argv,
      missing: `the fleet file has no ${name} hook: actions that ${name === "setApiEnv" ? "set the region API's environment" : "restart the region API"} cannot reach this region`,
    };
  });
  return [...programs, ...hooks];
}

/** Whether the PostgreSQL tools run as another user than the one SSH logs in as (then through `sudo -n -u`). */
const sudoNeeded = (region: RegionConfig, t: SshTransport) =>
  !!region.hooks.postgres?.runAsUser && region.hooks.postgres.runAsUser !== t.user;
const sudoNotNeeded = (region: RegionConfig, t: SshTransport) =>
  row(region, "ssh.sudo", "ok", `not needed: the PostgreSQL tools run as ${t.user}, the user SSH logs in as`);

async function sshRows(region: RegionConfig, t: SshTransport): Promise<CheckRow[]> {
  const who = `${t.user}@${t.host}:${t.port}`;
  const login = await probeSsh(t, { shared: false });
  if (!login.ok) {
    const rows = [row(region, "ssh.login", "FAIL", login.observed)];
    for (const p of hostPrograms(region))
      rows.push(
        p.program
          ? row(region, `ssh.${p.check}`, "skip", "not checked: the SSH login failed")
          : row(region, `ssh.${p.check}`, "warn", p.missing),
      );
    if (region.hooks.postgres)
      rows.push(
        sudoNeeded(region, t)
          ? row(region, "ssh.sudo", "skip", "not checked: the SSH login failed")
          : sudoNotNeeded(region, t),
      );
    return rows;
  }
  const rows = [
    row(
      region,
      "ssh.login",
      "ok",
      `${who}: host key matches the pinned known-hosts file, key accepted, answered in ${login.ms} ms`,
    ),
  ];
  const slot = limiter(4);
  const remote = (argv: string[], runAsUser?: string) => slot(() => runOverSsh(t, argv, runAsUser));

  const presence = hostPrograms(region).map(async ({ check, program, hookArgv, missing }) => {
    if (!program) return row(region, `ssh.${check}`, "warn", missing);
    // A bare name is looked up in the remote user's PATH, as the remote shell looks it up when Switchyard runs it;
    // the name is the script's argument, never part of the script.
    const argv = program.includes("/") ? ["test", "-x", program] : ["sh", "-c", 'command -v -- "$1"', "sh", program];
    const run = await remote(argv);
    if (!run.ok) {
      const why =
        run.code === 1 || run.code === 127
          ? `${program} is missing or not executable on ${t.host} for ${t.user}`
          : remoteFailure(run, t, `checking ${program} failed`);
      return row(region, `ssh.${check}`, "FAIL", why);
    }
    const found = program.includes("/")
      ? `${program} is executable on ${t.host}`
      : `${program} is ${run.stdout.trim() || "on the PATH"} on ${t.host}`;
    // A hook that is `sudo …`: whether sudo permits it, asked with `sudo -l` (which runs nothing).
    if (hookArgv && path.basename(program) === "sudo" && hookArgv.length > 1) {
      const listed = await remote(["sudo", "-l", ...hookArgv.slice(1)]);
      const what = hookArgv.join(" ");
      if (listed.ok) return row(region, `ssh.${check}`, "ok", `${found}; sudo -l says ${t.user} may run ${what}`);
      return row(region, `ssh.${check}`, "FAIL", `${found}, but sudo -l refuses ${what}: ${sudoRefusal(listed, t)}`);
    }
    return row(region, `ssh.${check}`, "ok", found);
  });

  const pgHooks = region.hooks.postgres;
  const sudo = (async () => {
    if (!pgHooks) return null;
    const runAsUser = pgHooks.runAsUser;
    if (!sudoNeeded(region, t) || !runAsUser) return sudoNotNeeded(region, t);
    const pgCtl = path.join(pgHooks.binDir, "pg_ctl");
    // pg_ctl runs (--version changes nothing); pg_rewind and pg_basebackup are only asked about with `sudo -l`.
    const [version, ...listed] = await Promise.all([
      remote([pgCtl, "--version"], runAsUser),
      ...(["pg_rewind", "pg_basebackup"] as const).map((tool) =>
        remote(["sudo", "-n", "-l", "-u", runAsUser, "--", path.join(pgHooks.binDir, tool)]),
      ),
    ]);
    const ran = `sudo -n -u ${runAsUser} -- ${pgCtl} --version`;
    if (!version.ok) return row(region, "ssh.sudo", "FAIL", `${ran}: ${remoteFailure(version, t, "failed")}`);
    const refused = (["pg_rewind", "pg_basebackup"] as const).flatMap((tool, i) =>
      listed[i]!.ok ? [] : [`${tool} (${sudoRefusal(listed[i]!, t)})`],
    );
    if (refused.length)
      return row(
        region,
        "ssh.sudo",
        "FAIL",
        `${ran} works, but sudo does not let ${t.user} run as ${runAsUser}: ${refused.join("; ")}`,
      );
    return row(
      region,
      "ssh.sudo",
      "ok",
      `${ran}: ${version.stdout.trim() || "ok"}; pg_rewind and pg_basebackup permitted too (sudo -l)`,
    );
  })();

  const done = await Promise.all([...presence, sudo]);
  return [...rows, ...done.filter((r): r is CheckRow => !!r)];
}

/** A program as execFile finds it: a path as it is, a bare name through this process's PATH. */
function findLocal(program: string): string | null {
  const candidates = program.includes("/")
    ? [program]
    : (process.env.PATH ?? "")
        .split(":")
        .filter(Boolean)
        .map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * The fence hook runs on this machine (it must work when the region's host does not answer): its program is
 * here and executable. Without one, db.fence-primary can only fence through the host.
 */
function fenceRow(region: RegionConfig): CheckRow {
  const fence = region.hooks.fence;
  if (!fence)
    return row(
      region,
      "fence.hook",
      "warn",
      "no fence hook in the fleet file: db.fence-primary can fence this region only through its host, not when the host does not answer",
    );
  const found = findLocal(fence.argv[0]!);
  if (!found)
    return row(
      region,
      "fence.hook",
      "FAIL",
      `${fence.argv[0]} is not an executable on the console's machine, where the fence hook runs`,
    );
  return row(region, "fence.hook", "ok", `runs on the console's machine: ${found} (not run by this check)`);
}

function runLocal(argv: string[], timeoutMs: number): Promise<{ ok: boolean; out: string }> {
  const [cmd, ...args] = argv;
  return new Promise((resolve) => {
    execFile(cmd!, args, { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, out: stdout.trim() });
      const killed = (error as { killed?: boolean }).killed;
      const last = stderr.trim().split("\n").pop();
      resolve({ ok: false, out: killed ? `timed out after ${seconds(timeoutMs)}` : `${last || error.message}` });
    });
  });
}

async function localRows(region: RegionConfig, opts: FleetCheckOptions): Promise<CheckRow[]> {
  const me = os.userInfo().username;
  const rows = [
    row(
      region,
      "host.local",
      "ok",
      `host commands run on this machine, as ${me} (the fleet file has no ssh transport for this region)`,
    ),
  ];
  for (const { check, program, hookArgv, missing } of hostPrograms(region)) {
    if (!program) {
      rows.push(row(region, `host.${check}`, "warn", missing));
      continue;
    }
    const found = findLocal(program);
    if (!found) {
      rows.push(row(region, `host.${check}`, "FAIL", `${program} is missing or not executable on this machine`));
    } else if (hookArgv && path.basename(program) === "sudo" && hookArgv.length > 1) {
      // A hook that is `sudo …`: whether sudo permits it, asked with `sudo -l` (which runs nothing).
      const what = hookArgv.join(" ");
      const listed = await runLocal([found, "-n", "-l", ...hookArgv.slice(1)], opts.timeoutMs);
      rows.push(
        row(
          region,
          `host.${check}`,
          listed.ok ? "ok" : "FAIL",
          listed.ok
            ? `${found} is executable; sudo -l says ${me} may run ${what}`
            : `sudo -l refuses ${what}: ${listed.out || "no sudoers rule permits it"}`,
        ),
      );
    } else {
      rows.push(row(region, `host.${check}`, "ok", `${found} is executable`));
    }
  }
  const pgHooks = region.hooks.postgres;
  if (pgHooks?.runAsUser && pgHooks.runAsUser !== me) {
    const pgCtl = path.join(pgHooks.binDir, "pg_ctl");
    if (process.getuid?.() !== 0) {
      rows.push(
        row(
          region,
          "host.runuser",
          "warn",
          `hooks.postgres.runAsUser is ${pgHooks.runAsUser}, but Switchyard is not root here: the PostgreSQL tools would run as ${me}`,
        ),
      );
    } else {
      const run = await runLocal(["runuser", "-u", pgHooks.runAsUser, "--", pgCtl, "--version"], opts.timeoutMs);
      rows.push(
        row(
          region,
          "host.runuser",
          run.ok ? "ok" : "FAIL",
          `runuser -u ${pgHooks.runAsUser} -- ${pgCtl} --version: ${run.out || (run.ok ? "ok" : "failed")}`,
        ),
      );
    }
  }
  return rows;
}

async function hostRows(region: RegionConfig, opts: FleetCheckOptions): Promise<CheckRow[]> {
  const t = region.transport;
  if (t.kind === "ssh") {
    // the login, then the checks that need it, four at a time: a dead host costs one SSH timeout, a host that
    // hangs after the login a few; this bounds even that
    const bound = 4 * (t.connectTimeoutSeconds + 5) * 1000 + 2_000;
    return bounded(sshRows(region, t), bound, () => [
      row(region, "ssh.login", "FAIL", `SSH checks did not finish within ${seconds(bound)}`),
    ]);
  }
  return bounded(localRows(region, opts), opts.timeoutMs + 2_000, () => [
    row(region, "host.local", "FAIL", `local checks did not finish within ${seconds(opts.timeoutMs + 2_000)}`),
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL

export interface PgObservation {
  /** null: not reached (its connect row says why) */
  inRecovery: boolean | null;
  connect: CheckRow;
  replication: CheckRow | null;
}

async function pgObserve(region: RegionConfig, replicas: number, opts: FleetCheckOptions): Promise<PgObservation> {
  const c = region.postgres;
  const target = `${c.user}@${c.host}:${c.port}/${c.database}`;
  const started = performance.now();
  // A failure to connect leaves withServer; a failing query is judged inside, on the connection it has.
  return withServer(
    region,
    async (client) => {
      try {
        const r = await client.query<{ in_recovery: boolean; version: string }>(
          "select pg_is_in_recovery() as in_recovery, current_setting('server_version') as version",
        );
        const inRecovery = r.rows[0]!.in_recovery;
        const connect = row(
          region,
          "pg.connect",
          "ok",
          `${target}: PostgreSQL ${r.rows[0]!.version}, answered in ${elapsed(started)} ms`,
        );
        return { inRecovery, connect, replication: await replicationRow(region, client, inRecovery, replicas) };
      } catch (err) {
        return {
          inRecovery: null,
          connect: row(
            region,
            "pg.connect",
            "FAIL",
            `${target}: connected, but select pg_is_in_recovery() failed: ${plainError(err)}`,
          ),
          replication: null,
        };
      }
    },
    opts.timeoutMs,
  ).catch((err) => ({
    inRecovery: null,
    connect: row(region, "pg.connect", "FAIL", `${target}: ${plainError(err)}`),
    replication: null,
  }));
}

/**
 * The replication view of the role the server really serves: its senders on a primary (every other region of the
 * fleet streaming from it is expected), its WAL receiver on a replica.
 */
async function replicationRow(
  region: RegionConfig,
  client: pg.Client,
  inRecovery: boolean,
  replicas: number,
): Promise<CheckRow> {
  try {
    if (!inRecovery) {
      const r = await client.query<{ application_name: string; state: string | null }>(
        "select application_name, state from pg_stat_replication order by application_name",
      );
      if (r.rows.length === 0)
        return row(region, "pg.replication", "warn", "pg_stat_replication: no replica is connected to this primary");
      const listed = r.rows
        .map(
          (x) =>
            `${x.application_name || "(no name)"} ${x.state ?? "(state hidden: grant pg_monitor to the fleet user)"}`,
        )
        .join(", ");
      const streaming = r.rows.filter((x) => x.state === "streaming").length;
      const short = streaming < replicas ? ` (${streaming} of the fleet's ${replicas} replicas streaming)` : "";
      return row(
        region,
        "pg.replication",
        streaming === r.rows.length && !short ? "ok" : "warn",
        `pg_stat_replication: ${listed}${short}`,
      );
    }
    const r = await client.query<{
      status: string | null;
      sender_host: string | null;
      sender_port: number | null;
      slot_name: string | null;
    }>("select status, sender_host, sender_port, slot_name from pg_stat_wal_receiver");
    const w = r.rows[0];
    if (!w)
      return row(
        region,
        "pg.replication",
        "FAIL",
        "pg_stat_wal_receiver: no WAL receiver: this replica is not connected to a primary",
      );
    if (w.status === null)
      return row(
        region,
        "pg.replication",
        "FAIL",
        "pg_stat_wal_receiver: status hidden from the fleet user (grant it pg_monitor)",
      );
    const from = w.sender_host ? ` from ${w.sender_host}:${w.sender_port ?? "?"}` : "";
    const slot = w.slot_name ? ` through slot ${w.slot_name}` : " without a replication slot";
    if (w.status !== "streaming")
      return row(
        region,
        "pg.replication",
        "FAIL",
        `pg_stat_wal_receiver: ${w.status}${from}${slot} (streaming expected)`,
      );
    // The slot Switchyard recreates and rebuilds with.
    const expected = slotName(region);
    if (w.slot_name !== expected)
      return row(
        region,
        "pg.replication",
        "warn",
        `pg_stat_wal_receiver: streaming${from}${slot}, but the fleet file's slot for ${region.id} is ${expected}`,
      );
    return row(region, "pg.replication", "ok", `pg_stat_wal_receiver: streaming${from}${slot}`);
  } catch (err) {
    return row(region, "pg.replication", "FAIL", `reading the replication view failed: ${plainError(err)}`);
  }
}

function pgBounded(region: RegionConfig, replicas: number, opts: FleetCheckOptions): Promise<PgObservation> {
  const bound = 3 * opts.timeoutMs + 1_000;
  return bounded(pgObserve(region, replicas, opts), bound, () => ({
    inRecovery: null,
    connect: row(region, "pg.connect", "FAIL", `PostgreSQL checks did not finish within ${seconds(bound)}`),
    replication: null,
  }));
}

const roleName = (inRecovery: boolean) => (inRecovery ? "replica" : "primary");

/**
 * The role rows, judged across the fleet: a server serving otherwise than the fleet file says is a warning when
 * the fleet still has exactly one primary (a promotion or switchover happened: Switchyard's store records it),
 * and a failure otherwise (no primary, or two: a split brain).
 */
export function roleRows(fleet: FleetConfig, observed: Map<string, boolean | null>): CheckRow[] {
  const primaries = fleet.regions.filter((r) => observed.get(r.id) === false).map((r) => r.id);
  return fleet.regions.map((region) => {
    const inRecovery = observed.get(region.id);
    if (inRecovery === null || inRecovery === undefined)
      return row(region, "pg.role", "skip", "not checked: the server could not be read");
    const serving = roleName(inRecovery);
    const how = `pg_is_in_recovery() = ${inRecovery}`;
    if (serving === region.role) {
      if (serving === "primary" && primaries.length > 1)
        return row(
          region,
          "pg.role",
          "FAIL",
          `serving as primary (${how}), as the fleet file says, but ${primaries.filter((p) => p !== region.id).join(", ")} serve${primaries.length > 2 ? "" : "s"} as primary too: more than one primary takes writes`,
        );
      return row(region, "pg.role", "ok", `serving as ${serving} (${how}), as the fleet file says`);
    }
    const mismatch = `serving as ${serving} (fleet file says ${region.role}; ${how})`;
    if (primaries.length === 1)
      return row(
        region,
        "pg.role",
        "warn",
        `${mismatch}: the fleet has one primary, ${primaries[0]}, as after a promotion or switchover (Switchyard's store records it)`,
      );
    const fleetSays =
      primaries.length === 0
        ? "no server of the fleet serves as primary"
        : `${primaries.length} servers serve as primary: ${primaries.join(", ")}`;
    return row(region, "pg.role", "FAIL", `${mismatch}: ${fleetSays}`);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Region API

/** What a read endpoint's answer says, in a few words. */
function gist(check: string, body: unknown): string {
  const o = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  switch (check) {
    case "api.health":
      return typeof o.status === "string" ? `status ${o.status}` : "";
    case "api.health-regions":
      return Array.isArray(o.regions) ? `${o.regions.length} regions listed` : "";
    case "api.mirrors-stats":
      return n(o.hitRate) !== null ? `hit rate ${n(o.hitRate)} %` : "";
    case "api.mirrors":
      return Array.isArray(o.mirrors) ? `${o.mirrors.length} mirrors` : "";
    case "api.cdn-stats":
      return typeof o.provider === "string"
        ? `provider ${o.provider}${n(o.cacheHitRate) !== null ? `, cache hit rate ${n(o.cacheHitRate)} %` : ""}`
        : "";
    case "api.cdn-costs":
      return n(o.totalUsd) !== null ? `total ${n(o.totalUsd)} USD` : "";
    default:
      return "";
  }
}

async function apiRead(
  region: RegionConfig,
  read: (typeof API_READS)[number],
  opts: FleetCheckOptions,
): Promise<CheckRow> {
  const url = new URL(read.path, region.apiUrl);
  for (const [k, v] of Object.entries(read.query?.(region) ?? {})) url.searchParams.set(k, v);
  const what = `GET ${url.pathname}${url.search}`;
  const started = performance.now();
  try {
    // No redirects: the console's probes do not follow them either.
    const res = await fetch(url, {
      method: "GET",
      headers: { accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    const ms = elapsed(started);
    if (res.status !== 200) {
      const where =
        res.status >= 300 && res.status < 400 && res.headers.get("location")
          ? ` (redirect to ${res.headers.get("location")})`
          : "";
      return row(
        region,
        read.check,
        "FAIL",
        `${what}: HTTP ${res.status}${where} in ${ms} ms, 200 expected${text ? `: ${text.slice(0, 120)}` : ""}`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return row(
        region,
        read.check,
        "FAIL",
        `${what}: 200 in ${ms} ms, but the body is not JSON: ${text.slice(0, 80) || "(empty)"}`,
      );
    }
    const said = gist(read.check, body);
    return row(region, read.check, "ok", `${what}: 200 JSON in ${ms} ms${said ? `, ${said}` : ""}`);
  } catch (err) {
    const badPort = (err as { cause?: { message?: string } }).cause?.message === "bad port";
    const why =
      (err as Error).name === "TimeoutError"
        ? `timed out after ${seconds(opts.timeoutMs)}`
        : badPort
          ? `fetch refuses port ${url.port} (one of the ports browsers block): Switchyard's runbook actions could not call this API; serve it on another port`
          : plainError(err);
    return row(region, read.check, "FAIL", `${what}: ${why}`);
  }
}

function apiRows(region: RegionConfig, opts: FleetCheckOptions): Promise<CheckRow[]> {
  const bound = opts.timeoutMs + 2_000;
  return Promise.all(
    API_READS.map((read) =>
      bounded(
        apiRead(region, read, opts).then((r) => [r]),
        bound,
        () => [row(region, read.check, "FAIL", `GET ${read.path}: no answer within ${seconds(bound)}`)],
      ),
    ),
  ).then((rows) => rows.flat());
}

// ---------------------------------------------------------------------------------------------------------
// The whole fleet

/** Checks every region side by side, each check bounded; the rows come back region by region, in the fleet file's order. */
export async function checkFleet(fleet: FleetConfig, opts: FleetCheckOptions): Promise<CheckRow[]> {
  const perRegion = await Promise.all(
    fleet.regions.map(async (region) => {
      const [host, db, api] = await Promise.all([
        hostRows(region, opts),
        fleet.simulated ? Promise.resolve(null) : pgBounded(region, fleet.regions.length - 1, opts),
        apiRows(region, opts),
      ]);
      return { region, host, db, api };
    }),
  );
  const roles = fleet.simulated
    ? []
    : roleRows(fleet, new Map(perRegion.map(({ region, db }) => [region.id, db?.inRecovery ?? null])));
  return perRegion.flatMap(({ region, host, db, api }) => {
    const pgRows: CheckRow[] = db
      ? [
          db.connect,
          roles.find((r) => r.region === region.id)!,
          db.replication ?? row(region, "pg.replication", "skip", "not checked: the server could not be read"),
        ]
      : [
          row(
            region,
            "pg.simulated",
            "warn",
            "the fleet file marks the database tier simulated: there is no PostgreSQL server to check",
          ),
        ];
    return [...host, fenceRow(region), ...pgRows, ...api];
  });
}

export interface FleetCheckSummary {
  regions: number;
  ok: number;
  warn: number;
  fail: number;
  skip: number;
  /** 0: every row passes (warnings allowed); 1: a row failed */
  exitCode: 0 | 1;
}

export function summarize(fleet: FleetConfig, rows: CheckRow[]): FleetCheckSummary {
  const count = (r: CheckResult) => rows.filter((x) => x.result === r).length;
  const fail = count("FAIL");
  return {
    regions: fleet.regions.length,
    ok: count("ok"),
    warn: count("warn"),
    fail,
    skip: count("skip"),
    exitCode: fail > 0 ? 1 : 0,
  };
}

/** The rows as an aligned table: region, check, result, detail. */
export function renderTable(rows: CheckRow[]): string {
  const header = { region: "region", check: "check", result: "result", detail: "detail" };
  const all = [header, ...rows];
  const w = (k: "region" | "check" | "result") => Math.max(...all.map((r) => r[k].length));
  const line = (r: typeof header) =>
    `${r.region.padEnd(w("region"))}  ${r.check.padEnd(w("check"))}  ${r.result.padEnd(w("result"))}  ${r.detail}`.trimEnd();
  const rule = {
    region: "-".repeat(w("region")),
    check: "-".repeat(w("check")),
    result: "-".repeat(w("result")),
    detail: "-".repeat(6),
  };
  return [line(header), line(rule), ...rows.map(line)].join("\n");
}

export function summaryLine(fleetName: string, summary: FleetCheckSummary, rows: CheckRow[], ms: number): string {
  const counts = `${summary.ok} ok, ${summary.warn} warn, ${summary.fail} FAIL${summary.skip ? `, ${summary.skip} skipped` : ""}`;
  const head = `fleet ${fleetName}: ${summary.regions} regions, ${rows.length} checks in ${seconds(ms)}: ${counts}`;
  if (summary.fail === 0)
    return `${head}. Switchyard can watch and drive this fleet${summary.warn ? " (read the warnings)" : ""}.`;
  const failed = new Map<string, string[]>();
  for (const r of rows) if (r.result === "FAIL") failed.set(r.region, [...(failed.get(r.region) ?? []), r.check]);
  return `${head}. Failed: ${[...failed].map(([region, checks]) => `${region} ${checks.join(", ")}`).join("; ")}.`;
}
