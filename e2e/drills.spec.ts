import { labStatus } from "../lab/index";
import { expect, labDir, signInAs, test } from "./fixtures";
import { IncidentPage } from "./pages/incident-page";

/**
 * A game day on the lab, from the browser: a lead starts a CDN outage drill, Switchyard injects the fault itself,
 * the team declares the drill's incident, communicates, mitigates and resolves; the lead ends the drill, the fault
 * is cleared, and the report scores the response against the severity's targets, with the trend across drills.
 */

test("a lab drill from start to scored report", async ({ page }) => {
  test.setTimeout(180_000);
  const faultsOf = async (region: string) =>
    (await labStatus({ labDir: labDir() })).regions.find((r) => r.id === region)?.faults ?? [];
  await signInAs(page, "lead");
  await page.goto("/drills");
  const form = page.getByRole("form", { name: "Start a drill" });
  await form.getByLabel("Scenario").selectOption({ label: "Scenario 3: CDN provider outage" });
  await expect(form.getByLabel("Fault")).toHaveValue("cdn-outage");
  const region = await form.getByLabel("Region").inputValue();
  await form.getByRole("button", { name: "Start drill" }).click();
  try {
    await expect(page).toHaveURL(/\/drills\/\d+$/, { timeout: 60_000 });
    await expect(page.getByTestId("drill-status")).toHaveAttribute("data-status", "running");
    // Switchyard injected the fault through the fleet file's hook
    await expect.poll(() => faultsOf(region), { timeout: 30_000 }).toContain("cdn-outage");

    await page.getByTestId("declare-drill-incident").click();
    await expect(page.getByTestId("for-drill")).toBeVisible();
    await page.getByRole("button", { name: "Declare the drill's incident" }).click();
    await expect(page).toHaveURL(/\/incidents\/\d+$/, { timeout: 30_000 });
    const incidentId = Number(new URL(page.url()).pathname.split("/").pop());
    const incident = new IncidentPage(page);
    await incident.expectLoaded(incidentId);
    await expect(page.getByTestId("drill-badge").first()).toBeVisible();

    await incident.sendComm("Initial Alert");
    await incident.moveStatus("Move to Mitigating", "mitigating");
    await incident.moveStatus("Move to Monitoring", "monitoring");
    await incident.moveStatus("Resolve", "resolved");
  } finally {
    // whatever happened, the drill ends and its fault is cleared: the specs after this one need a healthy lab
    await page.goto("/drills");
    await page.getByTestId("drill-row").filter({ hasText: "Running" }).getByRole("link").first().click();
    await page.getByRole("button", { name: "End drill…" }).click();
    await page.getByRole("button", { name: "End drill and score it" }).click();
    // the page shows the ended drill and its score in place of the form
    await expect(page.getByTestId("drill-status")).toHaveAttribute("data-status", "ended", { timeout: 60_000 });
  }
  await expect.poll(() => faultsOf(region), { timeout: 30_000 }).not.toContain("cdn-outage");
  // every measure met its target on a quick response: declared, first message, mitigation verified, resolved
  await expect(page.locator('[data-testid="measure-state"][data-state="met"]')).toHaveCount(4);
  await expect(page.getByTestId("drill-score")).toHaveAttribute("data-percent", "100");

  await page.goto("/drills");
  await expect(page.getByTestId("drill-row-score").first()).toContainText("100");
  await expect(page.getByTestId("drill-trend-measures")).toBeVisible();
});
