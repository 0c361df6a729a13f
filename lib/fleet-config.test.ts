import { describe, expect, it } from "vitest";
import { fleetFileRegion as region } from "@/tests/support/fleet-fixtures";
import { parseFleetConfig } from "./fleet-config";

describe("parseFleetConfig", () => {
  it("accepts a valid fleet and fills defaults", () => {
    const fleet = parseFleetConfig(
      { version: 1, regions: [region("us-east-1", "primary", 7001), region("eu-west-1", "replica", 7002)] },
      "fleet.json",
    );
    expect(fleet.simulated).toBe(false);
    expect(fleet.regions[0]?.postgres.database).toBe("postgres");
    expect(fleet.regions[1]?.cdn.enabled).toBe(true);
  });

  it("names the file and the field that is wrong", () => {
    const bad = {
      version: 1,
      regions: [region("us-east-1", "primary", 7001), { ...region("eu-west-1", "replica", 7002), apiUrl: "not a url" }],
    };
    expect(() => parseFleetConfig(bad, "/etc/switchyard/fleet.json")).toThrow(/fleet\.json[\s\S]*regions\.1\.apiUrl/);
  });

  it("requires exactly one primary and unique region ids", () => {
    expect(() => parseFleetConfig({ version: 1, regions: [region("us-east-1", "replica", 7001)] }, "f")).toThrow(
      /exactly one region must be primary/,
    );
    expect(() =>
      parseFleetConfig(
        { version: 1, regions: [region("us-east-1", "primary", 7001), region("us-east-1", "replica", 7002)] },
        "f",
      ),
    ).toThrow(/regions\.1\.id: duplicate region id/);
  });

  it("refuses a hook command that is not an argument list", () => {
    const bad = {
      version: 1,
      regions: [
        { ...region("us-east-1", "primary", 7001), hooks: { restartApi: { argv: "systemctl restart clipper-api" } } },
      ],
    };
    expect(() => parseFleetConfig(bad, "f")).toThrow(/regions\.0\.hooks\.restartApi\.argv/);
  });
});
