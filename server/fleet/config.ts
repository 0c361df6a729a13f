import "server-only";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseFleetConfig, type FleetConfig } from "@/lib/fleet-config";
import { env } from "@/server/env";
import { withCurrentPrimary } from "./topology";

export function fleetConfigPath(): string {
  return path.resolve(/*turbopackIgnore: true*/ env.FLEET_CONFIG ?? path.join(env.LAB_DIR, "fleet.json"));
}

/** Reads and validates a fleet file; the error names the file and the field. */
export function readFleetConfig(file: string): FleetConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(
      `Fleet file ${file} not found: start the lab with \`npm run lab\`, or point FLEET_CONFIG at your fleet's file.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`Fleet file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const fleet = parseFleetConfig(json, file);
  const problems = transportFileProblems(fleet);
  if (problems.length) throw new Error(`Invalid fleet file ${file}:\n${problems.join("\n")}`);
  return fleet;
}

/**
 * What ssh itself would refuse later, said at start-up with the field: an identity file that is missing or
 * readable by others than its owner, a known-hosts file that is missing (host keys are pinned, never learnt).
 */
export function transportFileProblems(fleet: FleetConfig): string[] {
  const problems: string[] = [];
  fleet.regions.forEach((r, i) => {
    const t = r.transport;
    if (t.kind !== "ssh") return;
    const field = `regions.${i}.transport`;
    const id = statSync(t.identityFile, { throwIfNoEntry: false });
    if (!id?.isFile()) problems.push(`${field}.identityFile: ${t.identityFile} does not exist`);
    else if (id.mode & 0o077)
      problems.push(
        `${field}.identityFile: ${t.identityFile} is readable by others than its owner (mode ${(id.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    if (!statSync(t.knownHostsFile, { throwIfNoEntry: false })?.isFile())
      problems.push(
        `${field}.knownHostsFile: ${t.knownHostsFile} does not exist (pin each host's key in it: ssh-keyscan -p <port> <host>, checked by hand)`,
      );
  });
  return problems;
}

const cache = globalThis as unknown as { __switchyardFleet?: { file: string; mtimeMs: number; config: FleetConfig } };

/** The fleet, re-read when its file changes (the lab rewrites it when it rebuilds), with the primary Switchyard last set. */
export function getFleetConfig(): FleetConfig {
  const file = fleetConfigPath();
  const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const hit = cache.__switchyardFleet;
  if (hit && hit.file === file && hit.mtimeMs === mtimeMs) return withCurrentPrimary(hit.config);
  const config = readFleetConfig(file);
  cache.__switchyardFleet = { file, mtimeMs, config };
  return withCurrentPrimary(config);
}
