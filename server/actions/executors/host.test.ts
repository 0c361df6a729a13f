import { describe, expect, it } from "vitest";
import { parseFleetConfig } from "@/lib/fleet-config";
import { conninfo, hook, pgTool, runHost } from "./host";

const fleet = parseFleetConfig(
  {
    version: 1,
    regions: [
      {
        id: "us-east-1",
        displayName: "US East",
        role: "primary",
        apiUrl: "http://127.0.0.1:1",
        postgres: { host: "127.0.0.1", port: 5432, user: "postgres", database: "postgres" },
        cdn: { provider: "cloudflare" },
        hooks: {
          restartApi: { argv: ["/bin/echo", "restart", "clipper-api"] },
          setApiEnv: { argv: ["/bin/echo", "set-env"] },
          postgres: { binDir: "/usr/lib/postgresql/15/bin", dataDir: "/var/lib/pg" },
        },
      },
    ],
  },
  "test",
);
const region = fleet.regions[0]!;
const hooks = [region.hooks.restartApi!, region.hooks.setApiEnv!];

describe("host commands", () => {
  it("runs a fleet hook without a shell, streaming its output", async () => {
    const lines: string[] = [];
    await runHost(hook(region.hooks.setApiEnv, "setApiEnv", { DB_HOST: "10.0.0.2", DB_PORT: "5433" }), {
      transport: region.transport,
      hooks,
      onLine: (l) => lines.push(l),
    });
    expect(lines).toEqual(["set-env DB_HOST=10.0.0.2 DB_PORT=5433"]);
  });

  it("refuses a value that would smuggle in another argument, command or keyword", () => {
    expect(() => hook(region.hooks.setApiEnv, "setApiEnv", { DB_HOST: "x; reboot" })).toThrow(/refused/);
    expect(() => hook(region.hooks.setApiEnv, "setApiEnv", { DB_HOST: "$(id)" })).toThrow(/refused/);
    expect(() => hook(region.hooks.setApiEnv, "setApiEnv", { PATH: "/tmp" })).toThrow(/refused/);
    expect(() => conninfo({ ...region, postgres: { ...region.postgres, host: "h sslmode=disable" } })).toThrow(
      /refused/,
    );
    expect(() => conninfo(region, "slot' or 1=1")).toThrow(/refused/);
  });

  it("refuses a command that is neither one of the runbook's tools nor a fleet hook", async () => {
    await expect(
      runHost(
        { argv: ["/bin/sh", "-c", "touch /tmp/pwned"], timeoutMs: 1000 },
        { transport: region.transport, hooks, onLine: () => undefined },
      ),
    ).rejects.toThrow(/not an allowed host command/);
    await expect(
      runHost(
        { argv: ["/bin/echo", "set-en"], timeoutMs: 1000 },
        { transport: region.transport, hooks, onLine: () => undefined },
      ),
    ).rejects.toThrow(/not an allowed host command/);
  });

  it("builds PostgreSQL tool commands from the fleet's binaries and data directory", () => {
    expect(pgTool(region, "pg_ctl", ["status"]).argv).toEqual(["/usr/lib/postgresql/15/bin/pg_ctl", "status"]);
    expect(conninfo(region, "us_east_1")).toBe(
      "host=127.0.0.1 port=5432 user=postgres dbname=postgres application_name=us_east_1",
    );
  });
});
