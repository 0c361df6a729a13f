import { LabError } from "../errors";
import type { LabOptions } from "../lab";
import { resolveLabDir } from "../paths";
import { parseRegion, REGION_IDS, type RegionId } from "../regions";
import { requireState, updateState, type LabState } from "../state";
import { applyCuts, consoleAddress, regionAddress } from "./net";

/** The network faults: what a region is cut off from. Each replaces that region's rules; `heal` lifts them all. */
export type Cut = "from-console" | "from-regions" | "isolate" | "heal";

const cutOf: Record<Cut, { fromConsole: boolean; fromRegions: boolean }> = {
  "from-console": { fromConsole: true, fromRegions: false },
  "from-regions": { fromConsole: false, fromRegions: true },
  isolate: { fromConsole: true, fromRegions: true },
  heal: { fromConsole: false, fromRegions: false },
};

/** Sets one region's cut and loads its rules; a lab on loopback can only be healed (a no-op). */
export async function cutNetwork(labDir: string, id: RegionId, cut: Cut): Promise<LabState> {
  const state = requireState(labDir);
  if (!state.network) {
    if (cut === "heal") return state;
    throw new LabError(
      `network faults are unavailable: the regions share this machine's loopback (${state.networkReason ?? "no lab network"})`,
    );
  }
  const next = updateState(labDir, (s) => {
    const rs = s.regions[id];
    if (rs) rs.cut = { ...cutOf[cut] };
  });
  await applyCuts(next, id);
  return next;
}

export interface NetworkFaultResult {
  regions: RegionId[];
  message: string;
}

/** `partition <region> --from console|regions`, `isolate <region>`, `fence <region>`, `heal [<region>]`. */
export async function injectNetworkFault(
  command: "partition" | "isolate" | "fence" | "heal",
  region: string | undefined,
  from: string | undefined,
  options: LabOptions = {},
): Promise<NetworkFaultResult> {
  const labDir = resolveLabDir(options.labDir);
  if (command === "heal") {
    const ids = region ? [parseRegion(region)] : [...REGION_IDS];
    for (const id of ids) await cutNetwork(labDir, id, "heal");
    return { regions: ids, message: `${ids.join(", ")}: network healed, every packet passes again` };
  }
  if (!region)
    throw new LabError(`usage: ${command} <region>${command === "partition" ? " --from console|regions" : ""}`);
  const id = parseRegion(region);
  const state = requireState(labDir);
  const at = `${id} (${regionAddress(state, id)})`;
  switch (command) {
    case "partition": {
      if (from !== "console" && from !== "regions")
        throw new LabError("partition needs --from console or --from regions");
      await cutNetwork(labDir, id, from === "console" ? "from-console" : "from-regions");
      return {
        regions: [id],
        message:
          from === "console"
            ? `${at} partitioned from the console (${state.network ? consoleAddress(state.network) : "?"}): its database, API and sshd time out from here; the other regions still reach it`
            : `${at} partitioned from the other regions: replication and their connections to it time out; the console still reaches it`,
      };
    }
    case "isolate":
      await cutNetwork(labDir, id, "isolate");
      return { regions: [id], message: `${at} isolated: nothing reaches it and it reaches nothing` };
    case "fence":
      // The lab's STONITH: a revoked security group. Its servers keep running, cut off from every client.
      await cutNetwork(labDir, id, "isolate");
      return { regions: [id], message: `${at} fenced: isolated from the console and every region (heal lifts it)` };
  }
}
