import { describe, expect, it } from "vitest";
import { auditExportHref, auditFilterParams, auditFilters, detailPairs, toDatetimeLocal } from "./audit";

describe("auditFilters", () => {
  it("defaults the limit and reads a moment without a zone as UTC", () => {
    expect(auditFilters.parse({})).toEqual({ limit: 200 });
    expect(auditFilters.parse({ from: "2026-05-01T12:00", to: "2026-05-01T14:00:00+02:00", limit: "10" })).toEqual({
      from: "2026-05-01T12:00:00.000Z",
      to: "2026-05-01T12:00:00.000Z",
      limit: 10,
    });
  });

  it("refuses bad moments, limits and a range that ends before it starts", () => {
    for (const bad of [
      { from: "yesterday" },
      { to: "2026-02-31T25:00:00Z" },
      { limit: "0" },
      { limit: "5001" },
      { limit: "ten" },
      { limit: "1.5" },
      { from: "2026-05-02T00:00:00Z", to: "2026-05-01T00:00:00Z" },
    ]) {
      expect(auditFilters.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("auditFilterParams", () => {
  it("keeps the known, non-blank filters, first value only", () => {
    expect(auditFilterParams(new URLSearchParams("action=action.&actor=&format=csv&target=%20%2312%20"))).toEqual({
      action: "action.",
      target: "#12",
    });
    expect(auditFilterParams({ actor: ["lead", "x"], limit: undefined })).toEqual({ actor: "lead" });
  });

  it("carries them into the export links", () => {
    expect(auditExportHref({ action: "action.", target: "#12" }, "csv")).toBe(
      "/api/v1/audit?action=action.&target=%2312&format=csv",
    );
  });
});

it("shows detail as key: value pairs and moments for a datetime-local input", () => {
  expect(detailPairs({ role: "lead", from: { a: 1 }, n: 2, gone: undefined })).toEqual([
    ["role", "lead"],
    ["from", '{"a":1}'],
    ["n", "2"],
  ]);
  expect(toDatetimeLocal("2026-05-01T12:00:00.000Z")).toBe("2026-05-01T12:00:00");
  expect(toDatetimeLocal("2026-05-01T12:00")).toBe("2026-05-01T12:00:00");
  expect(toDatetimeLocal("2026-05-01T14:00:00+02:00")).toBe("2026-05-01T12:00:00");
  expect(toDatetimeLocal("nope")).toBe("");
  expect(toDatetimeLocal(undefined)).toBe("");
});
