import type { Page } from "@playwright/test";
import { demoAccounts } from "../lib/demo-accounts";
import { postFormAction } from "../tests/support/server-action-client";
import { expect, signInAs, test } from "./fixtures";

/**
 * Maintenance windows (issue 13 part 3): a lead schedules a window for eu-west-1's API from /maintenance; the incident
 * list announces it; /status shows it, without sign-in, as scheduled maintenance (and nothing of who scheduled it);
 * the lead cancels it and it leaves the status page. The window starts hours ahead, so the other specs' component
 * states and alerts are never under maintenance because of it.
 */

/** A `datetime-local` value in UTC (the form's default zone), minutes from now. */
const utcLocal = (minutesFromNow: number) =>
  new Date(Math.floor(Date.now() / 60_000) * 60_000 + minutesFromNow * 60_000).toISOString().slice(0, 16);

/** The status page's maintenance entries, afresh (the page is rebuilt at most once a second). */
async function statusMaintenance(page: Page, title: string): Promise<string | null> {
  const res = await page.goto("/status");
  expect(res?.status()).toBe(200);
  const entry = page.getByTestId("status-maintenance").filter({ has: page.getByRole("heading", { name: title }) });
  return (await entry.count()) ? entry.first().getAttribute("data-status") : null;
}

test("a lead schedules eu-west-1 API maintenance, /status announces it to anyone, and the lead cancels it", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const title = `Maintenance e2e ${Date.now()}`;
  await signInAs(page, "lead");
  await page.getByRole("link", { name: "Maintenance", exact: true }).click();
  await expect(page).toHaveURL(/\/maintenance$/);
  await expect(page.getByRole("heading", { name: "Maintenance", level: 1 })).toBeVisible();

  const form = page.getByRole("form", { name: "Schedule maintenance" });
  await expect(form.getByLabel("Time zone")).toHaveValue("UTC");
  await form.getByLabel("Title", { exact: true }).fill(title);
  await form.getByRole("checkbox", { name: /^eu-west-1/ }).check();
  await form.getByRole("checkbox", { name: "API", exact: true }).check();
  await form.getByLabel("Reason (for the console only)").fill("Patching the eu-west-1 API hosts.");

  // An end before the start is refused beside the field; what was typed stays.
  await form.getByLabel("Starts", { exact: true }).fill(utcLocal(6 * 60));
  await form.getByLabel("Ends", { exact: true }).fill(utcLocal(5 * 60));
  await form.getByRole("button", { name: "Schedule maintenance" }).click();
  await expect(form.getByTestId("maintenance-result")).toHaveText("Ends: must be after the start");
  await expect(form.getByLabel("Ends", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Title", { exact: true })).toHaveValue(title);

  // Fixed, it is scheduled and listed as upcoming, for eu-west-1's API.
  await form.getByLabel("Ends", { exact: true }).fill(utcLocal(8 * 60));
  await form.getByRole("button", { name: "Schedule maintenance" }).click();
  await expect(form.getByTestId("maintenance-result")).toHaveText("Maintenance scheduled.");
  const card = page.getByTestId("maintenance-window").filter({ has: page.getByRole("heading", { name: title }) });
  await expect(card).toHaveAttribute("data-phase", "upcoming");
  await expect(card.getByTestId("maintenance-phase")).toHaveText("Scheduled");
  await expect(card.getByTestId("maintenance-scope")).toHaveText("API · eu-west-1");
  await expect(card).toContainText("On the status page");
  await expect(card).toContainText("by Lee Lead");

  // It starts within a day: the incident list announces it.
  await page.goto("/incidents");
  const banner = page.getByTestId("maintenance-banner");
  await expect(banner.getByTestId("maintenance-announcement").filter({ hasText: title })).toContainText("Starts soon");

  // Anyone, without signing in, sees it on the status page as scheduled maintenance, and nothing of who scheduled it.
  const visitorContext = await browser.newContext({ baseURL });
  try {
    const visitor = await visitorContext.newPage();
    await expect.poll(() => statusMaintenance(visitor, title), { timeout: 15_000 }).toBe("scheduled");
    await expect(visitor).toHaveURL(/\/status$/);
    await expect(visitor.getByRole("heading", { name: "Scheduled maintenance" })).toBeVisible();
    const entry = visitor
      .getByTestId("status-maintenance")
      .filter({ has: visitor.getByRole("heading", { name: title }) });
    await expect(entry).toContainText("Scheduled");
    await expect(entry.getByTestId("status-maintenance-components")).toHaveText("Components: API · eu-west-1");
    await expect(entry).toContainText("UTC");
    // A window to come puts nothing under maintenance yet.
    await expect(
      visitor.locator('[data-testid="status-component"][data-component="api-eu-west-1"]'),
    ).not.toHaveAttribute("data-state", "under_maintenance");
    const html = await visitor.content();
    expect(html).not.toContain("Patching the eu-west-1 API hosts.");
    for (const a of demoAccounts) expect(html, `${a.role}'s name`).not.toContain(a.name);
    const summary = (await (await visitor.request.get("/status/summary.json")).json()) as {
      scheduled_maintenances: { name: string; status: string; components: string[] }[];
    };
    expect(summary.scheduled_maintenances.find((m) => m.name === title)).toMatchObject({
      status: "scheduled",
      components: ["api-eu-west-1"],
    });

    // The lead cancels it: it moves to the past windows, and leaves the status page.
    await page.goto("/maintenance");
    await card.getByRole("button", { name: `Cancel the maintenance window ${title}` }).click();
    await card.getByRole("button", { name: "Cancel window" }).click();
    const cancelled = page
      .getByTestId("maintenance-past-list")
      .getByTestId("maintenance-window")
      .filter({ has: page.getByRole("heading", { name: title }) });
    await expect(cancelled).toHaveAttribute("data-phase", "cancelled");
    await expect(cancelled).toContainText("cancelled by Lee Lead");
    await expect.poll(() => statusMaintenance(visitor, title), { timeout: 15_000 }).toBeNull();
  } finally {
    await visitorContext.close();
  }
});

test("a viewer reads /maintenance without the form, and cannot schedule by direct request", async ({ page }) => {
  await signInAs(page, "viewer");
  await page.goto("/maintenance");
  await expect(page.getByRole("heading", { name: "Maintenance", level: 1 })).toBeVisible();
  await expect(page.getByRole("form", { name: "Schedule maintenance" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Cancel the maintenance window/ })).toHaveCount(0);
  const body = await postFormAction(page.request, "/maintenance", "scheduleMaintenance", {
    title: "Hijacked window",
    startsAt: utcLocal(60),
    endsAt: utcLocal(120),
    timeZone: "UTC",
  });
  expect(body).toContain('"ok":false,"code":"forbidden"');
  await page.reload();
  await expect(page.getByRole("heading", { name: "Hijacked window" })).toHaveCount(0);
});

test("a lead schedules the monthly failover test: its record and its public window; cancelling the window cancels it", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInAs(page, "lead");
  await page.goto("/maintenance");
  const section = page.getByRole("region", { name: "Monthly failover test" });
  const form = section.getByRole("form", { name: "Schedule the failover test" });
  await expect(form.getByLabel("Replica to promote")).toHaveValue("eu-west-1");
  await expect(form.getByLabel("Window (minutes)")).toHaveValue("90");
  await expect(form.getByLabel("Reminder (minutes before)")).toHaveValue("60");

  // A start in the past is refused beside the field, and nothing is scheduled.
  await form.getByLabel("Starts").fill(utcLocal(-60));
  await form.getByRole("button", { name: "Schedule the failover test" }).click();
  await expect(form.getByTestId("failover-test-result")).toHaveText("Starts: must be in the future.");

  // Hours ahead, so no other spec's alerts fall in its window.
  await form.getByLabel("Starts").fill(utcLocal(20 * 60 + Math.floor(Math.random() * 600)));
  await form.getByRole("button", { name: "Schedule the failover test" }).click();
  await expect(form.getByTestId("failover-test-result")).toHaveText("Failover test scheduled.");
  const record = section.getByTestId("failover-test").first();
  await expect(record).toHaveAttribute("data-phase", "scheduled");
  await expect(record.getByRole("heading")).toContainText("us-east-1 → eu-west-1 → us-east-1");
  await expect(record.getByTestId("failover-test-reminder")).toHaveText("60 min before the start");
  await expect(record.getByTestId("failover-test-switchover")).toHaveText("not yet");

  const window = page
    .getByTestId("maintenance-upcoming-list")
    .getByTestId("maintenance-window")
    .filter({ has: page.getByRole("heading", { name: "Monthly failover test" }) })
    .last();
  await expect(window.getByTestId("maintenance-scope")).toHaveText("API, Database · every region");
  await window.getByRole("button", { name: "Cancel the maintenance window Monthly failover test" }).click();
  await window.getByRole("button", { name: "Cancel window" }).click();
  await expect(record).toHaveAttribute("data-phase", "cancelled");
});
