import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cdnProviders } from "../lib/cdn-providers";
import { LabError } from "./errors";

export type ApiEnv = Record<string, string>;

/**
 * Keys `set-env` may change: the runbook's `export DB_HOST=...` and CDN switches, and the gradual rollout's
 * share of traffic sent to a second provider (CDN_ROLLOUT_PERCENT=0 ends it).
 */
export const SETTABLE_KEYS = [
  "DB_HOST",
  "DB_PORT",
  "CDN_ENABLED",
  "CDN_PROVIDER",
  "CDN_ROLLOUT_PROVIDER",
  "CDN_ROLLOUT_PERCENT",
] as const;
export type SettableKey = (typeof SETTABLE_KEYS)[number];

export function readApiEnv(file: string): ApiEnv {
  if (!existsSync(file)) return {};
  const env: ApiEnv = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq > 0) env[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return env;
}

export function writeApiEnv(file: string, env: ApiEnv): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const body = Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${body}\n`);
  renameSync(tmp, file);
}

/** Parses `KEY=VALUE` arguments, refusing keys outside SETTABLE_KEYS and malformed values. */
export function parseEnvAssignments(assignments: readonly string[]): Partial<Record<SettableKey, string>> {
  if (assignments.length === 0) throw new LabError(`give at least one KEY=VALUE (keys: ${SETTABLE_KEYS.join(", ")})`);
  const out: Partial<Record<SettableKey, string>> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new LabError(`expected KEY=VALUE, got "${assignment}"`);
    const key = assignment.slice(0, eq);
    const value = assignment.slice(eq + 1);
    if (!(SETTABLE_KEYS as readonly string[]).includes(key)) {
      throw new LabError(`${key} cannot be set; allowed keys: ${SETTABLE_KEYS.join(", ")}`);
    }
    const problem = validate(key as SettableKey, value);
    if (problem) throw new LabError(`${key}=${value}: ${problem}`);
    out[key as SettableKey] = value;
  }
  return out;
}

function validate(key: SettableKey, value: string): string | null {
  switch (key) {
    case "DB_HOST":
      return /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/.test(value) ? null : "must be a host name or IPv4 address";
    case "DB_PORT": {
      const n = Number(value);
      return /^\d+$/.test(value) && n >= 1 && n <= 65535 ? null : "must be a port number 1-65535";
    }
    case "CDN_ENABLED":
      return value === "true" || value === "false" ? null : "must be true or false";
    case "CDN_PROVIDER":
    case "CDN_ROLLOUT_PROVIDER":
      return (cdnProviders as readonly string[]).includes(value) ? null : `must be one of ${cdnProviders.join(", ")}`;
    case "CDN_ROLLOUT_PERCENT":
      return /^\d{1,3}$/.test(value) && Number(value) <= 100 ? null : "must be a whole percent 0-100";
  }
}
