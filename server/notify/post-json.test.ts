import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postJson } from "./post-json";

/** A webhook that answers each POST with the next status in `answers` (then 200), keeping the bodies it got. */
let server: Server;
let url = "";
let answers: number[] = [];
let bodies: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      bodies.push(JSON.parse(text));
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(() => server.close());

beforeEach(() => {
  answers = [];
  bodies = [];
});

describe("postJson, the one way Switchyard calls a webhook", () => {
  it("delivers the body as JSON", async () => {
    expect(await postJson(url, { text: "INC-1" })).toEqual({ delivered: true, detail: "HTTP 200" });
    expect(bodies).toEqual([{ text: "INC-1" }]);
  });

  it("tries again after a 5xx or a 429, and says what the last answer was when every try failed", async () => {
    answers = [503, 429];
    expect(await postJson(url, { n: 1 })).toEqual({ delivered: true, detail: "HTTP 200" });
    expect(bodies).toHaveLength(3);
    answers = [500, 502, 503];
    bodies = [];
    expect(await postJson(url, { n: 2 })).toEqual({ delivered: false, detail: "HTTP 503" });
    expect(bodies).toHaveLength(3);
  });

  it("does not repeat a request the webhook refused (a 4xx would answer the same)", async () => {
    answers = [400];
    expect(await postJson(url, { n: 3 })).toEqual({ delivered: false, detail: "HTTP 400" });
    expect(bodies).toHaveLength(1);
  });

  it("says why when nothing answers, without throwing", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await postJson(`http://127.0.0.1:${port}/hook`, {}, 1);
    expect(r.delivered).toBe(false);
    expect(r.detail).not.toBe("");
  });
});
