import "server-only";
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * One process per embedded store. The lock is a Unix socket in Linux's abstract namespace named after the store's
 * directory: binding a taken name fails at once, and the kernel frees the name when its holder dies however it
 * dies, so a crash never leaves a stale lock (a lock file would). Whoever connects is told who holds it.
 * Abstract names belong to a network namespace; every Switchyard process runs in the host's.
 */

export interface StoreHolder {
  pid: number;
  /** what the holder runs, e.g. "next-server" or "scripts/db-migrate.ts" */
  command: string;
  since: string;
}

export class StoreLocked extends Error {
  override readonly name = "StoreLocked";
  constructor(
    readonly dir: string,
    readonly holder: StoreHolder | null,
  ) {
    const who = holder ? `process ${holder.pid} (${holder.command}, since ${holder.since})` : "another process";
    super(
      `The embedded store at ${dir} is in use by ${who}. Only one process may open it: stop that console first` +
        (holder ? ` (kill ${holder.pid})` : "") +
        ", or run several consoles on one PostgreSQL store with DATABASE_URL. npm run audit:verify and npm run store:backup ask a running console instead.",
    );
  }
}

/** The store directory's identity: its real path, so two spellings of one directory are one lock. */
function storeKey(dir: string): string {
  let real = path.resolve(dir);
  try {
    real = realpathSync(real);
  } catch {
    // not created yet: its resolved path is its identity
  }
  return createHash("sha256").update(real).digest("hex").slice(0, 32);
}

const lockAddress = (dir: string) => `\0switchyard-store-${storeKey(dir)}`;

/** Where the holding console answers operator commands (store-control.ts); in the temporary directory, short enough for a socket path. */
export const controlSocketPath = (dir: string) => path.join(os.tmpdir(), `switchyard-store-${storeKey(dir)}.sock`);

function describeMe(): StoreHolder {
  const script = process.argv.slice(1).find((a) => /\.(ts|js|mjs)$/.test(a));
  const command = script ? path.relative(process.cwd(), script) || script : process.title;
  return { pid: process.pid, command, since: new Date().toISOString() };
}

/** Who holds the store's lock, or null when nobody does (or the holder does not say in time). */
export function storeHolder(dir: string, timeoutMs = 1000): Promise<StoreHolder | null> {
  return new Promise((resolve) => {
    const socket = net.connect(lockAddress(dir));
    let text = "";
    const done = (h: StoreHolder | null) => {
      socket.destroy();
      resolve(h);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.on("data", (d) => (text += d.toString()));
    socket.on("end", () => {
      try {
        done(JSON.parse(text) as StoreHolder);
      } catch {
        done(null);
      }
    });
    socket.on("error", () => done(null));
  });
}

export interface StoreLock {
  release(): Promise<void>;
}

/** Takes the store's lock for this process, or throws StoreLocked naming the holder. */
export async function lockStore(dir: string): Promise<StoreLock> {
  const me = JSON.stringify(describeMe());
  const server = net.createServer((socket) => socket.end(me));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(lockAddress(dir), () => resolve());
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    throw new StoreLocked(path.resolve(dir), await storeHolder(dir));
  }
  // The lock must never keep a finished script alive; the process's end releases it.
  server.unref();
  return { release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
