import "server-only";
import type { RegionsResponse } from "@/lib/region-health";
import type { User } from "@/server/auth/users";
import { getFleetConfig } from "./config";
import { readRegions } from "./region-status";

/** Every region's latest status, for any signed-in role. */
export async function getRegions(_viewer: User): Promise<RegionsResponse> {
  return readRegions(getFleetConfig());
}
