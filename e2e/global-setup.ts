import { createWriteStream, rmSync } from "node:fs";
import path from "node:path";
import { resetLab, startLab, stopLab } from "../lab/index";
import { startConsole, waitUntilServing, type ConsoleProcess } from "./support/console-process";

export const RUN_DIR = path.resolve(import.meta.dirname, "../.test-run");

/**
 * Starts the lab and a production console with a fresh embedded store (as `npm start` runs it), once for
 * the run. Specs find them through E2E_BASE_URL and E2E_LAB_DIR; the returned teardown stops both by PID.
 */
export default async function globalSetup() {
  const labDir = path.join(RUN_DIR, "lab");
  const dataDir = path.join(RUN_DIR, "data");
  await resetLab({ labDir });
  rmSync(dataDir, { recursive: true, force: true });

  let console_: ConsoleProcess | undefined;
  const log = createWriteStream(path.join(RUN_DIR, "console.log"));
  const teardown = async () => {
    console_?.stop();
    log.end(console_?.output() ?? "");
    await stopLab({ labDir });
  };
  try {
    await startLab({ labDir });
    console_ = await startConsole({ LAB_DIR: labDir, DATA_DIR: dataDir, POLL_INTERVAL: "500" });
    await waitUntilServing(console_);
    process.env.E2E_BASE_URL = console_.baseURL;
    process.env.E2E_LAB_DIR = labDir;
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
