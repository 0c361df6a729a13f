import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetLab, startLab, stopLab } from "@/lab/index";

/**
 * `npm run fleet:check` as a child process against the real lab (in a temporary LAB_DIR), and against copies of
 * the lab's fleet file with one thing broken. When the lab runs an sshd per region (as root, with OpenSSH
 * installed: `hostCommands: "ssh"`), the SSH rows are real logins; otherwise the fleet file has local transports
 * and the same tests assert the local rows instead.
 */

const root = path.resolve(import.meta.dirname, "..");
const labDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-fleet-check-lab-"));
const tmp = mkdtempSync(path.join(os.tmpdir(), "switchyard-fleet-check-"));

type Run = { code: number | null; stdout: string; stderr: string; ms: number };
type Row = { region: string; check: string; result: "ok" | "warn" | "FAIL" | "skip"; detail: string };
type Report = {
  fleet: string;
  fleetFile: string;
  elapsedMs: number;
  summary: { ok: number; warn: number; fail: number; skip: number; exitCode: number };
  rows: Row[];
};
type FleetJson = {
  regions: {
    id: string;
    role: string;
    apiUrl: string;
    postgres: { host: string; port: number };
    transport?: Record<string, unknown> & { kind: string };
    hooks?: { postgres?: { runAsUser?: string }; fence?: { argv: string[] } };
  }[];
};

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"];
const API_CHECKS = [
  "api.health",
  "api.health-regions",
  "api.mirrors-stats",
  "api.mirrors",
  "api.cdn-stats",
  "api.cdn-costs",
  "api.bandwidth",
];
const SSH_CHECKS = [
  "ssh.login",
  "ssh.pg_ctl",
  "ssh.pg_rewind",
  "ssh.pg_basebackup",
  "ssh.hook.setApiEnv",
  "ssh.hook.restartApi",
  "ssh.sudo",
];

function node(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A program's exit code; null when it cannot be started (not installed). */
function exitCode(cmd: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "ignore" });
    child.on("error", () => resolve(null));
    child.on("close", (code) => resolve(code));
  });
}

/** The command exactly as `npm run fleet:check` runs it; the lab's fleet file unless `fleetConfig` names another. */
function fleetCheck(args: string[], fleetConfig?: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, LAB_DIR: labDir, DATA_DIR: path.join(tmp, "data") };
  delete env.FLEET_CONFIG;
  if (fleetConfig) env.FLEET_CONFIG = fleetConfig;
  return node(["--conditions=react-server", "--import", "tsx", "scripts/fleet-check.ts", ...args], env);
}

