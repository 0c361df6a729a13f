import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BalancerConfig } from "@/lib/fleet-config";
import { createHaproxyBalancer } from "./haproxy";
import { BalancerError } from "./haproxy-runtime";

/**
 * A stand-in for HAProxy's runtime API on a UNIX socket: one command per connection, answered and closed as
 * HAProxy does without `prompt`. The lab's integration tests drive the real HAProxy.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-haproxy-"));
const socket = path.join(dir, "admin.sock");
const received: string[] = [];
let answer: (command: string) => string | null = () => "";
const server = net.createServer((conn) => {
  conn.setEncoding("utf8");
  let text = "";
  conn.on("data", (chunk: string) => {
    text += chunk;
    if (!text.endsWith("\n")) return;
    const command = text.trim();
    received.push(command);
    const reply = answer(command);
    if (reply !== null) conn.end(reply); // null: never answer
  });
});

const config: BalancerConfig = {
  kind: "haproxy",
  frontendUrl: "http://127.0.0.1:8080",
  runtimeApi: { socket },
  geographies: [
    { id: "americas", displayName: "Americas", home: "us-east-1" },
    { id: "europe", displayName: "Europe", home: "eu-west-1" },
  ],
  failoverOrder: ["us-east-1", "eu-west-1"],
};
const balancer = createHaproxyBalancer(config);

beforeAll(() => new Promise<void>((resolve) => server.listen(socket, resolve)));
afterAll(async () => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the HAProxy balancer", () => {
  it("drains every server named for a region, in every geography", async () => {
    received.length = 0;
    answer = () => "\n";
    await balancer.setRegionState("us-east-1", "drain", 1_000);
    expect(received.sort()).toEqual([
      "set server geo_americas/us-east-1 state drain",
      "set server geo_europe/us-east-1 state drain",
      "set server geo_europe/us-east-1_backup state drain",
    ]);
  });

  it("sets a region's weight in one geography", async () => {
    received.length = 0;
    answer = () => "\n";
    await balancer.setWeight("americas", "eu-west-1", 50, 1_000);
    expect(received).toEqual(["set server geo_americas/eu-west-1 weight 50"]);
  });

  it("refuses names and weights the fleet file does not allow, sending nothing", async () => {
    received.length = 0;
    await expect(balancer.setRegionState("us-east-1 state ready;", "drain", 1_000)).rejects.toThrow(
      /not a region of the balancer/,
    );
    await expect(balancer.setWeight("oceania", "us-east-1", 1, 1_000)).rejects.toThrow(/not a geography/);
    await expect(balancer.setWeight("americas", "us-east-1", 257, 1_000)).rejects.toThrow(/0 to 256/);
    await expect(balancer.setWeight("americas", "us-east-1", 1.5, 1_000)).rejects.toThrow(/whole number/);
    expect(received).toEqual([]);
  });

  it("turns HAProxy's refusal into an error in words", async () => {
    answer = () => "No such server.\n\n";
    const error = await balancer.setRegionState("eu-west-1", "maint", 1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BalancerError);
    expect((error as Error).message).toMatch(
      /^HAProxy refused "set server geo_\w+\/eu-west-1(_backup)? state maint": no such server$/,
    );
  });

  it("reads show stat", async () => {
    answer = (command) =>
      command === "show stat"
        ? "# pxname,svname,status,weight,uweight,bck\ngeo_americas,us-east-1,UP,100,100,0\ngeo_americas,BACKEND,UP,100,,0\n\n"
        : "Unknown command.\n";
    const stats = await balancer.read(1_000);
    expect(stats.map((s) => [s.backend, s.server, s.status, s.weight])).toEqual([
      ["geo_americas", "us-east-1", "UP", 100],
    ]);
  });

  it("gives up after the timeout when the balancer does not answer", async () => {
    answer = () => null;
    const started = Date.now();
    await expect(balancer.read(300)).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("says in words when the runtime API cannot be reached", async () => {
    const missing = createHaproxyBalancer({ ...config, runtimeApi: { socket: path.join(dir, "gone.sock") } });
    await expect(missing.read(1_000)).rejects.toThrow(/cannot be reached: no such socket/);
    const refused = createHaproxyBalancer({ ...config, runtimeApi: { host: "127.0.0.1", port: 1 } });
    await expect(refused.read(1_000)).rejects.toThrow(/cannot be reached: connection refused/);
  });
});
