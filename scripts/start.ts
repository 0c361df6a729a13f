/**
 * npm start: the lab fleet (unless FLEET_CONFIG points at a real fleet), a production build when the sources
 * changed, and the console on http://localhost:3000.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { startLab } from "../lab/index";
import { consoleProcessEnv } from "../lib/console-process-env";
import { isLoopback, listenHost } from "../lib/listen-host";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules/next/dist/bin/next");
const port = process.env.PORT ?? "3000";

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

function buildIsStale(): boolean {
  const built = path.join(root, ".next/BUILD_ID");
  if (!existsSync(built)) return true;
  const sources = [
    "app",
    "components",
    "lib",
    "server",
    "public",
    "server.mjs",
    "instrumentation.ts",
    "next.config.mjs",
    "package-lock.json",
  ];
  return Math.max(...sources.map((s) => newestMtime(path.join(root, s)))) > statSync(built).mtimeMs;
}

async function main() {
  if (!process.env.FLEET_CONFIG) {
    // As root the lab runs an sshd per region and the console's host commands go over SSH, each region on a
    // network of its own, behind HAProxy as the global load balancer; these install what they can and never fail
    // (without them host commands run locally, regions share loopback, there is no balancer: the lab says so).
    if (process.getuid?.() === 0) {
      for (const script of ["ensure-openssh.sh", "ensure-nftables.sh", "ensure-haproxy.sh"])
        spawnSync("bash", [path.join(root, "scripts", script)], { cwd: root, stdio: "inherit" });
    }
    console.log("[switchyard] starting the lab fleet (npm run lab -- status to inspect it)");
    const lab = await startLab({});
    for (const w of lab.warnings) console.warn(`[lab] ${w}`);
  }
  if (buildIsStale()) {
    console.log("[switchyard] building the console…");
    const build = spawnSync(process.execPath, [nextBin, "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  // Loopback unless HOST says otherwise; the console itself refuses HOST beyond loopback with demo accounts or a weak secret.
  const host = listenHost(process.env.HOST);
  console.log(
    `[switchyard] console on http://${isLoopback(host) ? "localhost" : host}:${port}${isLoopback(host) ? ` (listening on ${host} only; set HOST to listen elsewhere)` : ""}`,
  );
  const child = spawn(process.execPath, [path.join(root, "server.mjs"), "-p", port, "-H", host], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...consoleProcessEnv,
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    },
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  child.on("exit", (code) => {
    if (!process.env.FLEET_CONFIG)
      console.log("\n[switchyard] the lab keeps running; stop it with `npm run lab -- stop`");
    process.exit(code ?? 0);
  });
}

main().catch((err) => {
  console.error(`[switchyard] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
