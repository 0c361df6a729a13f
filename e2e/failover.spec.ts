import { injectFault } from "../lab/index";
import type { ActionRun } from "../lib/actions/run";
import { postServerAction } from "../tests/support/server-action-client";
import type { Locator, Page } from "@playwright/test";
import { expect, labDir, signInAs, test } from "./fixtures";
import { ActionRequestPage, ActionRunPage } from "./pages/action-pages";
import { IncidentPage } from "./pages/incident-page";

/**
 * The runbook's primary database failure worked from the browser by two people, clicks counted: the lead confirms
 * the incident the firing alert proposes, the engineer requests the failover plan from its checklist step, the
 * lead approves it from the step, the plan verifies each step and ticks the steps it covers, the lead sends the
 * Update; then the way back as one plan. It runs after every other spec (its own project): it leaves the lab as it
 * found it, us-east-1 primary with both replicas streaming.
 */

const FAILOVER = "primary-database-failure/manual-failover";
const COVERED = [
  "primary-database-failure/promote-replica",
  "primary-database-failure/update-connection-strings",
  "primary-database-failure/verify-new-primary",
];
const RESTORE = "primary-database-failure/restore-original-primary";

test("the golden path in at most 8 clicks by two people: from the firing alert, one failover plan under one approval, the Update sent; then the way back as one plan", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(420_000);
  const engineerContext = await browser.newContext({ baseURL });
  const viewerContext = await browser.newContext({ baseURL });
  // every click either person makes from the firing alert to the Update sent
  let clicks = 0;
  const click = async (target: Locator) => {
    clicks++;
    await target.click();
  };
  try {
    await signInAs(page, "lead");
    const engineerPage = await engineerContext.newPage();
    await signInAs(engineerPage, "engineer");
    await injectFault("us-east-1", "db-down", { labDir: labDir() });

    // The lead confirms the proposed incident from the firing alert's group on the overview.
    const group = (p: Page) => p.getByTestId("alert-group").filter({ hasText: "us-east-1 primary database down" });
    await expect(group(page).getByTestId("triage-proposal")).toBeVisible({ timeout: 45_000 });
    await click(group(page).getByRole("button", { name: "Confirm incident" }));
    await expect(page).toHaveURL(/\/incidents\/\d+$/, { timeout: 15_000 });
    const incidentId = Number(new URL(page.url()).pathname.split("/").pop());
    const lead = new IncidentPage(page);
    await lead.expectLoaded(incidentId);

    // The engineer opens it from the same group and requests the failover plan from its checklist step.
    await click(group(engineerPage).getByRole("link", { name: "Incident declared" }));
    const engineer = new IncidentPage(engineerPage);
    await engineer.expectLoaded(incidentId);
    await click(engineer.step(FAILOVER).getByTestId("step-action"));
    const request = new ActionRequestPage(engineerPage);
    await expect(request.preflight).toBeVisible({ timeout: 30_000 });
    await request.expectPreflightPasses();
    await expect(engineerPage.getByTestId("preview")).toContainText("repoint");
    clicks++; // submit() clicks "Request"
    const runId = await request.submit();

    // The lead approves the whole plan from the step, where the request appears by itself.
    const approval = lead.step(FAILOVER).getByTestId("step-approval");
    await expect(approval).toContainText("db.failover", { timeout: 30_000 });
    await expect(approval).toContainText("candidate=eu-west-1");
    await click(approval.getByTestId("step-approve"));

    // One run: four steps verified, and the checklist steps it covers ticked.
    await lead.expectStepChecked(FAILOVER, true, 120_000);
    for (const key of COVERED) await lead.expectStepChecked(key, true, 30_000);
    await expect(lead.step(FAILOVER).getByTestId("step-checked-by")).toContainText(`Checked by Action #${runId}`);

    // The lead sends the Update.
    const comms = page.getByTestId("comms");
    await click(comms.getByText("Update", { exact: true }));
    await click(comms.getByRole("button", { name: "Send Update" }));
    await expect(comms.getByTestId("comm-result")).toContainText("Update");
    expect(clicks, "clicks from the firing alert to the Update sent").toBeLessThanOrEqual(8);

    // The run page shows each step verified, and the way back.
    const run = new ActionRunPage(page);
    await run.goto(runId);
    await expect(run.status).toHaveAttribute("data-status", "succeeded");
    await expect(page.locator('[data-testid="plan-stage"][data-status="passed"]')).toHaveCount(4);
    await expect(page.getByTestId("way-back")).toContainText("Request the fail-back to us-east-1");

    // A viewer watches; a hand-made request is refused and creates nothing.
    const viewerPage = await viewerContext.newPage();
    await signInAs(viewerPage, "viewer");
    const before = ((await (await viewerPage.request.get("/api/v1/actions")).json()) as { runs: ActionRun[] }).runs
      .length;
    const body = await postServerAction(viewerPage.request, "/actions/new", "requestRun", {
      actionId: "db.switchover",
      params: { candidate: "us-east-1" },
      idempotencyKey: "viewer-attempt-0001",
      incidentId: null,
      stepKey: null,
    });
    expect(body).toContain('"ok":false,"code":"forbidden"');
    const approveBody = await postServerAction(viewerPage.request, `/actions/${runId}`, "approveRun", {
      id: runId,
      paramsHash: "0".repeat(64),
    });
    expect(approveBody).toContain('"ok":false,"code":"forbidden"');
    expect(
      ((await (await viewerPage.request.get("/api/v1/actions")).json()) as { runs: ActionRun[] }).runs.length,
    ).toBe(before);
    expect((await viewerPage.goto("/actions/new"))?.status()).toBe(403);

    // The way back, from the incident's restore step: rebuild us-east-1, catch up, switch over; one approval.
    await engineer.goto(incidentId);
    await engineer.step(RESTORE).getByTestId("step-action").click();
    await expect(request.preflight).toBeVisible({ timeout: 30_000 });
    await expect(engineerPage.getByLabel("Server to make the primary again")).toHaveValue("us-east-1");
    await request.expectPreflightPasses();
    const failbackId = await request.submit();
    await lead.goto(incidentId);
    await lead.step(RESTORE).getByTestId("step-approve").click();
    await lead.expectStepChecked(RESTORE, true, 240_000);
    await run.goto(failbackId);
    await run.expectSucceeded(60_000);
    await expect(page.locator('[data-testid="plan-stage"][data-status="passed"]')).toHaveCount(3);

    // The fleet shows us-east-1 primary again and every region healthy, without a reload.
    await page.goto("/replication");
    await expect
      .poll(
        async () => {
          const fleet = (await (await page.request.get("/api/v1/fleet")).json()) as {
            regions: { id: string; role: string; observedRole: string; status: string }[];
          };
          return fleet.regions.map((r) => `${r.id}:${r.role}:${r.observedRole}:${r.status}`).join(" ");
        },
        { timeout: 45_000 },
      )
      .toBe(
        "us-east-1:primary:primary:healthy eu-west-1:replica:replica:healthy ap-southeast-1:replica:replica:healthy",
      );

    // Every step is in the audit log, on an intact chain.
    await page.goto("/audit?action=action.");
    await expect(page.getByTestId("audit-chain")).toHaveAttribute("data-ok", "true");
    for (const action of ["action.request", "action.approve", "action.start", "action.succeeded"]) {
      await expect(page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first()).toBeVisible();
    }
  } finally {
    await engineerContext.close();
    await viewerContext.close();
  }
});
