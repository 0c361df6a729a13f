import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, request } from "node:http";
import path from "node:path";
import { apiCommand, parseHostCommand } from "./api-commands";
import { tail } from "./api-process";
import { LabError } from "./errors";
import { isOwnProcess, spawnDetached, stopOwnProcess } from "./own-process";
import { labFiles } from "./paths";
import { readState, updateState } from "./state";
import { waitFor } from "./wait";

/**
 * The lab's host agent: what a real host's systemd is to `systemctl restart clipper-api`, a process that stays up and
 * does the host commands (set-env, restart-api) it is asked over its socket. The fleet file's API hooks are a shell
 * script (host-hook.sh) that asks it through curl: a hook that started Node paid ~0.1 s of CPU for it, and a failover
 * runs six at once beside three API starts on two cores.
 */

const markers = (labDir: string) => [labFiles(labDir).hostCliBundle, labDir, "serve"];
/** What a running agent runs: the host program it started from (rebuilt at each lab start). */
const bundleHash = (labDir: string) =>
  createHash("sha256")
    .update(readFileSync(labFiles(labDir).hostCliBundle))
    .digest("hex");

/** curl's absolute path (the hooks run over SSH, in sshd's environment), or null when this machine has none. */
export function findCurl(): string | null {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":").filter(Boolean)) {
    const candidate = path.join(dir, "curl");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Serves the host commands on the agent's socket: POST /run, each argument a form field `arg`, in order. */
export function serveHostAgent(labDir: string): void {
  const socket = labFiles(labDir).hostAgentSocket;
  const ping = JSON.stringify({ pid: process.pid, bundle: bundleHash(labDir) });
  const server = createServer((req, res) => {
    const answer = (status: number, text: string) =>
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(`${text}\n`);
    if (req.method === "GET" && req.url === "/ping") return answer(200, ping);
    if (req.method !== "POST" || req.url !== "/run") return answer(404, `lab: no route ${req.method} ${req.url}`);
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const run = async () => {
        const { command, args } = parseHostCommand(new URLSearchParams(body).getAll("arg"));
        return apiCommand(command, args, { labDir });
      };
      run().then(
        (line) => answer(200, line),
        (error: unknown) =>
          answer(
            error instanceof LabError ? 400 : 500,
            `lab: ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
    });
  });
  rmSync(socket, { force: true }); // left by a killed agent: listening would fail on it
  server.listen(socket);
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** The running agent's ping: its PID and the hash of the program it runs; null when none answers. */
function pingAgent(labDir: string): Promise<{ pid: number; bundle: string } | null> {
  return new Promise((resolve) => {
    const req = request({ socketPath: labFiles(labDir).hostAgentSocket, path: "/ping", timeout: 1_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(text) as { pid: number; bundle: string }) : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
    req.end();
  });
}

/** The host agent running this lab's current host program: the one answering, else a new one. Null: it ran already. */
export async function ensureHostAgent(labDir: string): Promise<number | null> {
  const pid = readState(labDir)?.hostAgentPid;
  const running = isOwnProcess(pid, markers(labDir)) ? await pingAgent(labDir) : null;
  if (running && running.pid === pid && running.bundle === bundleHash(labDir)) return null;
  return startHostAgent(labDir);
}

/** Starts the host agent afresh and waits until it answers; returns its PID. */
async function startHostAgent(labDir: string): Promise<number> {
  const files = labFiles(labDir);
  await stopHostAgent(labDir);
  mkdirSync(path.dirname(files.hostAgentSocket), { recursive: true, mode: 0o700 });
  const started = spawnDetached(
    [process.execPath, files.hostCliBundle, "--lab-dir", labDir, "serve"],
    files.hostAgentLog,
    "the host agent",
  );
  updateState(labDir, (s) => (s.hostAgentPid = started));
  await waitFor(
    "the host agent to answer",
    async () => {
      if (!isOwnProcess(started, markers(labDir)))
        throw new Error(`the host agent exited; last log lines:\n${tail(files.hostAgentLog)}`);
      return (await pingAgent(labDir))?.pid === started;
    },
    { timeoutMs: 15_000, intervalMs: 25 },
  );
  return started;
}

/** Stops the host agent by its PID; true when one was running. */
export async function stopHostAgent(labDir: string): Promise<boolean> {
  const state = readState(labDir);
  const stopped = await stopOwnProcess(state?.hostAgentPid, markers(labDir), "the host agent");
  if (state?.hostAgentPid) updateState(labDir, (s) => (s.hostAgentPid = null));
  return stopped;
}
