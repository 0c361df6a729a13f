import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseFleetConfig, type FleetConfig } from "../lib/fleet-config";
import { apiUrl } from "./api-process";
import { labBalancerConfig } from "./balancer";
import { regionAddress } from "./network/net";
import { findCurl } from "./host-agent";
import { labFiles } from "./paths";
import { LAB_REGIONS, type RegionId, type RegionRole } from "./regions";
import { labTransport } from "./sshd";
import type { LabState, RegionState } from "./state";
import { generatorUrl } from "./traffic-process";

/** Over SSH to the region's own sshd when the lab runs them (lab/sshd.ts); otherwise on this machine. */
function transport(state: LabState, id: RegionId, rs: RegionState) {
  return state.hostCommands === "ssh" && rs.sshd
    ? labTransport(state.labDir, regionAddress(state, id), rs.sshd.port)
    : { kind: "local" as const };
}

/** The fleet file the console reads: validated against lib/fleet-config.ts before it is written. */
export function buildFleet(state: LabState, roles: Record<RegionId, RegionRole>): FleetConfig {
  // Absolute paths only: over SSH the remote shell starts in the user's home with sshd's environment.
  const run = (bundle: string) => (command: string, region: RegionId) => ({
    argv: [process.execPath, bundle, "--lab-dir", state.labDir, command, region],
  });
  const files = labFiles(state.labDir);
  const cli = run(files.cliBundle);
  // the API hooks ask the host agent when it runs (lab/host-agent.ts), else start the host commands themselves
  const curl = state.hostAgentPid ? findCurl() : null;
  const host = curl
    ? (command: string, region: RegionId) => ({
        argv: ["/bin/sh", files.hostHook, curl, files.hostAgentSocket, command, region],
      })
    : run(files.hostCliBundle);
  const balancer = labBalancerConfig(state, state.generator ? generatorUrl(state.generator.port) : undefined);
  const fleet = {
    version: 1,
    name: "switchyard-lab",
    simulated: state.simulated,
    regions: LAB_REGIONS.map((r) => {
      const rs = state.regions[r.id];
      if (!rs) throw new Error(`no state for ${r.id}`);
      return {
        id: r.id,
        displayName: r.displayName,
        role: roles[r.id],
        apiUrl: apiUrl(state, r.id),
        postgres: {
          host: regionAddress(state, r.id),
          port: rs.pgPort,
          user: "postgres",
          database: "postgres",
          ...(r.slot ? { slot: r.slot } : {}),
        },
        cdn: { provider: "cloudflare", enabled: true },
        transport: transport(state, r.id, rs),
        hooks: {
          setApiEnv: host("set-env", r.id),
          restartApi: host("restart-api", r.id),
          // the lab's STONITH: isolate the region's namespace (only where the lab has a network to cut)
          ...(state.network ? { fence: cli("fence", r.id) } : {}),
          // drills: Switchyard injects and clears the lab's faults itself (the kind is appended as one argument)
          // (a database brought back waits up to 30 s for its replicas to stream again: room for that and more)
          injectFault: { ...cli("fault", r.id), timeoutMs: 90_000 },
          clearFault: { ...cli("clear-fault", r.id), timeoutMs: 90_000 },
          ...(state.pgBinDir && rs.dataDir
            ? {
                postgres: {
                  binDir: state.pgBinDir,
                  dataDir: rs.dataDir,
                  ...(rs.pgLog ? { logFile: rs.pgLog } : {}),
                  ...(state.runAsUser ? { runAsUser: state.runAsUser } : {}),
                },
              }
            : {}),
        },
      };
    }),
    // the global load balancer in front of the region APIs, when the lab runs one
    ...(balancer ? { balancer } : {}),
  };
  return parseFleetConfig(fleet, "lab fleet");
}

export function writeFleetFile(state: LabState, roles: Record<RegionId, RegionRole>): string {
  const file = labFiles(state.labDir).fleet;
  const fleet = buildFleet(state, roles);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(fleet, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}
