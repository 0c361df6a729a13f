import "server-only";
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { SshTransport } from "@/lib/fleet-config";
import { describeSshError, sshArgs } from "@/lib/ssh-command";
import { env } from "@/server/env";

/**
 * Where shared ssh connections keep their sockets: under the console's data directory, or a private
 * temporary one when that path would be too long for a socket.
 */
export function controlDir(): string {
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR, "ssh");
  const dir = dataDir.length <= 60 ? dataDir : path.join(os.tmpdir(), `switchyard-ssh-${process.getuid?.() ?? "u"}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * Whether a region's host answers over SSH: logs in on a connection of its own (so a changed host key or a
 * revoked key is seen even while a shared connection lives) and runs `true`, nothing else.
 */
export function probeSsh(t: SshTransport): Promise<{ ok: boolean; observed: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile("ssh", sshArgs(t, ["true"]), { timeout: (t.connectTimeoutSeconds + 5) * 1000, encoding: "utf8" }, (error, _stdout, stderr) => {
      const ms = Math.round(performance.now() - started);
      if (!error) return resolve({ ok: true, observed: `${t.user}@${t.host}:${t.port} answered in ${ms} ms`, ms });
      const killed = (error as { killed?: boolean }).killed;
      resolve({ ok: false, observed: `${t.user}@${t.host}:${t.port}: ${killed ? "timed out" : describeSshError(stderr)}`, ms });
    });
  });
}
