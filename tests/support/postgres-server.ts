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
  /** the postmaster's PID */
  pid: number;
  /** pg_ctl stop, and SIGKILL of the postmaster should that fail */
  stop(): Promise<void>;
}

export const PG_BIN = process.env.PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin";

function asPgUser(argv: string[]): string[] {
  // initdb refuses root: as root the server runs as the postgres user.
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...argv] : argv;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-store-"));
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync("id", ["-u", "postgres"]).stdout.toString().trim());
    const gid = Number(spawnSync("id", ["-g", "postgres"]).stdout.toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  const port = (await freePorts(1))[0]!;
  const [cmd, ...args] = asPgUser([path.join(PG_BIN, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  await run(cmd!, args);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB`;
  const [c2, ...a2] = asPgUser([path.join(PG_BIN, "pg_ctl"), "-D", data, "-l", path.join(dir, "server.log"), "-o", opts, "-w", "start"]);
  await run(c2!, a2);
  const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    pid,
    async stop() {
      const [c3, ...a3] = asPgUser([path.join(PG_BIN, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]);
      await run(c3!, a3).catch(() => {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
