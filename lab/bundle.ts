import { copyFileSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { CLI_PATH, HOST_CLI_PATH, HOST_HOOK_PATH, LAB_ROOT, labFiles, REGION_API_MAIN_PATH } from "./paths";

/**
 * The lab CLI, the host commands (the region API's hooks: lab/host-cli.ts) and the region API, each bundled into
 * one plain JavaScript file at every lab start. A region API restart is the repoint's whole cost, and through tsx
 * every hook and every API start paid its compile: about 0.7 s per process, three processes per region and
 * repoint. Bundled, each starts in ~0.1 s. Beside them, the API hooks' shell script (lab/host-hook.sh), which asks
 * the host agent that host.mjs also serves (lab/host-agent.ts).
 */
export async function bundleLabPrograms(labDir: string): Promise<void> {
  const files = labFiles(labDir);
  mkdirSync(files.bin, { recursive: true });
  const staging = path.join(files.bin, `.build-${process.pid}`);
  await build({
    entryPoints: { cli: CLI_PATH, host: HOST_CLI_PATH, "region-api": REGION_API_MAIN_PATH },
    outdir: staging,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // pg's optional native binding is never used
    external: ["pg-native"],
    // lab/paths.ts finds the repository from its own URL: the bundle keeps the source's
    define: {
      "import.meta.url": JSON.stringify(pathToFileURL(path.join(LAB_ROOT, "paths.ts")).href),
      // pg asks whether it runs on Cloudflare Workers: without a `navigator` (Node 20) it builds a `Response`, and
      // that loads Node's whole fetch implementation, ~25 ms of every process's start. Node is what it runs on.
      navigator: JSON.stringify({ userAgent: "Node.js" }),
    },
    // bundled CommonJS dependencies call require()
    banner: {
      js: "import { createRequire as __labRequire } from 'node:module'; const require = __labRequire(import.meta.url);",
    },
    logLevel: "error",
  });
  // renamed into place: a hook that starts meanwhile runs the whole old file or the whole new one
  renameSync(path.join(staging, "cli.mjs"), files.cliBundle);
  renameSync(path.join(staging, "host.mjs"), files.hostCliBundle);
  renameSync(path.join(staging, "region-api.mjs"), files.regionApiBundle);
  copyFileSync(HOST_HOOK_PATH, path.join(staging, "host-hook.sh"));
  renameSync(path.join(staging, "host-hook.sh"), files.hostHook);
  rmSync(staging, { recursive: true, force: true });
}
