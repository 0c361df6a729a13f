import "server-only";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { SshTransport } from "@/lib/fleet-config";
import { describeSshError, sshArgs } from "@/lib/ssh-command";
import { env } from "@/server/env";
import { launch } from "./launcher";

/**
 * The socket of a region's shared ssh connection: under the console's data directory (a private temporary
 * one when that path would be too long for a socket), named by host, port and user (%C) and by what the identity
 * and known-hosts files hold, so a key rotated or a host key pinned anew in them never rides on an old connection.
 */
export function controlPath(t: SshTransport): string {
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR, "ssh");
  const dir = dataDir.length <= 50 ? dataDir : path.join(os.tmpdir(), `switchyard-ssh-${process.getuid?.() ?? "u"}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hash = createHash("sha256");
  for (const file of [t.identityFile, t.knownHostsFile]) hash.update(`${file}\n${contents(file)}\n`);
  return path.join(dir, `${hash.digest("hex").slice(0, 8)}-%C`);
}

function contents(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return ""; // ssh itself says what is wrong with it
  }
}

/**
 * Whether a region's host answers over SSH: runs `true`, nothing else. `shared` (the actions' pre-flights) rides on
 * the region's shared connection, opening it with a full login when none lives: the check goes the way the
 * commands will, and leaves the connection open for them (a login costs a few hundred milliseconds, a shared
 * connection a few tens). Without it, a connection of its own logs in anew (the fleet check: does the login work).
 */
export function probeSsh(
  t: SshTransport,
  { shared }: { shared: boolean },
): Promise<{ ok: boolean; observed: string; ms: number }> {
  const started = performance.now();
  return launch("ssh", sshArgs(t, ["true"], { controlPath: shared ? controlPath(t) : null }), {
    timeoutMs: (t.connectTimeoutSeconds + 5) * 1000,
  }).then((exit) => {
    const ms = Math.round(performance.now() - started);
    if (exit.code === 0) return { ok: true, observed: `${t.user}@${t.host}:${t.port} answered in ${ms} ms`, ms };
    const why = exit.timedOut ? "timed out" : (exit.error ?? describeSshError(exit.stderr));
    return { ok: false, observed: `${t.user}@${t.host}:${t.port}: ${why}`, ms };
  });
}
