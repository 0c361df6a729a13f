import { describe, expect, it } from "vitest";
import { isLoopback, listenHost } from "./listen-host";

describe("listenHost", () => {
  it("listens on loopback unless HOST is given", () => {
    expect(listenHost(undefined)).toBe("127.0.0.1");
    expect(listenHost("  ")).toBe("127.0.0.1");
    expect(listenHost("0.0.0.0")).toBe("0.0.0.0");
  });

  it("tells loopback from addresses the network can reach", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "console.example.com", "127.0.0.1.example.com"])
      expect(isLoopback(h), h).toBe(false);
  });
});
