import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, resetLab, restartApi, startLab, type LabStatus } from "@/lab/index";
import { waitFor } from "@/lab/wait";
import type { RegionConfig, SshTransport } from "@/lib/fleet-config";
import { sshArgs } from "@/lib/ssh-command";
import { ownLabAndStore } from "@/tests/support/own-lab-and-store";

/**
 * Host commands over SSH to the lab's sshd per region: what the remote shell receives, what a changed host
 * key or a wrong identity does to an action's pre-flight, and a connection lost mid-command.
 */

const labDir = await ownLabAndStore("ssh");

const { getDb } = await import("@/server/db");
const { insertUser } = await import("@/server/auth/users");
const svc = await import("@/server/actions/action-service");
const { getFleetConfig } = await import("@/server/fleet/config");
const { hostReachable } = await import("@/server/actions/catalog/host-reachable");
type User = import("@/server/auth/users").User;

let lab: LabStatus;
let engineer: User, lead: User;
const region = (id: string): RegionConfig => getFleetConfig().regions.find((r) => r.id === id)!;
const transport = (id: string) => region(id).transport as SshTransport;
const key = () => `ssh-${Math.random().toString(36).slice(2)}`;
const overSsh = () => lab.hostCommands === "ssh";

beforeAll(async () => {
  await startLab({ labDir });
  lab = await labStatus({ labDir });
  const db = await getDb();
  const mk = (email: string, role: User["role"]) =>
    db.transaction((tx) => insertUser(tx, { email, name: email.split("@")[0]!, role }));
  [engineer, lead] = await Promise.all([mk("eng@ssh.test", "engineer"), mk("lead@ssh.test", "lead")]);
}, 180_000);

afterAll(async () => {
  await resetLab({ labDir });
  rmSync(labDir, { recursive: true, force: true });
  await (await getDb()).close();
}, 120_000);

function ssh(t: SshTransport, argv: string[], runAsUser?: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("ssh", sshArgs(t, argv, { runAsUser }), { timeout: 30_000 }, (err, out, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(out),
    ),
  );
}

it("runs every region's host commands over SSH to its own sshd when the lab runs as root", () => {
  expect(lab.hostCommands).toBe(process.getuid?.() === 0 ? "ssh" : "local");
  for (const r of lab.regions) {
    const t = region(r.id).transport;
    if (overSsh()) expect(t).toMatchObject({ kind: "ssh", host: r.address, port: r.sshd!.port });
    else expect(t).toEqual({ kind: "local" });
  }
});

