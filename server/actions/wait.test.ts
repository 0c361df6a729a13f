import { describe, expect, it } from "vitest";
import { until } from "./wait";

describe("until", () => {
  it("takes 0 as an answer: a replica 0 bytes behind has caught up", async () => {
    let asked = 0;
    expect(await until("a count", async () => (++asked, 0), 1_000, undefined, 5)).toBe(0);
    expect(asked).toBe(1);
  });

  it("asks again after null, undefined, false or a failed probe, and gives up naming what it waited for", async () => {
    const answers: (() => string | null | undefined | false)[] = [
      () => null,
      () => undefined,
      () => false,
      () => {
        throw new Error("not reachable yet");
      },
      () => "done",
    ];
    let asked = 0;
    expect(await until("the answer", async () => answers[asked++]!(), 1_000, undefined, 5)).toBe("done");
    expect(asked).toBe(5);
    await expect(until("the replica to stream", async () => null, 50, undefined, 5)).rejects.toThrow(
      /gave up after 0 s waiting for the replica to stream/,
    );
  });
});
