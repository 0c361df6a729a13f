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
    throw new Error(`Fleet file ${file} not found: start the lab with \`npm run lab\`, or point FLEET_CONFIG at your fleet's file.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`Fleet file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseFleetConfig(json, file);
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
