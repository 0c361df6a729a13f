import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LabError } from "../errors";
import { run, runForExitCode } from "../exec";
import { isRoot, labHash } from "../paths";
import { LAB_REGIONS, type RegionId } from "../regions";
import type { LabState } from "../state";

/**
 * The regions' own network. As root, each region is a Linux network namespace with one address, joined by a
 * veth pair to a bridge in the console's namespace:
 *
 *   console (bridge <subnet>.1) ── veth ── <ns us-east-1> eth0 <subnet>.11
 *                               ── veth ── <ns eu-west-1> eth0 <subnet>.12
 *                               ── veth ── <ns ap-southeast-1> eth0 <subnet>.13
 *
 * Nothing else: no default route anywhere, so no packet leaves the machine. Every name starts with a prefix
 * derived from the lab directory, which is how a crashed lab's leftovers are found. Network faults are nftables
 * rules inside a region's namespace that drop packets (no reset: a peer only learns it by timing out).
 */

/** Subnets handed out to labs, one directory per claimed subnet naming its lab (/run is emptied at boot). */
const CLAIMS_DIR = "/run/switchyard-lab-net";
const SUBNET_BASE = "10.213";
const TABLE = "switchyard_lab";

export interface LabNetwork {
  prefix: string;
  /** The first three octets, e.g. "10.213.7": the lab's /24. */
  subnet: string;
}

export function networkPrefix(labDir: string): string {
  return `sy${labHash(labDir).slice(0, 6)}`;
}

const regionIndex = (id: RegionId) => LAB_REGIONS.findIndex((r) => r.id === id);
const bridgeName = (net: LabNetwork) => `${net.prefix}br`;
const vethName = (net: LabNetwork, i: number) => `${net.prefix}v${i}`;

export function netnsName(net: LabNetwork, id: RegionId): string {
  return `${net.prefix}-${regionIndex(id)}`;
}

/** The region's address: its namespace's, or loopback when the lab has no network of its own. */
export function regionAddress(state: Pick<LabState, "network">, id: RegionId): string {
  return state.network ? `${state.network.subnet}.${11 + regionIndex(id)}` : "127.0.0.1";
}

/** The console side's address on the lab network (the bridge's): what a region sees the console connect from. */
export function consoleAddress(net: LabNetwork): string {
  return `${net.subnet}.1`;
}

/** The namespace a region's servers run in, or null on loopback. */
export function regionNetns(state: Pick<LabState, "network">, id: RegionId): string | null {
  return state.network ? netnsName(state.network, id) : null;
}

/** Why the regions cannot have their own network here, or null when they can. */
export async function networkUnavailableReason(labDir: string): Promise<string | null> {
  if (!isRoot()) return "the lab is not running as root (network namespaces need root)";
  if ((await runForExitCode(["ip", "-V"])) !== 0) return "the `ip` tool (iproute2) is not installed";
  if ((await runForExitCode(["nft", "--version"])) !== 0)
    return "nftables is not installed (as root: bash scripts/ensure-nftables.sh)";
  const probe = `${networkPrefix(labDir)}-probe`;
  await runForExitCode(["ip", "netns", "del", probe]);
  if ((await runForExitCode(["ip", "netns", "add", probe])) !== 0)
    return "this machine refuses to create network namespaces (`ip netns add` failed)";
  const nftWorks = (await runForExitCode(["ip", "netns", "exec", probe, "nft", "list", "tables"])) === 0;
  await runForExitCode(["ip", "netns", "del", probe]);
  return nftWorks ? null : "nftables does not work inside a network namespace on this kernel";
}

function claimOwner(subnet: string): string | null {
  try {
    return readFileSync(path.join(CLAIMS_DIR, subnet, "lab"), "utf8");
  } catch {
    return null;
  }
}

/** A claim is stale when its lab no longer exists or has moved to another subnet. */
function claimIsStale(subnet: string, owner: string): boolean {
  try {
    const state = JSON.parse(readFileSync(path.join(owner, "state.json"), "utf8")) as {
      network?: { subnet?: string } | null;
    };
    return state.network?.subnet !== subnet;
  } catch {
    return true;
  }
}

function claim(subnet: string, labDir: string): boolean {
  const dir = path.join(CLAIMS_DIR, subnet);
  try {
    mkdirSync(dir); // atomic: only one lab wins a free subnet
  } catch {
    const owner = claimOwner(subnet);
    if (owner !== labDir && owner !== null && !claimIsStale(subnet, owner)) return false;
  }
  writeFileSync(path.join(dir, "lab"), labDir);
  return true;
}

/** Picks a /24 no other lab holds and no interface of this machine uses, and claims it for `labDir`. */
export async function claimSubnet(labDir: string): Promise<LabNetwork> {
  mkdirSync(CLAIMS_DIR, { recursive: true, mode: 0o755 });
  const inUse = (await run(["ip", "-o", "-4", "addr", "show"])).stdout;
  const start = parseInt(labHash(labDir).slice(0, 2), 16);
  for (let k = 0; k < 256; k++) {
    const subnet = `${SUBNET_BASE}.${(start + k) % 256}`;
    if (inUse.includes(` ${subnet}.`)) continue;
    if (claim(subnet, labDir)) return { prefix: networkPrefix(labDir), subnet };
  }
  throw new LabError(`no free subnet left in ${SUBNET_BASE}.0.0/16 for the lab's network`);
}

/** Re-takes this lab's recorded subnet (after a reboot emptied /run), refusing when another live lab holds it. */
function reclaim(net: LabNetwork, labDir: string): void {
  mkdirSync(CLAIMS_DIR, { recursive: true, mode: 0o755 });
  if (!claim(net.subnet, labDir)) {
    throw new LabError(
      `the lab network ${net.subnet}.0/24 is claimed by the lab in ${claimOwner(net.subnet)}; reset this lab (npm run lab -- reset) to get another`,
    );
  }
}

