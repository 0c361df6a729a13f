import { defineConfig } from "@playwright/test";

/** End-to-end tests: Debian's headless Chromium against a production build of the console and the real lab. */
export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./e2e/global-setup.ts",
  // The specs share one lab and inject faults into it: one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: ".test-run/e2e-results",
  use: {
    baseURL: process.env.E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // The headless shell: Chromium without the browser's UI, about a sixth less CPU per spec on two cores.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium-headless-shell",
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "chromium", use: { browserName: "chromium" }, testIgnore: "**/failover.spec.ts" },
    // Drives the shared lab through a failover and back: last, so a failure cannot hand the others a failed-over lab.
    {
      name: "failover",
      use: { browserName: "chromium" },
      testMatch: "**/failover.spec.ts",
      dependencies: ["chromium"],
    },
  ],
});
