import { apiCommand } from "./api-commands";
import { runCli, takeLabDir } from "./cli-support";
import { LabError } from "./errors";

// What the fleet file's setApiEnv and restartApi hooks run on a region's host (a real host's `export` and
// `systemctl restart clipper-api`). A program of its own, bundled apart from the lab CLI: these run on a failover's
// critical path, on three hosts at once, and the whole lab CLI takes each some 60 ms more to load.
runCli(async () => {
  const { labDir, args } = takeLabDir(process.argv.slice(2));
  const [command, ...rest] = args;
  if (command !== "set-env" && command !== "restart-api")
    throw new LabError(`unknown command "${command ?? ""}": the host commands are set-env and restart-api`);
  console.log(await apiCommand(command, rest, { labDir }));
});
