import { expect, signInAs, test } from "./fixtures";

test("every scenario, procedure and troubleshooting guide reads as a checklist with its commands", async ({ page }) => {
  await signInAs(page, "viewer");
  await page.getByRole("link", { name: "Runbooks" }).click();
  for (const title of [
    "Scenario 2: Primary database failure",
    "Monthly failover test",
    "CDN provider rotation",
    "Replication stopped",
    "High CDN costs",
  ]) {
    await expect(page.getByRole("link", { name: title })).toBeVisible();
  }
  await page.getByRole("link", { name: "CDN provider rotation" }).click();
  await expect(page.getByRole("heading", { name: "CDN provider rotation" })).toBeVisible();
  await expect(page.getByTestId("runbook-step-rollout-10")).toContainText("10 % of traffic for 1 hour");
  await expect(page.getByTestId("runbook-step-validation-tests")).toContainText("./scripts/test-cdn.sh");
  await page.getByLabel("10 % of traffic for 1 hour").check();
  await expect(page.getByRole("status").filter({ hasText: "steps done" })).toHaveText("1 of 6 steps done");
  expect((await page.goto("/runbooks/no-such-runbook"))?.status()).toBe(404);
});
