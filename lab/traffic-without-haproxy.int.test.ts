import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFleetConfig } from "../lib/fleet-config";
import { labStatus, resetLab, startLab, stopLab, type StartResult } from "./index";

/** Without HAProxy the lab runs as before, without a balancer or users, and says so. */

const labDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-no-haproxy-test-"));
const savedBin = process.env.HAPROXY_BIN;
let started: StartResult;

beforeAll(async () => {
  process.env.HAPROXY_BIN = path.join(labDir, "no-such-haproxy"); // this one only, and it is not there
  // the simulated database tier: this file is about the balancer, and the regions' APIs start in seconds
  started = await startLab({ labDir, simulated: true });
}, 120_000);

afterAll(async () => {
  if (savedBin === undefined) delete process.env.HAPROXY_BIN;
  else process.env.HAPROXY_BIN = savedBin;
  try {
    await stopLab({ labDir });
  } finally {
    await resetLab({ labDir });
    rmSync(labDir, { recursive: true, force: true });
  }
}, 60_000);

describe("the lab without HAProxy", () => {
  it("starts every region API, warns that there is no balancer, and the fleet file has no balancer section", async () => {
    expect(started.status.regions.map((r) => r.api)).toEqual(["up", "up", "up"]);
    expect(started.warnings.join("\n")).toMatch(/HAProxy is not installed .*without its global load balancer/);
    const status = await labStatus({ labDir });
    expect(status.balancer).toBeNull();
    expect(status.generator).toBeNull();
    expect(status.balancerReason).toMatch(/HAProxy is not installed/);
    const fleet = parseFleetConfig(JSON.parse(readFileSync(status.fleetFile, "utf8")), status.fleetFile);
    expect(fleet.balancer).toBeUndefined();
  });
});
