import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFleetConfig } from "@/lib/fleet-config";
import { probeApi } from "@/server/fleet/api-probe";
import { callRegionApi } from "./http";

/** A region API that answers every request with a redirect to another server, which counts what reaches it. */
let target: Server, redirector: Server;
let hits = 0;
const listen = (s: Server) =>
  new Promise<string>((resolve) =>
    s.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );

beforeAll(async () => {
  target = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  });
  const targetUrl = await listen(target);
  redirector = createServer((req, res) => res.writeHead(302, { location: `${targetUrl}${req.url}` }).end());
  await listen(redirector);
});

afterAll(() => {
  target.close();
  redirector.close();
});

describe("calls to a region API never follow a redirect", () => {
  it("an action's call fails, naming the redirect, and reaches nothing else", async () => {
    const apiUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    const region = parseFleetConfig(
      {
        version: 1,
        regions: [
          {
            id: "eu-west-1",
            displayName: "EU West",
            role: "primary",
            apiUrl,
            postgres: { host: "127.0.0.1", port: 5432, user: "postgres", database: "postgres" },
            cdn: { provider: "cloudflare" },
          },
        ],
      },
      "test",
    ).regions[0]!;
    await expect(callRegionApi(region, "POST /v1/mirrors/sync", { region: "eu-west-1" })).rejects.toThrow(
      /answered a redirect \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/v1\/mirrors\/sync\?region=eu-west-1\); Switchyard does not follow redirects/,
    );
    expect(hits).toBe(0);
  });

  it("the collector's probe reads the redirect as the API's answer and goes no further", async () => {
    const sample = await probeApi(`http://127.0.0.1:${(redirector.address() as AddressInfo).port}`, 2_000);
    expect(sample).toMatchObject({ up: false, error: "HTTP 302 with an unreadable health body" });
    expect(hits).toBe(0);
  });
});
