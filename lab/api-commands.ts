import { LabError } from "./errors";
import { restartApi, setApiEnv } from "./api-process";
import type { LabOptions } from "./lab";

/** The runbook's `export KEY=VALUE` and `systemctl restart clipper-api` for one region API, as a line to print. */
export async function apiCommand(
  command: "set-env" | "restart-api",
  args: string[],
  options: LabOptions,
): Promise<string> {
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
