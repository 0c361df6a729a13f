import { mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

/** Where the audit key comes from, and when a console must not start without AUDIT_KEY. */

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

async function load(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  vi.resetModules();
  return import("./audit-key");
}

describe("the audit key", () => {
  it("is generated once in DATA_DIR with mode 0600 when AUDIT_KEY is unset, and only read by a verifier", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-audit-key-"));
    const m = await load({ DATA_DIR: dir, AUDIT_KEY: undefined, DATABASE_URL: undefined, NODE_ENV: "test" });
    expect(m.auditKey({ create: false })).toBeNull();
    const key = m.auditKey({ create: true });
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(dir, "audit-key")).mode & 0o777).toBe(0o600);
    const again = await load({});
    expect(again.auditKey({ create: false })).toBe(key);
    expect(again.auditKeyProblem()).toBeNull();
  });

  it("is AUDIT_KEY when set", async () => {
    const m = await load({
      AUDIT_KEY: "k".repeat(32),
      NODE_ENV: "production",
      DATABASE_URL: "postgres://db.example/switchyard",
    });
    expect(m.auditKey({ create: true })).toBe("k".repeat(32));
    expect(m.auditKeyProblem()).toBeNull();
  });

  it("must be AUDIT_KEY in production on PostgreSQL, and neither signs nor checks without it", async () => {
    const m = await load({
      AUDIT_KEY: undefined,
      NODE_ENV: "production",
      DATABASE_URL: "postgres://db.example/switchyard",
    });
    expect(m.auditKeyProblem()).toMatch(/^AUDIT_KEY is not set/);
    expect(() => m.auditKey({ create: true })).toThrow(
      /^The audit log cannot be written or checked: AUDIT_KEY is not set/,
    );
  });

  it("refuses an AUDIT_KEY shorter than 32 characters, naming the variable", async () => {
    await expect(load({ AUDIT_KEY: "short" })).rejects.toThrow(/AUDIT_KEY/);
  });
});
