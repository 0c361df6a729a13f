import { execFile, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePorts } from "@/lab/ports";

const run = promisify(execFile);

/** A throwaway PostgreSQL 15 server for the store's integration tests and the bench; never the lab's primary. */
export interface TestPostgres {
  url: string;
  port: number;
  /** the postmaster's PID (the current one, after a restart) */
  pid: number;
  /** its data directory */
  dataDir: string;
  /** Stops the server and keeps its data, as an operator's restart begins: `pg_ctl stop -m fast|immediate`. */
  halt(mode: "fast" | "immediate"): Promise<void>;
  /** Starts it again on the same port with the same data, after halt(). */
  resume(): Promise<void>;
  /** pg_ctl stop, and SIGKILL of the postmaster should that fail; removes its files */
  stop(): Promise<void>;
}

export const PG_BIN = process.env.PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin";

function asPgUser(argv: string[]): string[] {
  // initdb refuses root: as root the server runs as the postgres user.
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...argv] : argv;
}

/** The postgres account's uid and gid, for files a server run as that account must own (as root). */
export function postgresAccount(): { uid: number; gid: number } {
  return {
    uid: Number(spawnSync("id", ["-u", "postgres"]).stdout.toString().trim()),
    gid: Number(spawnSync("id", ["-g", "postgres"]).stdout.toString().trim()),
  };
}

/**
 * `dir` is the server's own directory (its socket and log; the data under `dir/data` unless `dataDir` says
 * otherwise); `initdbArgs` and `settings` (`-c` options) add to the defaults.
 */
export async function startTestPostgres(
  options: { dir?: string; dataDir?: string; initdbArgs?: string[]; settings?: Record<string, string> } = {},
): Promise<TestPostgres> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), "switchyard-store-"));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresAccount();
    chownSync(dir, uid, gid);
  }
  const data = options.dataDir ?? path.join(dir, "data");
  const port = (await freePorts(1))[0]!;
  const [cmd, ...args] = asPgUser([
    path.join(PG_BIN, "initdb"),
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
    ...(options.initdbArgs ?? []),
  ]);
  await run(cmd!, args);
  const settings = { listen_addresses: "127.0.0.1", fsync: "off", shared_buffers: "16MB", ...options.settings };
  const opts = [`-p ${port} -k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
  const pgCtl = (...argv: string[]) => {
    const [c, ...a] = asPgUser([path.join(PG_BIN, "pg_ctl"), "-D", data, ...argv]);
    return run(c!, a);
  };
  const readPid = () => Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  await pgCtl("-l", path.join(dir, "server.log"), "-o", opts, "-w", "start");
  const server: TestPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    pid: readPid(),
    dataDir: data,
    async halt(mode) {
      await pgCtl("-m", mode, "-w", "stop");
    },
    async resume() {
      await pgCtl("-l", path.join(dir, "server.log"), "-o", opts, "-w", "start");
      server.pid = readPid();
    },
    async stop() {
      await pgCtl("-m", "immediate", "-w", "stop").catch(() => {
        try {
          process.kill(server.pid, "SIGKILL");
        } catch {
          // already gone
        }
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