describe.runIf(process.getuid?.() === 0)("over the lab's sshd", () => {
  it("hands spaces, quotes, $(), backticks, ; and newlines to the remote command as one literal argument each, also through sudo", async () => {
    const marker = path.join(os.tmpdir(), `switchyard-smuggled-${process.pid}`);
    const values = [
      "a b",
      "it's",
      '"q"',
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `x; touch ${marker}`,
      "one\ntwo",
      "*",
      "~",
      "",
    ];
    const expected = values.map((v) => `[${v}]\n`).join("");
    expect(await ssh(transport("eu-west-1"), ["printf", "[%s]\\n", ...values])).toBe(expected);
    expect(await ssh(transport("eu-west-1"), ["printf", "[%s]\\n", ...values], "postgres")).toBe(expected);
    expect(await ssh(transport("eu-west-1"), ["id", "-un"], "postgres")).toBe("postgres\n");
    expect(() => readFileSync(marker)).toThrow();
  });

  it("fails the pre-flight of every host action with 'host key verification failed' when the host's key is not the pinned one, and runs nothing", async () => {
    // a shared connection opened under the old pin is not what the next pre-flight rides on
    expect((await hostReachable([region("eu-west-1")]))[0]!.ok).toBe(true);
    const knownHosts = transport("eu-west-1").knownHostsFile;
    const pinned = readFileSync(knownHosts, "utf8");
    const other = path.join(mkdtempSync(path.join(os.tmpdir(), "switchyard-rotated-")), "host_ed25519");
    execFileSync("ssh-keygen", ["-t", "ed25519", "-N", "", "-q", "-f", other]);
    const otherKey = readFileSync(`${other}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
    const hostPattern = `[${transport("eu-west-1").host}]:${transport("eu-west-1").port} `;
    writeFileSync(
      knownHosts,
      pinned
        .split("\n")
        .map((l) => (l.startsWith(hostPattern) ? `${hostPattern}${otherKey}` : l))
        .join("\n"),
    );
    try {
      const requests = [
        { actionId: "db.rebuild-replica", params: { region: "eu-west-1", source: "us-east-1" } },
        { actionId: "db.recreate-slot", params: { replica: "eu-west-1" } },
        { actionId: "db.repoint-app", params: { primary: "us-east-1", regions: ["eu-west-1"] } },
        { actionId: "cdn.disable", params: { regions: ["eu-west-1"] } },
      ];
      for (const r of requests) {
        const preview = await svc.previewAction(engineer, r);
        const host = preview.preflight.find((c) => c.id === "host-eu-west-1");
        expect(host, r.actionId).toMatchObject({ ok: false });
        expect(host!.observed, r.actionId).toContain("host key verification failed");
      }
      const run = await svc.requestAction(engineer, { ...requests[0]!, idempotencyKey: key() } as never);
      await expect(svc.approveAction(lead, run.id, { paramsHash: run.paramsHash })).rejects.toMatchObject({
        code: "precondition_failed",
      });
      expect((await svc.getAction({ kind: "user", user: lead }, run.id)).status).toBe("pending");
      // The other regions' hosts are not affected.
      expect((await hostReachable([region("ap-southeast-1")]))[0]!.ok).toBe(true);
    } finally {
      writeFileSync(knownHosts, pinned);
    }
    expect((await hostReachable([region("eu-west-1")]))[0]!.ok).toBe(true);
  });

  it("says 'permission denied (publickey)' for an identity the host does not accept", async () => {
    const wrong = path.join(mkdtempSync(path.join(os.tmpdir(), "switchyard-wrong-key-")), "id_ed25519");
    execFileSync("ssh-keygen", ["-t", "ed25519", "-N", "", "-q", "-f", wrong]);
    const r = region("ap-southeast-1");
    const [c] = await hostReachable([{ ...r, transport: { ...transport("ap-southeast-1"), identityFile: wrong } }]);
    expect(c).toMatchObject({ ok: false });
    expect(c!.observed).toContain("permission denied (publickey)");
  });

  it("ends a run whose ssh connection is lost mid-command as of unknown outcome, with a verification of the real state", async () => {
    const target = "ap-southeast-1";
    const sshdPid = lab.regions.find((r) => r.id === target)!.sshd!.pid!;
    const run = await svc.requestAction(engineer, {
      actionId: "db.repoint-app",
      params: { primary: "us-east-1", regions: [target] },
      idempotencyKey: key(),
    });
    await svc.approveAction(lead, run.id, { paramsHash: run.paramsHash });
    // While the restart hook runs on the host (a process under the region's sshd), that sshd goes down with every session it serves.
    const restarting = () => descendants(sshdPid).some((pid) => cmdline(pid).includes("restart-api"));
    await waitFor("the restart hook to run on the host over ssh", restarting, { timeoutMs: 30_000, intervalMs: 20 });
    for (const pid of [...descendants(sshdPid), sshdPid]) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    const done = await waitFor(
      "the run to end",
      async () => {
        const r = await svc.getAction({ kind: "user", user: lead }, run.id);
        return r.status !== "running" ? r : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const detail = await svc.getAction({ kind: "user", user: lead }, run.id);
    const output = detail.output.map((l) => l.text).join("\n");
    expect(done.status, output).toBe("failed");
    expect(done.error).toMatch(/unknown/);
    expect(output).toContain("verifying the real state");
    // The host agent finishes a restart whose session died, as a host's systemd would: the verification waited for
    // the API and saw it write to the primary, and so it does.
    expect(done.verification).not.toBeNull();
    expect(done.verification!.ok, JSON.stringify(done.verification)).toBe(true);
    const primaryPort = lab.regions.find((r) => r.id === "us-east-1")!.pgPort;
    await waitFor(
      `the ${target} API to write to the primary`,
      async () => {
        const health = await fetch(`${lab.regions.find((r) => r.id === target)!.apiUrl}/health`, {
          signal: AbortSignal.timeout(3_000),
        }).then(
          (res) => res.json() as Promise<{ dbPort?: number; db?: { writable?: boolean } }>,
          () => null,
        );
        return health?.db?.writable === true && health.dbPort === primaryPort;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // Back to normal for the rest: the lab restarts the dead sshd, and the API runs.
    await startLab({ labDir });
    await restartApi(target, { labDir });
    lab = await labStatus({ labDir });
  });
});

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** Every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}
