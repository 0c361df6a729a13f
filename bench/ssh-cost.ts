import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseFleetConfig } from "../lib/fleet-config";
import { sshArgs } from "../lib/ssh-command";
import { rounded, summarize, type Summary } from "./stats";

/**
 * Figure 6: what one host command costs over SSH to the lab's sshd, with the console's own command line
 * (lib/ssh-command): a connection of its own per command (as a pre-flight's reachability check makes), and
 * a shared one (OpenSSH ControlMaster, as runbook actions use). The remote command is `true`, so the figure
 * is the transport's alone.
 */

export interface SshCostFigures {
  region: string;
  target: string;
  freshMs: Summary;
  sharedMs: Summary;
}

function timeSsh(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile("ssh", args, { timeout: 20_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`ssh failed: ${stderr || err.message}`)) : resolve(performance.now() - started),
    ),
  );
}

/** null when the lab runs host commands locally (not root, or no sshd): there is no SSH cost to measure. */
export async function measureSshCost(labDir: string, runs: number): Promise<SshCostFigures | null> {
  const fleet = parseFleetConfig(JSON.parse(readFileSync(path.join(labDir, "fleet.json"), "utf8")), "lab fleet");
  const region = fleet.regions.find((r) => r.transport.kind === "ssh");
  if (!region || region.transport.kind !== "ssh") return null;
  const t = region.transport;
  const controlDir = mkdtempSync(path.join(os.tmpdir(), "sy-ssh-"));
  try {
    const fresh: number[] = [];
    for (let i = 0; i < runs; i++) fresh.push(await timeSsh(sshArgs(t, ["true"])));
    const shared: number[] = [];
    await timeSsh(sshArgs(t, ["true"], { controlPath: `${controlDir}/%C` })); // opens the shared connection
    for (let i = 0; i < runs; i++)
      shared.push(await timeSsh(sshArgs(t, ["true"], { controlPath: `${controlDir}/%C` })));
    await timeSsh([
      "-O",
      "exit",
      "-o",
      `ControlPath=${controlDir}/%C`,
      "-p",
      String(t.port),
      "-l",
      t.user,
      t.host,
    ]).catch(() => undefined);
    return {
      region: region.id,
      target: `${t.user}@${t.host}:${t.port}`,
      freshMs: rounded(summarize(fresh)),
      sharedMs: rounded(summarize(shared)),
    };
  } finally {
    rmSync(controlDir, { recursive: true, force: true });
  }
}
