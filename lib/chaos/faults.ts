/**
 * The faults the chaos soak injects into the lab, and which of them may be in place at the same time.
 * Pure: the soak's runner injects them (chaos/lab-faults.ts), the schedule combines them (./schedule.ts).
 */

export const chaosFaultKinds = [
  "db-down",
  "api-down",
  "api-hang",
  "api-slow",
  "mirror-down",
  "cdn-outage",
  "lag",
  "partition-from-console",
  "partition-from-regions",
  "isolate",
] as const;
export type ChaosFaultKind = (typeof chaosFaultKinds)[number];

export const networkFaultKinds: readonly ChaosFaultKind[] = [
  "partition-from-console",
  "partition-from-regions",
  "isolate",
];

export interface ChaosFault {
  kind: ChaosFaultKind;
  region: string;
}

/** The fleet the schedule plays on: its home primary and its replicas. */
export interface Topology {
  primary: string;
  replicas: readonly string[];
}

/**
 * How a fault bears on the others:
 * - surface: the region's mirrors or CDN (mirror-down, cdn-outage) — harmless to everything else;
 * - api: the region API (killed, hung, slow) — its heartbeat stops, the database tier is untouched;
 * - replica-db: a replica's server stopped or its replay paused;
 * - primary-db: the primary's server stopped;
 * - network: a region cut off from the console, from the other regions, or both.
 */
export type FaultClass = "surface" | "api" | "replica-db" | "primary-db" | "network";

export function faultClass(f: ChaosFault, topology: Topology): FaultClass {
  switch (f.kind) {
    case "mirror-down":
    case "cdn-outage":
      return "surface";
    case "api-down":
    case "api-hang":
    case "api-slow":
      return "api";
    case "db-down":
      return f.region === topology.primary ? "primary-db" : "replica-db";
    case "lag":
      return "replica-db";
    default:
      return "network";
  }
}

/** Whether the fault can be injected at all: `lag` pauses replay, which only a replica has. */
export function possible(f: ChaosFault, topology: Topology): boolean {
  const known = f.region === topology.primary || topology.replicas.includes(f.region);
  if (!known) return false;
  return f.kind !== "lag" || topology.replicas.includes(f.region);
}

/**
 * Whether two faults may be in place at once. Never two in one region (each is undone by that region's
 * `recover`, and one would hide the other on the pages); never the primary's server and a replica's together
 * (with both replicas or the primary gone nothing could be promoted, and the primary's synchronous commit
 * needs a standby); a network fault only beside a surface fault elsewhere (a cut changes what every region
 * reports of the others).
 */
export function compatible(a: ChaosFault, b: ChaosFault, topology: Topology): boolean {
  if (a.region === b.region) return false;
  if (!possible(a, topology) || !possible(b, topology)) return false;
  const pair = new Set([faultClass(a, topology), faultClass(b, topology)]);
  if (pair.has("surface")) return true;
  if (pair.has("network")) return false;
  if (pair.has("primary-db") && pair.has("replica-db")) return false;
  if (pair.size === 1 && pair.has("primary-db")) return false;
  return true;
}

/** Every fault the soak knows, in every region where it is possible. */
export function allFaults(topology: Topology, options: { network: boolean }): ChaosFault[] {
  const regions = [topology.primary, ...topology.replicas];
  return chaosFaultKinds
    .filter((kind) => options.network || !networkFaultKinds.includes(kind))
    .flatMap((kind) => regions.map((region) => ({ kind, region })))
    .filter((f) => possible(f, topology));
}

export const describeFault = (f: ChaosFault) => `${f.kind} ${f.region}`;
