import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePorts } from "../lab/ports";
import { startConsole, waitUntilServing } from "./support/console-process";
import { expect, labDir, test } from "./fixtures";

const strongSecret = "x3r9Qv7LmN2pT8sKwZ4yB6cD1fG5hJ0a";

test("an invalid fleet file stops start-up, naming the file and the field", async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "switchyard-fleet-")), "fleet.json");
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      regions: [
        {
          id: "us-east-1",
          displayName: "US",
          role: "primary",
          apiUrl: "nope",
          postgres: { host: "h", port: 5432, user: "u" },
          cdn: { provider: "bunny" },
        },
      ],
    }),
  );
  const c = await startConsole({ FLEET_CONFIG: file, DATA_DIR: path.dirname(file) });
  try {
    expect(await c.exited).toBe(1);
    expect(c.output()).toContain(`Invalid fleet file ${file}`);
    expect(c.output()).toContain("regions.0.apiUrl");
  } finally {
    c.stop();
  }
});

test("production refuses to start with a default secret or demo accounts, and says why", async () => {
  const c = await startConsole({
    DATABASE_URL: "postgres://postgres@127.0.0.1:1/postgres",
    LAB_DIR: labDir(),
    DEMO_USERS: "true",
  });
  try {
    expect(await c.exited).toBe(1);
    expect(c.output()).toMatch(
      /Refusing to start in production.*NEXTAUTH_SECRET is not set.*DEMO_USERS is on.*METRICS_TOKEN is not set.*AUDIT_KEY is not set/,
    );
  } finally {
    c.stop();
  }
});

test("with demo accounts the console refuses to listen beyond loopback, also on the embedded store, and says what to do", async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-exposed-"));
  const c = await startConsole({ HOST: "0.0.0.0", LAB_DIR: labDir(), DATA_DIR: dataDir });
  try {
    expect(await c.exited).toBe(1);
    expect(c.output()).toMatch(
      /Refusing to listen on 0\.0\.0\.0 \(HOST\): NEXTAUTH_SECRET is not set.*demo accounts are on \(the default with the embedded store: set DEMO_USERS=false\)/,
    );
  } finally {
    c.stop();
  }
});

test("without demo accounts and with a real secret the console may listen beyond loopback, on the embedded store too", async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-exposed-"));
  const c = await startConsole({
    HOST: "0.0.0.0",
    DEMO_USERS: "false",
    NEXTAUTH_SECRET: strongSecret,
    LAB_DIR: labDir(),
    DATA_DIR: dataDir,
  });
  try {
    await waitUntilServing(c);
    expect(c.output()).not.toMatch(/Refusing|Demo accounts/);
  } finally {
    c.stop();
  }
});

test("a store that cannot be reached gives a clear page and log line, and the console keeps serving", async ({
  page,
}) => {
  const deadPort = (await freePorts(1))[0]!;
  const c = await startConsole({
    DATABASE_URL: `postgres://postgres@127.0.0.1:${deadPort}/postgres`,
    NEXTAUTH_SECRET: strongSecret,
    METRICS_TOKEN: "m3tr1cs-t0ken-f0r-the-e2e-run",
    AUDIT_KEY: "a-shared-audit-key-for-the-e2e-run-0123456789",
    LAB_DIR: labDir(),
  });
  try {
    await waitUntilServing(c);
    const health = await (await fetch(`${c.baseURL}/api/health`)).json();
    expect(health).toMatchObject({ status: "degraded", store: "unavailable" });
    // Anyone may ask /api/health: the raw error, with the store's host and port, stays in the log.
    expect(JSON.stringify(health)).not.toMatch(new RegExp(`ECONNREFUSED|127\\.0\\.0\\.1|:${deadPort}`));
    await page.goto(`${c.baseURL}/signin`);
    await expect(page.getByRole("heading", { name: "Store unreachable" })).toBeVisible();
    await expect(page.getByTestId("store-unreachable")).toContainText("Switchyard keeps retrying");
    // The raw error, with the store's port, is for the log only.
    expect(await page.content()).not.toMatch(new RegExp(`ECONNREFUSED|:${deadPort}\\b`));
    expect(c.output()).toMatch(/\[store\] cannot reach the store \(DATABASE_URL\): .*ECONNREFUSED/);
    // Still serving after the failures: no crash loop.
    expect((await fetch(`${c.baseURL}/api/health`)).ok).toBe(true);
  } finally {
    c.stop();
  }
});
