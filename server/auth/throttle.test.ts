import { describe, expect, it } from "vitest";
import { retryPhrase } from "./throttle";

describe("when a locked sign-in may try again", () => {
  const now = Date.parse("2026-11-25T14:21:40Z");
  it("names the time with its zone, rounded up to the minute, and how long that is", () => {
    expect(retryPhrase(new Date("2026-11-25T14:31:10Z"), now, "UTC")).toBe("try again after 14:32 UTC (in 10 min)");
    expect(retryPhrase(new Date("2026-11-25T14:31:10Z"), now, "Europe/Paris")).toBe(
      "try again after 15:32 CET (in 10 min)",
    );
    expect(retryPhrase(new Date("2026-11-25T14:21:50Z"), now, "UTC")).toBe("try again after 14:22 UTC (in 1 min)");
    // the store's clock a little ahead of the console's: a ten-minute lock still reads "10 min"
    expect(retryPhrase(new Date(now + 600_000 + 40), now, "UTC")).toBe("try again after 14:32 UTC (in 10 min)");
  });
  it("adds the day when the lock ends on another day, and counts long waits in hours", () => {
    expect(retryPhrase(new Date("2026-11-26T16:00:00Z"), now, "UTC")).toBe(
      "try again after 26 Nov, 16:00 UTC (in 26 h)",
    );
  });
});
