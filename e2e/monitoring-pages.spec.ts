import { injectFault } from "../lab/index";
import { postFormAction } from "../tests/support/server-action-client";
import { expect, labDir, markAgainstReload, signInAs, test } from "./fixtures";
import { AlertsPage } from "./pages/alerts-page";
import { MirrorsPage } from "./pages/mirrors-page";
import { ReplicationPage } from "./pages/replication-page";
import { TokensPage } from "./pages/tokens-page";

const regions = ["us-east-1", "eu-west-1", "ap-southeast-1"];

test("every monitoring page renders for a viewer with real figures", async ({ page }) => {
  const overview = await signInAs(page, "viewer");
  for (const id of regions)
    await expect(overview.status(id)).toHaveAttribute("data-status", /healthy|degraded|unhealthy/);
  await expect(page.getByRole("heading", { name: "Firing alerts" })).toBeVisible();
  // Other specs may leave incidents open: the panel is there either way.
  await expect(page.getByRole("heading", { name: "Incidents in flight" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Overview", "Replication", "Mirrors", "CDN", "Alerts"])
    await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "API tokens" })).toHaveCount(0);

  const replication = new ReplicationPage(page);
  await nav.getByRole("link", { name: "Replication", exact: true }).click();
  await expect(page).toHaveURL(/\/replication$/);
  await expect(replication.primary()).toHaveAttribute("data-region", "us-east-1");
  await expect(page.getByTestId("primary-lsn")).toHaveText(/^[0-9A-F]+\/[0-9A-F]+$/);
  await expect(page.getByTestId("primary-timeline")).toHaveText(/^\d+$/);
  for (const id of ["eu-west-1", "ap-southeast-1"])
    await expect(replication.replica(id).getByTestId("replica-lag-seconds")).toHaveText(/\d s$|min/);
  await expect(replication.replica("us-east-1")).toHaveCount(0);
  // The lag chart draws the replicas' history, 15 minutes unless asked otherwise, once it is scrolled to.
  const lagChart = page.getByTestId("chart-lagSeconds");
  await lagChart.scrollIntoViewIfNeeded();
  await expect(lagChart.locator(".recharts-line")).toHaveCount(2, { timeout: 20_000 });
  await expect(page.getByRole("button", { name: "15 min" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "1 h" }).click();
  await expect(page.getByRole("button", { name: "1 h" })).toHaveAttribute("aria-pressed", "true");
  await expect(lagChart).toHaveAttribute("data-range", "1h");
  await lagChart.scrollIntoViewIfNeeded();
  await expect(lagChart.locator(".recharts-line")).toHaveCount(2, { timeout: 20_000 });

  const mirrors = new MirrorsPage(page);
  await mirrors.goto();
  for (const id of regions) {
    await expect(mirrors.hitRate(id)).toHaveText(/^\d{1,3}\.\d %$/);
    await expect(mirrors.status(id)).toHaveAttribute("data-status", /ok|syncing|down/);
  }
  await page.getByTestId("chart-mirrorHitRate").scrollIntoViewIfNeeded();
  await expect(page.getByTestId("chart-mirrorHitRate").locator(".recharts-line")).toHaveCount(3, { timeout: 20_000 });

  await page.goto("/cdn");
  for (const id of regions) {
    await expect(page.getByTestId(`cdn-${id}`).getByTestId("cdn-provider")).toHaveText("cloudflare");
    await expect(page.getByTestId(`cdn-${id}`).getByTestId("cdn-hit-rate")).toHaveText(/^\d{1,3}\.\d %$/);
  }
  await expect(page.getByTestId("cdn-total-cost")).toHaveText(/^\$\d[\d,]*\.\d{2,4}$/);
  for (const chart of ["cdnHitRate", "bandwidthBytesPerSecond", "costRateUsdPerHour"]) {
    await page.getByTestId(`chart-${chart}`).scrollIntoViewIfNeeded();
    await expect(page.getByTestId(`chart-${chart}`).locator(".recharts-line")).toHaveCount(3, { timeout: 20_000 });
  }

  await page.goto("/regions/eu-west-1");
  await expect(page.getByRole("heading", { name: "eu-west-1", level: 1 })).toBeVisible();
  await expect(page.getByTestId("observed-role")).toHaveText("replica");
  await expect(page.getByTestId("region-db")).toContainText("In recovery");
  await expect(page.getByTestId("region-cdn")).toContainText("cloudflare");
  await expect(page.getByTestId("region-lag-seconds")).toHaveText(/\d s$|min/);

  const missing = await page.goto("/regions/no-such-region");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "No such region" })).toBeVisible();
});

test("mirror storage going down in a region shows on the open mirrors page, without a reload", async ({ page }) => {
  test.setTimeout(90_000);
  await signInAs(page, "viewer");
  const mirrors = new MirrorsPage(page);
  await mirrors.goto();
  await expect(mirrors.status("eu-west-1")).toHaveText("ok", { timeout: 30_000 });
  const mark = await markAgainstReload(page);
  try {
    await injectFault("eu-west-1", "mirror-down", { labDir: labDir() });
    await expect(mirrors.status("eu-west-1")).toHaveText("down");
    await expect(mirrors.hitRate("eu-west-1")).toHaveText("0.0 %");
    await expect(
      page.locator('[data-testid="firing-alert"][data-rule="mirror-hit-rate"][data-region="eu-west-1"]'),
    ).toBeVisible();
    // The other regions' mirrors are unaffected.
    await expect(mirrors.status("us-east-1")).toHaveText("ok");
    expect(await mark.reloaded()).toBe(false);
  } finally {
    await injectFault("eu-west-1", "recover", { labDir: labDir() });
  }
  await expect(mirrors.status("eu-west-1")).toHaveText("ok", { timeout: 30_000 });
  await expect(mirrors.hitRate("eu-west-1")).not.toHaveText("0.0 %");
  expect(await mark.reloaded()).toBe(false);
});