function report(run: Run): Report {
  try {
    return JSON.parse(run.stdout) as Report;
  } catch {
    throw new Error(`fleet:check printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

const rowsOf = (r: Report, region: string, prefix = "") =>
  r.rows.filter((x) => x.region === region && x.check.startsWith(prefix));
const get = (r: Report, region: string, check: string) => {
  const found = r.rows.find((x) => x.region === region && x.check === check);
  if (!found)
    throw new Error(`no ${region} ${check} row in ${JSON.stringify(r.rows.map((x) => `${x.region} ${x.check}`))}`);
  return found;
};
const notOk = (r: Report) => r.rows.filter((x) => x.result !== "ok");

let fleetFile: string;
let fleet: FleetJson;
let sshFleet: boolean;
let wrongKey: string;
let sshClient: boolean;
const silent: { server: net.Server; sockets: Set<net.Socket> }[] = [];

/** A copy of the lab's fleet file with one change, written beside the test's other files. */
function variant(name: string, change: (f: FleetJson) => void): string {
  const copy = JSON.parse(JSON.stringify(fleet)) as FleetJson;
  change(copy);
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(copy, null, 2));
  return file;
}

/** A 127.0.0.1 port that nobody listens on: bound by us, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A 127.0.0.1 port that accepts connections and never says a word: a hung host. Closed in afterAll. */
function silentPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    });
    silent.push({ server, sockets });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** An ssh transport for eu-west-1 in a copy: the lab's own when it has them, else one to a port nobody listens on. */
async function sshTransportFor(f: FleetJson, identityFile: string): Promise<Record<string, unknown>> {
  const own = f.regions[1]!.transport;
  if (own?.kind === "ssh") return { ...own, identityFile };
  const knownHosts = path.join(tmp, "known_hosts");
  writeFileSync(knownHosts, "", { mode: 0o600 });
  return {
    kind: "ssh",
    host: "127.0.0.1",
    port: await closedPort(),
    user: "root",
    identityFile,
    knownHostsFile: knownHosts,
    connectTimeoutSeconds: 5,
  };
}

beforeAll(async () => {
  await startLab({ labDir });
  // What `npm run lab -- status` says about host commands, as a user would see it.
  const status = await node(["--import", "tsx", "lab/cli.ts", "--lab-dir", labDir, "status"], { ...process.env });
  expect(status.code, status.stderr).toBe(0);
  const parsed = JSON.parse(status.stdout) as { fleetFile: string; hostCommands?: string; localReason?: string };
  fleetFile = parsed.fleetFile;
  fleet = JSON.parse(readFileSync(fleetFile, "utf8")) as FleetJson;
  sshFleet = fleet.regions.some((r) => r.transport?.kind === "ssh");
  // The lab's fleet file and its status agree on how host commands reach the regions.
  expect(sshFleet).toBe(parsed.hostCommands === "ssh");
  console.log(
    `fleet:check test: host commands ${sshFleet ? "over SSH (each region's sshd)" : `local (${parsed.localReason ?? "the lab has no sshd"})`}`,
  );

  // A key the lab's hosts do not know. Without OpenSSH (then the lab is local) no login is ever attempted, and any file will do.
  wrongKey = path.join(tmp, "wrong_key");
  const keygen = await exitCode("ssh-keygen", [
    "-t",
    "ed25519",
    "-N",
    "",
    "-q",
    "-C",
    "fleet-check-test",
    "-f",
    wrongKey,
  ]);
  if (sshFleet) expect(keygen).toBe(0);
  if (keygen !== 0) writeFileSync(wrongKey, "not a key: OpenSSH is not installed\n");
  chmodSync(wrongKey, 0o600);
  sshClient = (await exitCode("ssh", ["-V"])) === 0;
}, 180_000);

afterAll(async () => {
  for (const { server, sockets } of silent) {
    sockets.forEach((socket) => socket.destroy());
    server.close();
  }
  try {
    await stopLab({ labDir });
  } finally {
    await resetLab({ labDir });
    rmSync(labDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}, 120_000);

describe("npm run fleet:check", () => {
  it("is all green on the lab, prints an aligned table, and changes nothing", async () => {
    const fleetBefore = readFileSync(fleetFile, "utf8");
    const knownHosts = sshFleet ? String(fleet.regions[0]!.transport!.knownHostsFile) : null;
    const knownBefore = knownHosts
      ? { text: readFileSync(knownHosts, "utf8"), mtimeMs: statSync(knownHosts).mtimeMs }
      : null;

    const json = await fleetCheck(["--json"]);
    expect(json.code, `${json.stdout}\n${json.stderr}`).toBe(0);
    const r = report(json);
    // The lab has a fence hook where it has a network to cut (as root); without one, fleet:check warns.
    const fenced = fleet.regions.every((x) => x.hooks?.fence);
    expect(notOk(r).filter((x) => fenced || x.check !== "fence.hook")).toEqual([]);
    expect(r.summary).toMatchObject({ fail: 0, warn: fenced ? 0 : REGIONS.length, skip: 0, exitCode: 0 });
    for (const region of REGIONS) {
      const checks = rowsOf(r, region).map((x) => x.check);
      expect(checks).toEqual(
        expect.arrayContaining([...API_CHECKS, "pg.connect", "pg.role", "pg.replication", "fence.hook"]),
      );
      expect(get(r, region, "fence.hook")).toMatchObject(
        fenced
          ? { result: "ok", detail: expect.stringMatching(/^runs on the console's machine: \S+node/) }
          : { result: "warn" },
      );
      if (sshFleet) {
        expect(checks).toEqual(expect.arrayContaining(SSH_CHECKS));
        expect(get(r, region, "ssh.login").detail).toMatch(
          /host key matches the pinned known-hosts file, key accepted/,
        );
        expect(get(r, region, "ssh.sudo").detail).toMatch(
          /sudo -n -u postgres -- \S+\/pg_ctl --version: pg_ctl \(PostgreSQL\) 15/,
        );
        expect(checks.some((c) => c.startsWith("host."))).toBe(false);
      } else {
        expect(get(r, region, "host.local").detail).toMatch(/^host commands run on this machine/);
        expect(checks).toEqual(
          expect.arrayContaining([
            "host.pg_ctl",
            "host.pg_rewind",
            "host.pg_basebackup",
            "host.hook.setApiEnv",
            "host.hook.restartApi",
          ]),
        );
        expect(checks.some((c) => c.startsWith("ssh."))).toBe(false);
      }
    }
    expect(get(r, "us-east-1", "pg.role").detail).toMatch(/^serving as primary .* as the fleet file says/);
    expect(get(r, "us-east-1", "pg.replication").detail).toMatch(/ap_southeast_1 streaming, eu_west_1 streaming/);
    expect(get(r, "eu-west-1", "pg.replication").detail).toMatch(/^pg_stat_wal_receiver: streaming/);
    console.log(
      `fleet:check on the lab: ${r.rows.length} rows in ${r.elapsedMs} ms of checks, ${json.ms} ms for the whole command`,
    );

    const table = await fleetCheck([]);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split("\n");
    const header = lines.findIndex((l) => /^region\s+check\s+result\s+detail$/.test(l));
    expect(header).toBeGreaterThanOrEqual(0);
    const resultColumn = lines[header]!.indexOf("result");
    const body = lines.slice(header + 2, header + 2 + r.rows.length);
    expect(body).toHaveLength(r.rows.length);
    for (const line of body) expect(line.slice(resultColumn, resultColumn + 3)).toBe("ok ");
    expect(table.stdout).toMatch(
      /fleet switchyard-lab: 3 regions, \d+ checks in [\d.]+ s: \d+ ok, 0 warn, 0 FAIL\. Switchyard can watch and drive this fleet\./,
    );
    console.log(`fleet:check (table) on the lab: ${table.ms} ms for the whole command`);

    // Read-only: the fleet file and the pinned host keys are as they were.
    expect(readFileSync(fleetFile, "utf8")).toBe(fleetBefore);
    if (knownHosts && knownBefore)
      expect({ text: readFileSync(knownHosts, "utf8"), mtimeMs: statSync(knownHosts).mtimeMs }).toEqual(knownBefore);
  });

  it("names the region and the row whose SSH login is refused (or, on a local lab, an SSH host that refuses connections)", async () => {
    const transport = await sshTransportFor(fleet, wrongKey);
    const file = variant(
      "wrong-key",
      (f) => (f.regions[1]!.transport = transport as FleetJson["regions"][number]["transport"]),
    );
    const run = await fleetCheck([], file);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    const expected = sshFleet
      ? "permission denied (publickey)"
      : sshClient
        ? "connection refused"
        : "the ssh client is not installed on this machine";
    const line = run.stdout.split("\n").find((l) => /^eu-west-1\s+ssh\.login\s+FAIL\s/.test(l));
    expect(line, run.stdout).toContain(expected);
    expect(run.stdout).toMatch(/Failed: eu-west-1 ssh\.login\./);

    const r = report(await fleetCheck(["--json"], file));
    expect(r.summary.exitCode).toBe(1);
    expect(get(r, "eu-west-1", "ssh.login")).toMatchObject({
      result: "FAIL",
      detail: expect.stringContaining(expected),
    });
    // What needs the login is not checked, and says so; everything else still passes.
    for (const check of SSH_CHECKS.slice(1, -1))
      expect(get(r, "eu-west-1", check)).toMatchObject({ result: "skip", detail: "not checked: the SSH login failed" });
    const runAsUser = fleet.regions[1]!.hooks?.postgres?.runAsUser;
    if (runAsUser && runAsUser !== transport.user)
      expect(get(r, "eu-west-1", "ssh.sudo")).toMatchObject({
        result: "skip",
        detail: "not checked: the SSH login failed",
      });
    else
      expect(get(r, "eu-west-1", "ssh.sudo")).toMatchObject({
        result: "ok",
        detail: expect.stringMatching(/^not needed: /),
      });
    expect(notOk(r).filter((x) => x.region !== "eu-west-1" || !x.check.startsWith("ssh."))).toEqual([]);
    if (sshFleet) {
      for (const region of ["us-east-1", "ap-southeast-1"]) expect(get(r, region, "ssh.login").result).toBe("ok");
      // The right key, but a known-hosts file that pins another key for the host: refused, never learnt.
      const t = fleet.regions[1]!.transport!;
      const pinned = path.join(tmp, "other_known_hosts");
      const pinnedLine = `[${String(t.host)}]:${String(t.port)} ${readFileSync(`${wrongKey}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ")}\n`;
      writeFileSync(pinned, pinnedLine, { mode: 0o600 });
      const other = variant("other-host-key", (f) => (f.regions[1]!.transport = { ...t, knownHostsFile: pinned }));
      const hostKey = report(await fleetCheck(["--json"], other));
      expect(hostKey.summary.exitCode).toBe(1);
      expect(get(hostKey, "eu-west-1", "ssh.login")).toMatchObject({
        result: "FAIL",
        detail: expect.stringContaining("host key verification failed"),
      });
      expect(readFileSync(pinned, "utf8")).toBe(pinnedLine);
    } else {
      for (const region of ["us-east-1", "ap-southeast-1"])
        expect(get(r, region, "host.local").detail).toMatch(/^host commands run on this machine/);
    }
  });

  it("fails a region's API rows with connection refused when its URL points at a port nobody listens on", async () => {
    const port = await closedPort();
    const file = variant("api-refused", (f) => (f.regions[2]!.apiUrl = `http://127.0.0.1:${port}`));
    const run = await fleetCheck(["--json"], file);
    expect(run.code, run.stderr).toBe(1);
    const r = report(run);
    for (const check of API_CHECKS)
      expect(get(r, "ap-southeast-1", check)).toMatchObject({
        result: "FAIL",
        detail: expect.stringMatching(/^GET \/\S*: connection refused$/),
      });
    expect(
      notOk(r)
        .map((x) => `${x.region} ${x.check}`)
        .sort(),
    ).toEqual(API_CHECKS.map((c) => `ap-southeast-1 ${c}`).sort());
  });

  it("refuses an identity file readable by others, as the console does at start-up (exit 2, the field named)", async () => {
    const open = path.join(tmp, "open_key");
    copyFileSync(wrongKey, open);
    chmodSync(open, 0o644);
    const transport = await sshTransportFor(fleet, open);
    const file = variant(
      "open-key",
      (f) => (f.regions[1]!.transport = transport as FleetJson["regions"][number]["transport"]),
    );
    const run = await fleetCheck([], file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("regions.1.transport.identityFile");
    expect(run.stderr).toMatch(/readable by others than its owner \(mode 644\); chmod 600 it/);
    expect(run.stdout).toBe("");
  });

  it("takes seconds, not minutes, for a region whose host, server and API accept connections and never answer", async () => {
    const port = await silentPort();
    const file = variant("hung", (f) => {
      const r = f.regions[2]!;
      r.apiUrl = `http://127.0.0.1:${port}`;
      r.postgres = { ...r.postgres, host: "127.0.0.1", port };
      if (r.transport?.kind === "ssh")
        r.transport = { ...r.transport, host: "127.0.0.1", port, connectTimeoutSeconds: 2 };
    });
    const run = await fleetCheck(["--json", "--timeout", "2"], file);
    expect(run.code, run.stderr).toBe(1);
    expect(run.ms).toBeLessThan(30_000);
    const r = report(run);
    expect(get(r, "ap-southeast-1", "pg.connect")).toMatchObject({
      result: "FAIL",
      detail: expect.stringContaining("timed out"),
    });
    for (const check of API_CHECKS)
      expect(get(r, "ap-southeast-1", check)).toMatchObject({
        result: "FAIL",
        detail: expect.stringContaining("timed out"),
      });
    if (sshFleet)
      expect(get(r, "ap-southeast-1", "ssh.login")).toMatchObject({
        result: "FAIL",
        detail: expect.stringContaining("timed out"),
      });
    // The other regions are not held up and pass.
    expect(notOk(r).filter((x) => x.region !== "ap-southeast-1")).toEqual([]);
    console.log(`fleet:check with one hung region: ${run.ms} ms`);
  });

  it("warns, and passes, when the fleet file names another primary than the one the fleet has (a promotion happened); fails two primaries", async () => {
    const file = variant("moved-primary", (f) => {
      f.regions[0]!.role = "replica";
      f.regions[1]!.role = "primary";
    });
    const run = await fleetCheck(["--json"], file);
    expect(run.code, run.stderr).toBe(0);
    const r = report(run);
    expect(get(r, "us-east-1", "pg.role")).toMatchObject({
      result: "warn",
      detail: expect.stringMatching(
        /^serving as primary \(fleet file says replica; .*the fleet has one primary, us-east-1/,
      ),
    });
    expect(get(r, "eu-west-1", "pg.role")).toMatchObject({
      result: "warn",
      detail: expect.stringMatching(/^serving as replica \(fleet file says primary/),
    });
    expect(
      notOk(r)
        .map((x) => `${x.region} ${x.check}`)
        .sort(),
    ).toEqual(["eu-west-1 pg.role", "us-east-1 pg.role"]);

    // Two regions whose servers both take writes is no promotion: it fails.
    const twoPrimaries = variant(
      "two-primaries",
      (f) =>
        (f.regions[1]!.postgres = {
          ...f.regions[1]!.postgres,
          host: f.regions[0]!.postgres.host,
          port: f.regions[0]!.postgres.port,
        }),
    );
    const split = await fleetCheck(["--json"], twoPrimaries);
    expect(split.code, split.stderr).toBe(1);
    const s = report(split);
    expect(get(s, "eu-west-1", "pg.role")).toMatchObject({
      result: "FAIL",
      detail: expect.stringContaining("serving as primary (fleet file says replica"),
    });
    expect(get(s, "us-east-1", "pg.role")).toMatchObject({
      result: "FAIL",
      detail: expect.stringContaining("eu-west-1 serves as primary too"),
    });
  });
});
