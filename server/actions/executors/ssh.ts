import "server-only";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { SshTransport } from "@/lib/fleet-config";
import { describeSshError, sshArgs } from "@/lib/ssh-command";
import { env } from "@/server/env";

/**
 * The socket of a region's shared ssh connection: under the console's data directory (a private temporary
 * one when that path would be too long for a socket), named by the identity and known-hosts files as well
 * as by host, port and user (%C), so a changed key in the fleet file never rides on an old connection.
 */
export function controlPath(t: SshTransport): string {
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR, "ssh");
  const dir = dataDir.length <= 50 ? dataDir : path.join(os.tmpdir(), `switchyard-ssh-${process.getuid?.() ?? "u"}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = createHash("sha256").update(`${t.identityFile}\n${t.knownHostsFile}`).digest("hex").slice(0, 8);
  return path.join(dir, `${files}-%C`);
}

/**
 * Whether a region's host answers over SSH: logs in on a connection of its own (so a changed host key or a
 * revoked key is seen even while a shared connection lives) and runs `true`, nothing else.
 */
export function probeSsh(t: SshTransport): Promise<{ ok: boolean; observed: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      "ssh",
      sshArgs(t, ["true"]),
      { timeout: (t.connectTimeoutSeconds + 5) * 1000, encoding: "utf8" },
      (error, _stdout, stderr) => {
        const ms = Math.round(performance.now() - started);
        if (!error) return resolve({ ok: true, observed: `${t.user}@${t.host}:${t.port} answered in ${ms} ms`, ms });
        const killed = (error as { killed?: boolean }).killed;
        resolve({
          ok: false,
          observed: `${t.user}@${t.host}:${t.port}: ${killed ? "timed out" : describeSshError(stderr)}`,
          ms,
        });
      },
    );
  });
}

/**
 * Opens a region's shared ssh connection ahead of the commands that will ride on it (a failover plan's repoint,
 * while the promotion runs): they then skip the login. Runs `true`; never fails (the commands report their own).
 */
export function warmConnection(t: SshTransport): Promise<void> {
  return new Promise((resolve) => {
    execFile(
      "ssh",
      sshArgs(t, ["true"], { controlPath: controlPath(t) }),
      { timeout: (t.connectTimeoutSeconds + 5) * 1000 },
      () => resolve(),
    );
  });
}
