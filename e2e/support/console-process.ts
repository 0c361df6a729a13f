import { spawn } from "node:child_process";
import path from "node:path";
import { freePorts } from "../../lab/ports";
import { waitFor } from "../../lab/wait";
import { consoleProcessEnv } from "../../lib/console-process-env";

const root = path.resolve(import.meta.dirname, "../..");

export interface ConsoleProcess {
  pid: number;
  baseURL: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code when it exits. */
  exited: Promise<number | null>;
  stop(): void;
}

/**
 * Starts the production build (server.mjs, as `npm start` does) on a free loopback port with exactly the given environment
 * on top of the basics; the store and fleet variables of the caller's shell are not passed on. `node`: the
 * runtime to start it on (the bench compares runtimes), by default the one running the caller.
 */
export async function startConsole(
  env: Record<string, string>,
  { node = process.execPath }: { node?: string } = {},
): Promise<ConsoleProcess> {
  const port = (await freePorts(1))[0]!;
  const baseURL = `http://127.0.0.1:${port}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...consoleProcessEnv,
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXTAUTH_URL: baseURL,
  };
  for (const k of ["DATABASE_URL", "FLEET_CONFIG", "LAB_DIR", "DATA_DIR", "NEXTAUTH_SECRET", "DEMO_USERS", "HOST"])
    delete childEnv[k];
  const child = spawn(node, [path.join(root, "server.mjs"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: { ...childEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    pid: child.pid!,
    baseURL,
    output: () => out,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill("SIGTERM");
    },
  };
}

/** Waits until the console answers /api/health; fails at once, with its output, if it exits instead. */
export async function waitUntilServing(c: ConsoleProcess, timeoutMs = 60_000): Promise<void> {
  let exitCode: number | null | undefined;
  void c.exited.then((code) => (exitCode = code));
  const outcome = await waitFor(
    "the console to answer /api/health",
    async () =>
      exitCode !== undefined ? "exited" : (await fetch(`${c.baseURL}/api/health`).catch(() => null))?.ok && "up",
    { timeoutMs },
  );
  if (outcome === "exited") throw new Error(`the console exited with ${exitCode}:\n${c.output()}`);
}
