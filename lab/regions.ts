import { LabError } from "./errors";

/** The lab's fixed fleet: one primary and two streaming replicas. */
export const LAB_REGIONS = [
  { id: "us-east-1", displayName: "US East (N. Virginia)", role: "primary", slot: null },
  { id: "eu-west-1", displayName: "EU West (Ireland)", role: "replica", slot: "eu_west_1" },
  { id: "ap-southeast-1", displayName: "Asia Pacific (Singapore)", role: "replica", slot: "ap_southeast_1" },
] as const;

export type LabRegion = (typeof LAB_REGIONS)[number];
export type RegionId = LabRegion["id"];
export type RegionRole = "primary" | "replica";

export const REGION_IDS: readonly RegionId[] = LAB_REGIONS.map((r) => r.id);

export function isRegionId(value: string): value is RegionId {
  return (REGION_IDS as readonly string[]).includes(value);
}

export function parseRegion(region: string): RegionId {
  if (!isRegionId(region)) throw new LabError(`unknown region "${region}"; regions: ${REGION_IDS.join(", ")}`);
  return region;
}

export const PRIMARY_REGION: RegionId = "us-east-1";

/** Where the lab's users come from, each served first by its home region (the balancer's geo-routing). */
export const LAB_GEOGRAPHIES = [
  { id: "americas", displayName: "Americas", home: "us-east-1" },
  { id: "europe", displayName: "Europe", home: "eu-west-1" },
  { id: "asia-pacific", displayName: "Asia Pacific", home: "ap-southeast-1" },
] as const satisfies readonly { id: string; displayName: string; home: RegionId }[];

/** Where a geography's users go when its home region cannot serve them: the next region of this list that can. */
export const LAB_FAILOVER_ORDER: readonly RegionId[] = ["us-east-1", "eu-west-1", "ap-southeast-1"];
