import "server-only";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { isIP } from "node:net";

/**
 * The client address a sign-in is throttled by.
 *
 * Switchyard trusts no proxy, so this is the socket's peer address. A Next.js route handler is not given the
 * socket: Next only copies its address into `x-forwarded-for` when the request did not bring that header
 * itself, so a client could name any address there. `stampPeerAddresses()` therefore stamps every request this
 * process serves with its socket's address (and a per-process secret, so a client cannot send the stamp
 * itself); without the stamp, the address is `x-forwarded-for` as Next gives it.
 */

const PEER_HEADER = "x-switchyard-peer";
const holder = globalThis as unknown as { __switchyardPeerStamp?: string };

/** Idempotent; the earlier in start-up, the fewer requests go without the stamp. */
export function stampPeerAddresses(): void {
  if (holder.__switchyardPeerStamp) return;
  const secret = randomBytes(12).toString("hex");
  holder.__switchyardPeerStamp = secret;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_HEADER] = `${secret} ${req.socket?.remoteAddress ?? ""}`;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}

type HeaderSource = Headers | Record<string, unknown> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  const v = headers instanceof Headers ? headers.get(name) : headers[name];
  if (Array.isArray(v)) return typeof v[0] === "string" ? v[0] : undefined;
  return typeof v === "string" ? v : undefined;
}

/** The throttling key for a request's client, or null when the request names none. */
export function clientAddress(headers: HeaderSource): string | null {
  const secret = holder.__switchyardPeerStamp;
  const stamp = secret ? header(headers, PEER_HEADER) : undefined;
  if (stamp?.startsWith(`${secret} `)) return addressKey(stamp.slice(secret!.length + 1));
  const forwarded = header(headers, "x-forwarded-for")?.split(",")[0];
  return forwarded ? addressKey(forwarded) : null;
}

/** One key per IPv4 address, per IPv6 /64 (what one host or home usually holds); anything else shares one key. */
export function addressKey(raw: string): string {
  let a = raw
    .trim()
    .replace(/%.*$/, "")
    .replace(/^\[(.*)\]$/, "$1");
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) a = a.slice(7);
  const kind = isIP(a);
  if (kind === 4) return a;
  if (kind === 6) return `${ipv6Groups(a).slice(0, 4).join(":")}::/64`;
  return "unparsed";
}

/** The eight groups of a valid IPv6 address, without leading zeros. */
function ipv6Groups(a: string): string[] {
  const split = (s: string | undefined) => (s ? s.split(":") : []);
  const [left, right] = a.toLowerCase().split("::");
  const head = split(left);
  const tail = split(right);
  const lastPart = right !== undefined ? tail : head;
  const last = lastPart.at(-1);
  if (last?.includes(".")) {
    const [b1, b2, b3, b4] = last.split(".").map(Number) as [number, number, number, number];
    lastPart.splice(-1, 1, ((b1 << 8) | b2).toString(16), ((b3 << 8) | b4).toString(16));
  }
  const zeros = right === undefined ? [] : Array<string>(8 - head.length - tail.length).fill("0");
  return [...head, ...zeros, ...tail].map((g) => parseInt(g, 16).toString(16));
}
