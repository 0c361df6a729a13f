import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { addressKey, clientAddress, stampPeerAddresses } from "./client-address";

describe("the client address a sign-in is throttled by", () => {
  it("keys IPv4 by address, IPv6 by its /64, and anything else together", () => {
    expect(addressKey(" 203.0.113.7 ")).toBe("203.0.113.7");
    expect(addressKey("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(addressKey("2001:db8:0:1:aaaa::1")).toBe("2001:db8:0:1::/64");
    expect(addressKey("2001:0db8:0000:0001:ffff:0:0:2")).toBe("2001:db8:0:1::/64");
    expect(addressKey("[2001:db8::1]")).toBe("2001:db8:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:0::/64");
    expect(addressKey("not an address")).toBe("unparsed");
  });

  it("without the stamp, reads x-forwarded-for as Next.js fills it", () => {
    expect(clientAddress({ "x-forwarded-for": "198.51.100.4, 10.0.0.1" })).toBe("198.51.100.4");
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.4" }))).toBe("198.51.100.4");
    expect(clientAddress({})).toBeNull();
    expect(clientAddress(undefined)).toBeNull();
  });

  it("with the stamp, uses the socket's address and ignores what the client claims", async () => {
    stampPeerAddresses();
    stampPeerAddresses(); // idempotent
    const seen: (string | null)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(clientAddress(req.headers));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const headers of [
        {},
        { "x-forwarded-for": "1.2.3.4" },
        { "x-switchyard-peer": "forged 9.9.9.9", "x-forwarded-for": "5.6.7.8" },
      ]) {
        await new Promise<void>((resolve, reject) => {
          http.get({ host: "127.0.0.1", port, headers }, (res) => res.resume().on("end", resolve)).on("error", reject);
        });
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(seen).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    // A header a client sent itself, without the process's secret, is not believed.
    expect(clientAddress({ "x-switchyard-peer": "guess 9.9.9.9", "x-forwarded-for": "5.6.7.8" })).toBe("5.6.7.8");
  });
});
