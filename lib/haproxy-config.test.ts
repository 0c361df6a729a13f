import { describe, expect, it } from "vitest";
import { haproxyConfig, type HaproxyConfigInput } from "./haproxy-config";

const input: HaproxyConfigInput = {
  balancer: {
    geographies: [
      { id: "americas", displayName: "Americas", home: "us-east-1" },
      { id: "europe", displayName: "Europe", home: "eu-west-1" },
    ],
    failoverOrder: ["us-east-1", "eu-west-1", "ap-southeast-1"],
  },
  servers: {
    "us-east-1": { host: "10.213.4.11", port: 4101 },
    "eu-west-1": { host: "10.213.4.12", port: 4102 },
    "ap-southeast-1": { host: "10.213.4.13", port: 4103 },
  },
  frontend: { host: "127.0.0.1", port: 8080 },
  adminSocket: "/tmp/switchyard-lab-0123456789/api/haproxy.sock",
  defaultGeography: "americas",
};

/** The lines of one section (`backend geo_europe`), without the indentation. */
function section(config: string, head: string): string[] {
  const lines = config.split("\n");
  const start = lines.indexOf(head);
  if (start < 0) throw new Error(`no section ${head}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith("  "));
  return (end < 0 ? rest : rest.slice(0, end)).map((l) => l.trim());
}

describe("haproxyConfig", () => {
  const config = haproxyConfig(input);

  it("routes each geography's header to its backend, the rest to the default geography", () => {
    expect(section(config, "frontend clipper")).toEqual([
      "bind 127.0.0.1:8080",
      "acl from_americas req.hdr(x-client-geo),lower -m str americas",
      "acl from_europe req.hdr(x-client-geo),lower -m str europe",
      "use_backend geo_americas if from_americas",
      "use_backend geo_europe if from_europe",
      "default_backend geo_americas",
    ]);
  });

  it("lists the home with its weight, the others at 0, then backups in failover order, all health-checked", () => {
    expect(section(config, "backend geo_europe")).toEqual([
      "balance roundrobin",
      "option httpchk GET /health",
      "http-check expect status 200",
      "default-server check inter 1000ms fastinter 250ms downinter 1000ms fall 2 rise 2",
      "server eu-west-1 10.213.4.12:4102 weight 100",
      "server us-east-1 10.213.4.11:4101 weight 0",
      "server ap-southeast-1 10.213.4.13:4103 weight 0",
      "server us-east-1_backup 10.213.4.11:4101 backup",
      "server ap-southeast-1_backup 10.213.4.13:4103 backup",
    ]);
  });

  it("has the admin socket, a long check timeout, and retries a refused connection elsewhere", () => {
    expect(section(config, "global")).toContain(
      "stats socket /tmp/switchyard-lab-0123456789/api/haproxy.sock mode 600 level admin",
    );
    expect(section(config, "defaults")).toEqual(
      expect.arrayContaining([
        "timeout connect 500ms",
        "timeout check 5000ms",
        "retries 3",
        "option redispatch 1",
        "retry-on conn-failure empty-response",
      ]),
    );
  });

  it("refuses what would change the configuration's meaning", () => {
    expect(() => haproxyConfig({ ...input, adminSocket: "/tmp/a b.sock level admin" })).toThrow(/socket path/);
    expect(() =>
      haproxyConfig({ ...input, servers: { ...input.servers, "eu-west-1": { host: "x\nlisten y", port: 1 } } }),
    ).toThrow(/host/);
    expect(() => haproxyConfig({ ...input, frontend: { host: "127.0.0.1", port: 70000 } })).toThrow(/port/);
    expect(() => haproxyConfig({ ...input, defaultGeography: "oceania" })).toThrow(/not a geography/);
    const { "ap-southeast-1": _, ...twoServers } = input.servers;
    expect(() => haproxyConfig({ ...input, servers: twoServers })).toThrow(/no address for ap-southeast-1/);
  });
});
