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

export function labRegion(id: RegionId): LabRegion {
  const region = LAB_REGIONS.find((r) => r.id === id);
  if (!region) throw new Error(`unknown region ${id}`);
  return region;
}

export const PRIMARY_REGION: RegionId = "us-east-1";
