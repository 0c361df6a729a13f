import "server-only";
import { drillFaults, type DrillFault } from "@/lib/drills";
import type { RegionConfig } from "@/lib/fleet-config";
import { HostCommandError, runHost } from "@/server/actions/executors/host";

/**
 * A drill's fault, put in or taken out through the region's injectFault / clearFault hook of the fleet file. The
 * fault's kind is appended as one more argument, checked against the fixed list first: execFile, never a shell. The
 * hook runs on the console's machine, like the fence hook: it is a lab's tool beside the console, and a stopped
 * database must be injectable however the region's host is reached.
 */

export type FaultHook = "injectFault" | "clearFault";

export const hasFaultHook = (region: RegionConfig, which: FaultHook) => !!region.hooks[which];

/** Runs the hook; resolves with its last line of output, rejects with what went wrong in words. */
export async function runFaultHook(region: RegionConfig, which: FaultHook, fault: DrillFault): Promise<string> {
  const hook = region.hooks[which];
  if (!hook) throw new Error(`the fleet file has no ${which} hook for ${region.id}`);
  if (!(drillFaults as readonly string[]).includes(fault)) throw new Error(`refused: ${fault} is not a drill's fault`);
  try {
    const out = await runHost(
      { argv: [...hook.argv, fault], timeoutMs: hook.timeoutMs },
      { transport: { kind: "local" }, hooks: [hook], onLine: () => {} },
    );
    return lastLine(out) || "done";
  } catch (err) {
    const said = err instanceof HostCommandError ? lastLine(err.output) : "";
    throw new Error(`${(err as Error).message}${said ? `: ${said}` : ""}`);
  }
}

const lastLine = (text: string) => text.trim().split("\n").at(-1)?.trim() ?? "";
