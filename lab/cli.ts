import { runCli, takeLabDir } from "./cli-support";
import { LabError } from "./errors";
import type { LabStatus } from "./lab";
import { REGION_IDS } from "./regions";

// Each command loads only the modules it needs: the fleet file's fence and drill hooks run this CLI too, and loading
// the whole lab (the bundler, sshd, HAProxy, PostgreSQL set-up) costs every start tens of milliseconds. (The API's
// own hooks, set-env and restart-api, run lab/host-cli.ts.)
const lab = () => import("./lab");
const faults = () => import("./faults");

const usage = async () => `Usage: npm run lab -- [--lab-dir <dir>] <command>
  start (default)                     create what is missing, start what is stopped
  status                              JSON status of every region, the balancer and the traffic generator
  fault <region> <fault>              faults: ${(await faults()).FAULTS.join(", ")} (recover also heals the network)
  clear-fault <region> <fault>        undo that one fault (a drill's end): db-down starts the database again unless
                                      another region is the primary now
  partition <region> --from console   the console cannot reach the region (database, API, sshd); regions still can
  partition <region> --from regions   the other regions cannot reach it; the console still can
  isolate <region>                    nothing reaches it and it reaches nothing
  fence <region>                      the fleet file's fence hook: isolates the region (the lab's STONITH)
  heal [<region>]                     lift the network faults of one region, or of all
  set-env <region> KEY=VALUE...       DB_HOST, DB_PORT, CDN_ENABLED, CDN_PROVIDER, CDN_ROLLOUT_PROVIDER,
                                      CDN_ROLLOUT_PERCENT (takes effect on restart-api)
  restart-api <region>                restart a region API and wait until it answers
  balancer-reset                      every balancer server ready at its configured weight (undoes drains)
  stop                                stop the traffic generator, HAProxy, all APIs, sshds and Postgres servers
  reset                               stop and delete all lab data (SSH keys too)
Regions: ${REGION_IDS.join(", ")}. LAB_DIR (or --lab-dir) picks the lab directory (default <repo>/.lab).`;

function summary(status: LabStatus): string {
  const lines = [`Lab ${status.labDir}${status.simulated ? " (SIMULATED database tier)" : ""}`];
  for (const r of status.regions) {
    const repl = r.replication ? ` replication=${r.replication}` : "";
    const faults = r.faults.length ? ` faults=${r.faults.join(",")}` : "";
    const ssh = r.sshd ? `  ssh ${r.address}:${r.sshd.port} (${r.sshd.up ? "up" : "down"})` : "";
    lines.push(
      `  ${r.id.padEnd(15)} ${r.role.padEnd(8)} postgres ${r.address}:${r.pgPort} (${r.db})  api ${r.apiUrl} (${r.api})${ssh}${repl}${faults}`,
    );
  }
  lines.push(
    status.network
      ? `Network: each region in its own namespace on ${status.network.subnet} (console side ${status.network.consoleAddress}); partition, isolate and heal work`
      : `Network: loopback only; network faults are unavailable (${typeof status.networkFaults === "object" ? status.networkFaults.unavailable : ""})`,
  );
  lines.push(
    status.hostCommands === "ssh"
      ? "Host commands: over SSH (each region's sshd)"
      : `Host commands: local, not over SSH: ${status.localReason ?? "no SSH"}`,
  );
  lines.push(
    status.balancer
      ? `Balancer: HAProxy ${status.balancer.frontendUrl} (${status.balancer.status}), admin socket ${status.balancer.adminSocket}`
      : `Balancer: none (${status.balancerReason ?? "not started"})`,
  );
  if (status.generator)
    lines.push(
      `Users: ${status.generator.ratePerGeography}/s from each of ${status.generator.geographies.join(", ")}, figures at ${status.generator.url} (${status.generator.status})`,
    );
  lines.push(`Fleet file: ${status.fleetFile}`);
  return lines.join("\n");
}

async function main(argv: string[]): Promise<void> {
  const { labDir, args } = takeLabDir(argv);
  const [command = "start", ...rest] = args;
  const options = { labDir };
  switch (command) {
    case "start": {
      const started = Date.now();
      const result = await (await lab()).startLab(options);
      for (const warning of result.warnings) console.error(`WARNING: ${warning}`);
      if (result.actions.length)
        console.log(`${result.actions.join("\n")}\n(done in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      else console.log("Everything already running.");
      console.log(summary(result.status));
      return;
    }
    case "status":
      console.log(JSON.stringify(await (await lab()).labStatus(options), null, 2));
      return;
    case "fault": {
      const [region, fault] = rest;
      if (!region || !fault) throw new LabError(`usage: fault <region> <fault>\n${await usage()}`);
      console.log((await (await faults()).injectFault(region, fault, options)).message);
      return;
    }
    case "clear-fault": {
      const [region, fault] = rest;
      if (!region || !fault) throw new LabError(`usage: clear-fault <region> <fault>\n${await usage()}`);
      console.log((await (await faults()).clearFault(region, fault, options)).message);
      return;
    }
    case "partition":
    case "isolate":
    case "fence":
    case "heal": {
      const from = rest.indexOf("--from");
      const fromValue = from >= 0 ? rest[from + 1] : undefined;
      const positional = from >= 0 ? rest.filter((_, i) => i !== from && i !== from + 1) : rest;
      const { injectNetworkFault } = await import("./network/cuts");
      console.log((await injectNetworkFault(command, positional[0], fromValue, options)).message);
      return;
    }
    case "set-env":
    case "restart-api":
      console.log(await (await import("./api-commands")).apiCommand(command, rest, options));
      return;
    case "balancer-reset": {
      const servers = await (await import("./balancer")).resetBalancer(options);
      console.log(`Balancer back to its layout: ${servers.length} servers ready at their configured weights.`);
      return;
    }
    case "stop": {
      const result = await (await lab()).stopLab(options);
      console.log(result.stopped.length ? `Stopped: ${result.stopped.join(", ")}` : "Nothing was running.");
      return;
    }
    case "reset": {
      const result = await (await lab()).resetLab(options);
      console.log(result.removed.length ? `Removed: ${result.removed.join(", ")}` : "Nothing to remove.");
      return;
    }
    case "help":
    case "--help":
    case "-h":
      console.log(await usage());
      return;
    default:
      throw new LabError(`unknown command "${command}"\n${await usage()}`);
  }
}

runCli(() => main(process.argv.slice(2)));
