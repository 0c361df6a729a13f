import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readFleetConfig } from "./config";

const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-fleet-"));
const identity = path.join(dir, "id_ed25519");
const knownHosts = path.join(dir, "known_hosts");

function fleetFile(transport: Record<string, unknown>): string {
  const file = path.join(dir, `fleet-${Math.random().toString(36).slice(2)}.json`);
  const region = (id: string, role: string, t?: Record<string, unknown>) => ({
    id,
    displayName: id,
    role,
    apiUrl: "http://127.0.0.1:1",
    postgres: { host: "127.0.0.1", port: 5432, user: "postgres" },
    cdn: { provider: "cloudflare" },
    ...(t ? { transport: t } : {}),
  });
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      regions: [region("us-east-1", "primary"), region("eu-west-1", "replica", transport)],
    }),
  );
  return file;
}

const ssh = (over: Record<string, unknown> = {}) => ({
  kind: "ssh",
  host: "eu-west-1.db.example.com",
  user: "switchyard",
  identityFile: identity,
  knownHostsFile: knownHosts,
  ...over,
});

describe("the fleet file's SSH transport at start-up", () => {
  it("accepts an owner-only identity file and a known-hosts file, with ssh's defaults", () => {
    writeFileSync(identity, "key");
    chmodSync(identity, 0o600);
    writeFileSync(knownHosts, "eu-west-1.db.example.com ssh-ed25519 AAAA\n");
    expect(readFleetConfig(fleetFile(ssh())).regions[1]!.transport).toEqual({
      ...ssh(),
      port: 22,
      connectTimeoutSeconds: 10,
    });
    expect(readFleetConfig(fleetFile(ssh())).regions[0]!.transport).toEqual({ kind: "local" });
  });

  it("refuses an identity file readable by others than its owner, naming the field", () => {
    writeFileSync(identity, "key");
    chmodSync(identity, 0o644);
    expect(() => readFleetConfig(fleetFile(ssh()))).toThrow(
      /regions\.1\.transport\.identityFile: .* is readable by others than its owner \(mode 644\); chmod 600 it/,
    );
  });

  it("refuses a missing identity or known-hosts file, naming each", () => {
    const file = fleetFile(ssh({ identityFile: path.join(dir, "nope"), knownHostsFile: path.join(dir, "nope-hosts") }));
    expect(() => readFleetConfig(file)).toThrow(
      /regions\.1\.transport\.identityFile: .*nope does not exist[\s\S]*regions\.1\.transport\.knownHostsFile: .*nope-hosts does not exist/,
    );
  });

  it("refuses relative paths, paths with spaces, and a host or user that could carry an option", () => {
    expect(() => readFleetConfig(fleetFile(ssh({ identityFile: "id_ed25519" })))).toThrow(
      /regions\.1\.transport\.identityFile: must be an absolute path/,
    );
    expect(() => readFleetConfig(fleetFile(ssh({ knownHostsFile: "/etc/my hosts" })))).toThrow(
      /regions\.1\.transport\.knownHostsFile/,
    );
    expect(() => readFleetConfig(fleetFile(ssh({ host: "-oProxyCommand=x" })))).toThrow(/regions\.1\.transport\.host/);
    expect(() => readFleetConfig(fleetFile(ssh({ user: "-l root" })))).toThrow(/regions\.1\.transport\.user/);
  });
});
