import { injectFault } from "../lab/index";
import type { ActionRun } from "../lib/actions/run";
import { postServerAction } from "../tests/support/server-action-client";
import { expect, labDir, signInAs, test } from "./fixtures";
import { ActionRequestPage, ActionRunPage } from "./pages/action-pages";
import { IncidentNewPage } from "./pages/incident-new-page";
import { IncidentPage } from "./pages/incident-page";

/**
 * The runbook's primary database failure worked from the browser by two people: an engineer requests each
 * action from the incident's checklist, a lead approves it, and the steps verify themselves; then the
 * failback with the monthly test's switchover. It runs after every other spec (its own project): it leaves
 * the lab as it found it, us-east-1 primary with both replicas streaming.
 */

const PROMOTE = "primary-database-failure/promote-replica";
const REPOINT = "primary-database-failure/update-connection-strings";
const VERIFY = "primary-database-failure/verify-new-primary";
const RESTORE = "primary-database-failure/restore-original-primary";

test("failover and failback from the browser: stop the primary, declare a P1, request the promotion as an engineer, approve it as a lead, and the step verifies itself", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(420_000);
  const engineerContext = await browser.newContext({ baseURL });
  const viewerContext = await browser.newContext({ baseURL });
  try {
    await injectFault("us-east-1", "db-down", { labDir: labDir() });

    // The lead declares the P1.
    await signInAs(page, "lead");
    const form = new IncidentNewPage(page);
    await form.goto();
    await form.title.fill("Primary database down in us-east-1");
    await form.severity("P1").check();
    await form.scenario.selectOption("primary-database-failure");
    await form.region("us-east-1").check();
    const incidentId = await form.declare();
    const lead = new IncidentPage(page);
    await lead.expectLoaded(incidentId);

    // The engineer requests the promotion from the checklist step.
    const engineerPage = await engineerContext.newPage();
    await signInAs(engineerPage, "engineer");
    const engineer = new IncidentPage(engineerPage);
    await engineer.goto(incidentId);
    const request = new ActionRequestPage(engineerPage);

    async function requestFromStep(stepKey: string, fill?: () => Promise<void>): Promise<number> {
      await engineer.goto(incidentId);
      await engineer.step(stepKey).getByTestId("step-action").click();
      await expect(request.preflight).toBeVisible({ timeout: 30_000 });
      await fill?.();
      await request.expectPreflightPasses();
      return request.submit();
    }

    const promoteId = await requestFromStep(PROMOTE, async () => {
      await engineerPage.getByLabel("Replica to promote").selectOption("eu-west-1");
    });
    const asEngineer = new ActionRunPage(engineerPage);
    await expect(asEngineer.status).toHaveAttribute("data-status", "pending");
    // Nobody approves their own request: the engineer has no approve button.
    await expect(engineerPage.getByTestId("approve")).toHaveCount(0);

    // The lead sees the exact parameters, the plan and the pre-flight, and approves.
    const run = new ActionRunPage(page);
    await run.goto(promoteId);
    await expect(page.getByTestId("run-params")).toContainText("eu-west-1");
    await expect(page.getByTestId("preflight").locator('[data-testid="check"][data-ok="true"]')).toHaveCount(5);
    await expect(page.getByText(/pg_promote\(true, 60\) on eu-west-1/).first()).toBeVisible();
    await run.approve();
    await run.expectSucceeded();
    await expect(run.output).toContainText("accepts writes");
    await expect(asEngineer.status).toHaveAttribute("data-status", "succeeded"); // live on the requester's page too

    // Back on the incident, the promotion step has verified itself.
    await lead.goto(incidentId);
    await lead.expectStepChecked(PROMOTE, true, 30_000);

    // Repoint the region APIs, verify the new primary, rebuild the old one: each from its step.
    for (const [step, needsApproval] of [
      [REPOINT, true],
      [VERIFY, false],
      [RESTORE, true],
    ] as const) {
      const id = await requestFromStep(step);
      if (needsApproval) {
        await run.goto(id);
        await run.approve();
      } else {
        await run.goto(id);
      }
      await run.expectSucceeded(180_000);
      await lead.goto(incidentId);
      await lead.expectStepChecked(step, true, 30_000);
    }
    // That one has no live check: only the action's verification ticks it.
    await expect(lead.step(RESTORE).getByTestId("step-checked-by")).toContainText("Checked by Action #");

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
    const approveBody = await postServerAction(viewerPage.request, `/actions/${promoteId}`, "approveRun", {
      id: promoteId,
      paramsHash: "0".repeat(64),
    });
    expect(approveBody).toContain('"ok":false,"code":"forbidden"');
    expect(
      ((await (await viewerPage.request.get("/api/v1/actions")).json()) as { runs: ActionRun[] }).runs.length,
    ).toBe(before);
    expect((await viewerPage.goto("/actions/new"))?.status()).toBe(403);

    // Fail back: the monthly failover test's switchover to us-east-1, lossless.
    await request.goto({ action: "db.switchover", candidate: "us-east-1" });
    await request.expectPreflightPasses();
    // Its host commands go to eu-west-1's host over SSH (the lab's sshd; on the console's machine when not root).
    await expect(
      request.checks(true).filter({
        hasText:
          process.getuid?.() === 0
            ? "eu-west-1's host is reachable over SSH"
            : "eu-west-1's host commands run on the console's own machine",
      }),
    ).toHaveCount(1);
    const switchoverId = await request.submit();
    await run.goto(switchoverId);
    await run.approve();
    await run.expectSucceeded(240_000);

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
