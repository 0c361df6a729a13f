import { apiCommand, parseHostCommand } from "./api-commands";
import { runCli, takeLabDir } from "./cli-support";
import { serveHostAgent } from "./host-agent";
import { resolveLabDir } from "./paths";

// What the fleet file's setApiEnv and restartApi hooks run on a region's host (a real host's `export` and
// `systemctl restart clipper-api`), and the host agent that serves them (`serve`, lab/host-agent.ts). A program of
// its own, bundled apart from the lab CLI: the whole lab CLI takes some 60 ms more to load.
const { labDir, args } = takeLabDir(process.argv.slice(2));
if (args[0] === "serve") serveHostAgent(resolveLabDir(labDir));
else
  runCli(async () => {
    const { command, args: rest } = parseHostCommand(args);
    console.log(await apiCommand(command, rest, { labDir }));
  });
