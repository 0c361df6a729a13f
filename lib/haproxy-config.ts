import { balancerLayout, GEO_HEADER } from "./balancer-layout";
import type { BalancerConfig } from "./fleet-config";

/**
 * HAProxy's configuration for the layout of lib/balancer-layout.ts: what the lab runs, and a starting point for a
 * self-hosted balancer in front of real regions. Pure text; the caller writes it and starts HAProxy.
 */

/**
 * How the balancer judges a region API: `GET /health` answering 200, every second, twice in a row to change its
 * mind, a quarter second apart once a check has failed. A region that stops answering is out within about
 * inter + fastinter (≈1.25 s). `timeout check` is long because a slow region (the lab's api-slow delays every answer
 * 3 s) must show as latency, not as down.
 */
export const BALANCER_CHECK = { interMs: 1_000, fastinterMs: 250, fall: 2, rise: 2, timeoutMs: 5_000 } as const;

/** How long a request may wait for a region's answer before the balancer gives up (the users' own timeout is 5 s). */
export const BALANCER_SERVER_TIMEOUT_MS = 10_000;

export interface HaproxyConfigInput {
  balancer: Pick<BalancerConfig, "geographies" | "failoverOrder">;
  /** each region's API as the balancer reaches it */
  servers: Record<string, { host: string; port: number }>;
  /** where users reach the balancer (the runbook's api.clipper.gg) */
  frontend: { host: string; port: number };
  /** the runtime API's UNIX socket (`level admin`: Switchyard drains and weighs regions through it) */
  adminSocket: string;
  /** the geography whose backend serves requests without a known geography header (and the global health check) */
  defaultGeography: string;
}

const HOST = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z0-9][A-Za-z0-9.-]{0,252})$/;
const SOCKET_PATH = /^\/[^\s"'\\#]+$/;

function checked<T>(value: T, ok: boolean, what: string): T {
  if (!ok) throw new Error(`not usable in HAProxy's configuration: ${what} ${JSON.stringify(value)}`);
  return value;
}

export function haproxyConfig(input: HaproxyConfigInput): string {
  const layout = balancerLayout(input.balancer);
  const port = (p: number) => checked(p, Number.isInteger(p) && p > 0 && p < 65536, "port");
  const address = (where: { host: string; port: number }) =>
    `${checked(where.host, HOST.test(where.host), "host")}:${port(where.port)}`;
  const defaultBackend = layout.find((b) => b.geography === input.defaultGeography);
  if (!defaultBackend) throw new Error(`${input.defaultGeography} is not a geography of the balancer`);
  const c = BALANCER_CHECK;

  const lines = [
    "# Written by Switchyard's lab from lib/balancer-layout.ts; rewritten at every start of the balancer.",
    "global",
    // one thread: the lab's machines have two cores and a few dozen requests a second
    "  nbthread 1",
    "  maxconn 1024",
    `  stats socket ${checked(input.adminSocket, SOCKET_PATH.test(input.adminSocket), "socket path")} mode 600 level admin`,
    "  stats timeout 10s",
    "",
    "defaults",
    "  mode http",
    "  timeout connect 500ms",
    "  timeout client 30s",
    `  timeout server ${BALANCER_SERVER_TIMEOUT_MS}ms`,
    "  timeout queue 5s",
    `  timeout check ${c.timeoutMs}ms`,
    // A refused or reset connection (a region API that just died, before its checks say so) is tried again, on
    // another server when the backend has one that can serve.
    "  retries 3",
    "  option redispatch 1",
    "  retry-on conn-failure empty-response",
    "",
    "frontend clipper",
    `  bind ${address(input.frontend)}`,
    ...layout.map((b) => `  acl from_${b.geography} req.hdr(${GEO_HEADER}),lower -m str ${b.geography}`),
    ...layout.map((b) => `  use_backend ${b.name} if from_${b.geography}`),
    `  default_backend ${defaultBackend.name}`,
  ];
  for (const backend of layout) {
    lines.push(
      "",
      `# ${backend.geography}: home ${backend.home}, then ${backend.order.slice(1).join(", ")}`,
      `backend ${backend.name}`,
      "  balance roundrobin",
      "  option httpchk GET /health",
      "  http-check expect status 200",
      `  default-server check inter ${c.interMs}ms fastinter ${c.fastinterMs}ms downinter ${c.interMs}ms fall ${c.fall} rise ${c.rise}`,
    );
    for (const server of backend.servers) {
      const where = input.servers[server.region];
      if (!where) throw new Error(`no address for ${server.region}`);
      lines.push(`  server ${server.name} ${address(where)} ${server.backup ? "backup" : `weight ${server.weight}`}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
