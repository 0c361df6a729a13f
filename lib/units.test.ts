import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatBytesPerSecond,
  formatDuration,
  formatPercent,
  formatRate,
  formatSeconds,
  formatUsd,
  formatUsdPerHour,
} from "./units";

describe("unit formatting", () => {
  it("shows bytes in decimal units with sensible precision", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1234)).toBe("1.23 kB");
    expect(formatBytes(12_345_678)).toBe("12.3 MB");
    expect(formatBytes(123_456_789_012)).toBe("123 GB");
    expect(formatBytesPerSecond(2_500_000)).toBe("2.50 MB/s");
    expect(formatBytes(Number.NaN)).toBe("—");
  });

  it("shows money with cents, or four decimals for small sums", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(0.01234)).toBe("$0.0123");
    expect(formatUsd(12.5)).toBe("$12.50");
    expect(formatUsd(1234.567)).toBe("$1,234.57");
    expect(formatUsdPerHour(3.2)).toBe("$3.20/h");
  });

  it("writes money and rates exactly as en-US Intl.NumberFormat would, without loading it", () => {
    const usd = [2, 4].map(
      (digits) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: digits }),
    );
    const rate = [0, 1, 2].map((digits) => new Intl.NumberFormat("en-US", { maximumFractionDigits: digits }));
    const samples = [0, 0.005, 0.00005, 0.125, 0.4, 0.999, 1, 9.995, 10.05, 99.95, 100, 999.5, 1000, 123_456.789];
    for (let i = 0; i < 500; i++) samples.push(Math.round(Math.random() * 10 ** (1 + (i % 9))) / 10 ** (i % 5));
    for (const n of samples.flatMap((x) => [x, -x]).filter((x) => !Object.is(x, -0))) {
      const abs = Math.abs(n);
      expect(formatUsd(n), `${n}`).toBe(usd[abs === 0 || abs >= 1 ? 0 : 1]!.format(n));
      expect(formatRate(n), `${n}`).toBe(rate[abs >= 100 ? 0 : abs >= 10 ? 1 : 2]!.format(n));
    }
  });

  it("shows percentages, rates, lags and durations with their unit", () => {
    expect(formatPercent(87.456)).toBe("87.5 %");
    expect(formatPercent(0)).toBe("0.0 %");
    expect(formatRate(1234.5)).toBe("1,235");
    expect(formatRate(0.421)).toBe("0.42");
    expect(formatSeconds(0)).toBe("0.0 s");
    expect(formatSeconds(7.25)).toBe("7.3 s");
    expect(formatSeconds(42.4)).toBe("42 s");
    expect(formatSeconds(184)).toBe("3 min 4 s");
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(3 * 60_000)).toBe("3 min");
    expect(formatDuration((2 * 3600 + 5 * 60) * 1000)).toBe("2 h 5 min");
    expect(formatDuration((3 * 24 + 4) * 3600 * 1000)).toBe("3 d 4 h");
    expect(formatDuration(Number.NaN)).toBe("—");
  });

  it("speaks in whole minutes for the comms and the post-mortem", () => {
    expect(formatDuration(20_000, "minutes")).toBe("0 min");
    expect(formatDuration(38 * 60_000 + 20_000, "minutes")).toBe("38 min");
    expect(formatDuration(125 * 60_000, "minutes")).toBe("2 h 5 min");
    expect(formatDuration(120 * 60_000 + 10_000, "minutes")).toBe("2 h");
  });

  it("pads a ticking figure so it keeps its width, with seconds only under ten minutes", () => {
    expect(formatDuration(45_000, "ticking")).toBe("45 s");
    expect(formatDuration(245_000, "ticking")).toBe("4 min 05 s");
    expect(formatDuration(38 * 60_000 + 12_000, "ticking")).toBe("38 min");
    expect(formatDuration(125 * 60_000, "ticking")).toBe("2 h 05 min");
    expect(formatDuration(120 * 60_000, "ticking")).toBe("2 h 00 min");
    expect(formatDuration(76 * 3_600_000, "ticking")).toBe("3 d 4 h");
    expect(formatDuration(-5_000, "ticking")).toBe("0 s");
  });

  it("shows a countdown as a clock that runs past zero", () => {
    expect(formatDuration(245_000, "countdown")).toBe("4:05");
    expect(formatDuration(-90_000, "countdown")).toBe("-1:30");
    expect(formatDuration(3_900_000, "countdown")).toBe("1 h 05 min");
    expect(formatDuration(-3_900_000, "countdown")).toBe("-1 h 05 min");
  });
});
