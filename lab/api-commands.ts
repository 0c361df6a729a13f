import { LabError } from "./errors";
import { restartApi, setApiEnv } from "./api-process";
import type { LabOptions } from "./lab";

export type HostCommand = "set-env" | "restart-api";

/** A host command line (`set-env <region> KEY=VALUE...`, `restart-api <region>`): its command and the rest. */
export function parseHostCommand(argv: readonly string[]): { command: HostCommand; args: string[] } {
  const [command, ...args] = argv;
  if (command !== "set-env" && command !== "restart-api")
    throw new LabError(`unknown command "${command ?? ""}": the host commands are set-env and restart-api`);
  return { command, args };
}

/** The runbook's `export KEY=VALUE` and `systemctl restart clipper-api` for one region API, as a line to print. */
export async function apiCommand(command: HostCommand, args: string[], options: LabOptions): Promise<string> {
  const [region, ...rest] = args;
  if (command === "set-env") {
    if (!region) throw new LabError("usage: set-env <region> KEY=VALUE...");
    const result = await setApiEnv(region, rest, options);
    return `${result.region}: set ${result.changed.map((k) => `${k}=${result.env[k]}`).join(" ")} (restart-api to apply)`;
  }
  if (!region) throw new LabError("usage: restart-api <region>");
  const result = await restartApi(region, options);
  return `${result.region} API restarted (pid ${result.pid}) at ${result.apiUrl}`;
}
