import { describe, expect, it } from "vitest";
import type { UserRequest } from "./traffic";
import { percentile, userFigures } from "./user-figures";

const now = Date.parse("2026-12-03T10:00:00Z");
const req = (secondsAgo: number, geography: string, status: number, ms: number, servedBy: string | null) =>
  ({ at: now - secondsAgo * 1_000, geography, status, ms, servedBy }) satisfies UserRequest;

describe("percentile", () => {
  it("takes the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe("userFigures", () => {
  it("counts each geography's requests in the window, errors apart, latency of the answers only", () => {
    const figures = userFigures(
      [
        req(1, "americas", 200, 10, "us-east-1"),
        req(2, "americas", 200, 30, "eu-west-1"),
        req(3, "americas", 503, 1, "eu-west-1"),
        req(4, "americas", 0, 5_000, null),
        req(5, "americas", 200, 20, "us-east-1"),
        req(30, "americas", 200, 999, "ap-southeast-1"), // before the window
        req(1, "europe", 200, 8, "eu-west-1"),
      ],
      ["americas", "europe", "asia-pacific"],
      now,
      10,
    );
    expect(figures.windowSeconds).toBe(10);
    expect(figures.geographies).toEqual([
      {
        id: "americas",
        requests: 5,
        errors: 2,
        p50Ms: 20,
        p95Ms: 30,
        servedBy: { "us-east-1": 2, "eu-west-1": 1 },
        lastServedBy: "us-east-1",
      },
      {
        id: "europe",
        requests: 1,
        errors: 0,
        p50Ms: 8,
        p95Ms: 8,
        servedBy: { "eu-west-1": 1 },
        lastServedBy: "eu-west-1",
      },
      { id: "asia-pacific", requests: 0, errors: 0, p50Ms: null, p95Ms: null, servedBy: {}, lastServedBy: null },
    ]);
  });
});
