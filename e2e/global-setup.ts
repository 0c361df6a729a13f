import { spawn } from "node:child_process";
import { mkdirSync, openSync, rmSync } from "node:fs";
import path from "node:path";
import { resetLab, startLab, stopLab } from "../lab/index";
import { freePorts } from "../lab/ports";
import { waitFor } from "../lab/wait";

const root = path.resolve(import.meta.dirname, "..");
export const RUN_DIR = path.join(root, ".test-run");

/** The console's environment: the embedded store (as `npm start` uses it), this run's lab and data. */
function consoleEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  delete env.DATABASE_URL;
  delete env.FLEET_CONFIG;
  return env;
}

/**
 * Starts the lab and a production console on free ports, with a fresh embedded store, once for the run.
 * Specs find them through E2E_BASE_URL and E2E_LAB_DIR; the returned teardown stops both by PID.
 */
export default async function globalSetup() {
  const labDir = path.join(RUN_DIR, "lab");
  const dataDir = path.join(RUN_DIR, "data");
  await resetLab({ labDir });
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(RUN_DIR, { recursive: true });

  let consolePid: number | undefined;
  const teardown = async () => {
    if (consolePid) {
      try {
        process.kill(consolePid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await stopLab({ labDir });
  };

  try {
    await startLab({ labDir });
    const [port] = await freePorts(1);
    const baseURL = `http://127.0.0.1:${port}`;
    const log = openSync(path.join(RUN_DIR, "console.log"), "w");
    const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: root,
      env: consoleEnv({ LAB_DIR: labDir, DATA_DIR: dataDir, NEXTAUTH_URL: baseURL, POLL_INTERVAL: "500" }),
      stdio: ["ignore", log, log],
    });
    consolePid = child.pid;
    const outcome = await waitFor(
      "the console to answer /api/health",
      async () => (child.exitCode !== null ? "exited" : (await fetch(`${baseURL}/api/health`).catch(() => null))?.ok && "up"),
      { timeoutMs: 60_000 },
    );
    if (outcome === "exited") throw new Error(`the console exited with ${child.exitCode}; see .test-run/console.log`);
    process.env.E2E_BASE_URL = baseURL;
    process.env.E2E_LAB_DIR = labDir;
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
