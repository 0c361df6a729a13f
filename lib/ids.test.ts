import { describe, expect, it } from "vitest";
import { incidentRowId, rowId } from "./id-schema";
import { incidentRef, maxInt4 } from "./ids";

const rule = "must be a whole number from 1 to 2147483647";

describe("rowId", () => {
  it("takes 1 to 2147483647, as a number or its digits", () => {
    for (const [raw, id] of [
      [1, 1],
      ["1", 1],
      [" 12 ", 12],
      [maxInt4, maxInt4],
      [String(maxInt4), maxInt4],
    ] as const)
      expect(rowId.parse(raw)).toBe(id);
  });

  it("refuses anything else, beyond PostgreSQL's int4 too, with one message", () => {
    for (const bad of [
      0,
      -1,
      1.5,
      maxInt4 + 1,
      2 ** 53,
      Number.NaN,
      Infinity,
      "",
      "0",
      "-1",
      "1e3",
      "0x10",
      "12abc",
      "4294967296",
      "99999999999",
      "9".repeat(400),
      null,
      undefined,
      {},
    ]) {
      const parsed = rowId.safeParse(bad);
      expect(parsed.success, String(bad)).toBe(false);
      expect(new Set(parsed.error?.issues.map((i) => i.message))).toEqual(new Set([rule]));
    }
  });
});

describe("incidentRowId", () => {
  it("takes a row id, optionally written INC-12", () => {
    expect(incidentRowId.parse("INC-12")).toBe(12);
    expect(incidentRowId.parse("inc-2147483647")).toBe(maxInt4);
    expect(incidentRowId.parse(7)).toBe(7);
    for (const bad of ["INC-4294967296", "INC-", "INC-0", "INC-12-3", "12INC"])
      expect(incidentRowId.safeParse(bad).success, bad).toBe(false);
  });

  it("reads back every id as incidentRef writes it", () => {
    expect(incidentRef(12)).toBe("INC-12");
    for (const id of [1, 12, maxInt4]) expect(incidentRowId.parse(incidentRef(id))).toBe(id);
  });
});
