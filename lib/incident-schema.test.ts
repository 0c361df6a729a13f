import { describe, expect, it } from "vitest";
import { parseIncidentFilters } from "./incident-schema";

describe("incident list filters from the URL", () => {
  it("default to open incidents and keep valid values", () => {
    expect(parseIncidentFilters({})).toEqual({ status: "open" });
    expect(parseIncidentFilters({ status: "all", severity: "P1", scenario: "primary-database-failure" })).toEqual({
      status: "all",
      severity: "P1",
      scenarioId: "primary-database-failure",
    });
  });

  it("drop what is not valid instead of failing, and take the first of repeated params", () => {
    expect(parseIncidentFilters({ status: "closed", severity: "P9", scenario: "Robert'); drop" })).toEqual({
      status: "open",
    });
    expect(parseIncidentFilters({ status: ["resolved", "all"], severity: "" })).toEqual({ status: "resolved" });
  });
});