export function releaseSubnet(net: LabNetwork, labDir: string): void {
  if (claimOwner(net.subnet) === labDir) rmSync(path.join(CLAIMS_DIR, net.subnet), { recursive: true, force: true });
}

async function names(): Promise<{ namespaces: string[]; links: string[] }> {
  const ns = (await run(["ip", "netns", "list"])).stdout;
  const links = (await run(["ip", "-o", "link", "show"])).stdout;
  return {
    namespaces: ns
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[0] ?? "")
      .filter(Boolean),
    links: links
      .split("\n")
      .map((l) => (l.split(":")[1] ?? "").trim().split("@")[0] ?? "")
      .filter(Boolean),
  };
}

/** Creates what is missing of the lab's bridge, namespaces and links, then applies each region's recorded cuts. */
export async function ensureNetwork(state: LabState, actions: string[]): Promise<void> {
  const net = state.network;
  if (!net) return;
  reclaim(net, state.labDir);
  const existing = await names();
  const bridge = bridgeName(net);
  if (!existing.links.includes(bridge)) {
    await run(["ip", "link", "add", bridge, "type", "bridge"]);
    await run(["ip", "addr", "add", `${consoleAddress(net)}/24`, "dev", bridge]);
    await run(["ip", "link", "set", bridge, "up"]);
    actions.push(`created the lab network ${net.subnet}.0/24 (bridge ${bridge}, console side ${consoleAddress(net)})`);
  }
  for (const [i, r] of LAB_REGIONS.entries()) {
    const ns = netnsName(net, r.id);
    if (!existing.namespaces.includes(ns)) await run(["ip", "netns", "add", ns]);
    await run(["ip", "-n", ns, "link", "set", "lo", "up"]);
    const veth = vethName(net, i);
    if (existing.links.includes(veth)) continue;
    const peer = `${net.prefix}p${i}`;
    await runForExitCode(["ip", "-n", ns, "link", "del", "eth0"]);
    await run(["ip", "link", "add", veth, "type", "veth", "peer", "name", peer]);
    await run(["ip", "link", "set", peer, "netns", ns]);
    await run(["ip", "-n", ns, "link", "set", peer, "name", "eth0"]);
    await run(["ip", "-n", ns, "addr", "add", `${regionAddress(state, r.id)}/24`, "dev", "eth0"]);
    await run(["ip", "-n", ns, "link", "set", "eth0", "up"]);
    await run(["ip", "link", "set", veth, "master", bridge]);
    await run(["ip", "link", "set", veth, "up"]);
    actions.push(`${r.id} on its own network: namespace ${ns}, address ${regionAddress(state, r.id)}`);
  }
  for (const r of LAB_REGIONS) await applyCuts(state, r.id);
}

/** Removes every namespace and link whose name starts with this lab's prefix (rules go with their namespace). */
export async function removeNetwork(prefix: string): Promise<string[]> {
  const existing = await names();
  const removed: string[] = [];
  for (const ns of existing.namespaces.filter((n) => n.startsWith(`${prefix}-`))) {
    // Whatever the lab's servers left in it (an SSH session whose client was killed) ends with it, rather than
    // keeping a deleted namespace alive.
    const left = await run(["ip", "netns", "pids", ns]).then(
      (r) => r.stdout.split(/\s+/).filter(Boolean).map(Number),
      () => [],
    );
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await runForExitCode(["ip", "netns", "del", ns]);
    removed.push(`namespace ${ns}`);
  }
  for (const link of existing.links.filter((n) => n.startsWith(prefix))) {
    if ((await runForExitCode(["ip", "link", "del", link])) === 0) removed.push(`link ${link}`);
  }
  return removed;
}

/** The nftables ruleset for one region: replaces the lab's table in one transaction (empty when nothing is cut). */
export function cutRules(state: LabState, id: RegionId): string {
  const net = state.network;
  const cut = state.regions[id]?.cut;
  const lines = [`add table inet ${TABLE}`, `delete table inet ${TABLE}`];
  if (!net || !cut || (!cut.fromConsole && !cut.fromRegions)) return `${lines.join("\n")}\n`;
  const peers: string[] = [];
  if (cut.fromConsole) peers.push(consoleAddress(net));
  if (cut.fromRegions) peers.push(...LAB_REGIONS.filter((r) => r.id !== id).map((r) => regionAddress(state, r.id)));
  const set = `{ ${peers.join(", ")} }`;
  lines.push(
    `table inet ${TABLE} {`,
    `  chain input { type filter hook input priority 0; policy accept; iifname "eth0" ip saddr ${set} drop; }`,
    `  chain output { type filter hook output priority 0; policy accept; oifname "eth0" ip daddr ${set} drop; }`,
    "}",
  );
  return `${lines.join("\n")}\n`;
}

/** Loads the region's rules into its namespace. */
export async function applyCuts(state: LabState, id: RegionId): Promise<void> {
  if (!state.network) return;
  const dir = path.join(state.labDir, "net");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${id}.nft`);
  writeFileSync(file, cutRules(state, id));
  await run(["ip", "netns", "exec", netnsName(state.network, id), "nft", "-f", file]);
}

/** What `npm run lab -- status` lists for a region's network faults. */
export function describeCut(cut: { fromConsole: boolean; fromRegions: boolean }): string[] {
  if (cut.fromConsole && cut.fromRegions) return ["isolated"];
  if (cut.fromConsole) return ["partition-from-console"];
  if (cut.fromRegions) return ["partition-from-regions"];
  return [];
}
