import { injectFault } from "../lab/index";
import { expect, labDir, signInAs, test } from "./fixtures";
import { IncidentPage } from "./pages/incident-page";

/**
 * Issue 12 part 1: with the us-east-1 primary stopped, the overview shows one group — its cause first, the
 * replicas' stopped replication inside — with one "Declare incident" and a proposed triage incident, which a lead
 * confirms in one click.
 */

test("a lead confirms the triage incident of a stopped primary from the overview in one click", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, "lead");
  try {
    await injectFault("us-east-1", "db-down", { labDir: labDir() });
    const group = page.getByTestId("alert-group").filter({ hasText: "us-east-1 primary database down" });
    await expect(group.getByTestId("triage-proposal")).toContainText("P0", { timeout: 45_000 });
    // Its consequences are inside it, not groups of their own; one declaration for the lot.
    await expect(
      group.locator('[data-testid="firing-alert"][data-rule="replication-stopped"][data-region="eu-west-1"]'),
    ).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("alert-group")).toHaveCount(1);
    await expect(group.getByTestId("declare-from-alert")).toHaveCount(1);
    await expect(group.getByTestId("group-page")).toContainText("Paged On-call engineer");

    await group.getByRole("button", { name: "Confirm incident" }).click();
    await expect(page).toHaveURL(/\/incidents\/\d+$/, { timeout: 15_000 });
    const id = Number(new URL(page.url()).pathname.split("/").pop());
    const incident = new IncidentPage(page);
    await incident.expectLoaded(id);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("us-east-1 primary database down");
    await expect(incident.events("declared")).toContainText("P0");
    await expect(page.getByTestId("ack-state")).toContainText("Acknowledged");
  } finally {
    await injectFault("us-east-1", "recover", { labDir: labDir() });
  }
});