test("a viewer reads the alert rules but cannot change them, and has no API tokens page or actions", async ({
  page,
}) => {
  await signInAs(page, "viewer");
  const alerts = new AlertsPage(page);
  await alerts.goto();
  await expect(page.getByText("Only admins can change them.")).toBeVisible();
  await expect(alerts.rule("mirror-hit-rate").getByTestId("rule-threshold")).toHaveText(/^< \d+(\.\d+)? %$/);
  await expect(alerts.rule("replication-lag").getByTestId("rule-threshold")).toHaveText(/^> \d+(\.\d+)? s$/);
  await expect(page.getByRole("spinbutton")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "All" })).toHaveAttribute("aria-pressed", "true");

  const res = await page.goto("/admin/tokens");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();

  // Hand-made POSTs to the actions, with the viewer's own session.
  const rule = await postFormAction(page.request, "/alerts", "updateAlertRule", {
    ruleId: "mirror-hit-rate",
    threshold: "1",
    forSeconds: "0",
  });
  expect(rule).toContain('"ok":false,"code":"forbidden"');
  const created = await postFormAction(page.request, "/admin/tokens", "createApiToken", { name: "viewer-made" });
  expect(created).toContain('"ok":false,"code":"forbidden"');
  expect(created).not.toContain("sy_");
  const revoked = await postFormAction(page.request, "/admin/tokens", "revokeApiToken", {
    id: "00000000-0000-4000-8000-000000000000",
  });
  expect(revoked).toContain('"ok":false,"code":"forbidden"');

  await alerts.goto();
  await expect(alerts.rule("mirror-hit-rate")).not.toHaveAttribute("data-threshold", "1");
});

test("an admin changes the mirror hit rate threshold and it is saved", async ({ page }) => {
  await signInAs(page, "admin");
  const alerts = new AlertsPage(page);
  await alerts.goto();
  const before = await alerts.threshold("Mirror hit rate low").inputValue();
  expect(before).toBe("60");
  try {
    await alerts.setThreshold("mirror-hit-rate", "Mirror hit rate low", 55);
    await page.reload();
    await expect(alerts.threshold("Mirror hit rate low")).toHaveValue("55");
    await expect(alerts.rule("mirror-hit-rate")).toHaveAttribute("data-threshold", "55");
  } finally {
    await alerts.goto();
    await alerts.setThreshold("mirror-hit-rate", "Mirror hit rate low", Number(before));
  }
  await page.reload();
  await expect(alerts.threshold("Mirror hit rate low")).toHaveValue(before);
});

test("an admin creates an API token, sees its secret once, uses it, and revokes it", async ({ page, baseURL }) => {
  await signInAs(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();
  const tokens = new TokensPage(page);
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  const name = `e2e-${Date.now()}`;
  const secret = await tokens.create(name);
  await expect(tokens.row(name)).toHaveAttribute("data-revoked", "false");
  await expect(tokens.row(name)).toContainText(secret.slice(0, 7));
  await expect(tokens.row(name)).toContainText("admin@switchyard.local");

  const read = () => fetch(`${baseURL}/api/v1/health/regions`, { headers: { authorization: `Bearer ${secret}` } });
  const ok = await read();
  expect(ok.status).toBe(200);
  expect(((await ok.json()) as { regions: unknown[] }).regions).toHaveLength(3);

  // Shown once: a reload no longer has it.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await expect(page.locator("body")).not.toContainText(secret);
  await expect(tokens.row(name).getByTestId("token-state")).toHaveText("active");

  // Revoking asks first; cancelling keeps it.
  await tokens.row(name).getByRole("button", { name: "Revoke" }).click();
  await tokens.row(name).getByRole("button", { name: "Cancel" }).click();
  await expect(tokens.row(name)).toHaveAttribute("data-revoked", "false");
  await tokens.revoke(name);
  await expect(tokens.row(name).getByTestId("token-state")).toContainText("revoked");
  expect((await read()).status).toBe(401);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the monitoring pages fit a 390 px wide screen", async ({ page }) => {
    await signInAs(page, "viewer");
    const replication = new ReplicationPage(page);
    await replication.goto();
    await expect(replication.replica("eu-west-1")).toBeVisible();
    await expect(page.getByTestId("chart-lagSeconds")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(391);
    for (const path of ["/", "/traffic", "/mirrors", "/cdn", "/alerts", "/regions/eu-west-1"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeAttached();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(391);
    }
    // The main nav scrolls sideways instead of widening the page.
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" })).toBeAttached();
  });

  test("a chart screens below the figures is drawn once it comes near, not before", async ({ page }) => {
    await signInAs(page, "viewer");
    await page.goto("/regions/eu-west-1");
    const first = page.getByTestId("chart-mirrorHitRate");
    const last = page.getByTestId("chart-apiLatencyMs");
    // The first chart just inside the bottom of the screen: its drawing loads, while the last stays screens below.
    await first.evaluate((el) =>
      window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - innerHeight + 40),
    );
    await expect(first.locator(".recharts-line").first()).toBeVisible({ timeout: 20_000 });
    expect(await last.evaluate((el) => el.getBoundingClientRect().top - innerHeight)).toBeGreaterThan(400);
    await expect(last.locator(".recharts-surface")).toHaveCount(0);
    await last.scrollIntoViewIfNeeded();
    await expect(last.locator(".recharts-line").first()).toBeVisible({ timeout: 20_000 });
  });
});
