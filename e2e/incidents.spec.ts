import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { injectFault } from "../lab/index";
import type { AlertView } from "../lib/fleet-view";
import type { IncidentDetail } from "../lib/incident";
import { postServerAction } from "../tests/support/server-action-client";
import { expect, labDir, markAgainstReload, signInAs, test } from "./fixtures";
import { IncidentNewPage } from "./pages/incident-new-page";
import { IncidentPage } from "./pages/incident-page";

const VERIFY_DOWN = "primary-database-failure/verify-primary-down";
const CREATE_CHANNEL = "incident-response/create-channel";

async function detail(page: Page, id: number): Promise<IncidentDetail> {
  const res = await page.request.get(`/api/v1/incidents/${id}`);
  expect(res.ok()).toBe(true);
  return res.json();
}

test("the golden path: declare from the firing alert, work the checklist, communicate, resolve, write the post-mortem, while a manager watches live", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const viewerContext = await browser.newContext({ baseURL });
  try {
    await injectFault("us-east-1", "db-down", { labDir: labDir() });

    // The lead sees the alert fire on the overview.
    await signInAs(page, "lead");
    await expect(
      page.locator('[data-testid="firing-alert"][data-rule="region-unhealthy"][data-region="us-east-1"]'),
    ).toBeVisible({ timeout: 45_000 });
    const fleet = (await (await page.request.get("/api/v1/fleet")).json()) as { alerts: AlertView[] };
    const alert = fleet.alerts.find((a) => a.ruleId === "region-unhealthy" && a.labels.region === "us-east-1");
    expect(alert, "the Region unhealthy alert for us-east-1").toBeDefined();

    // Declared from the alert: prefilled.
    const form = new IncidentNewPage(page);
    await form.goto(alert!.id);
    await expect(page.getByTestId("from-alert")).toContainText(`alert #${alert!.id}`);
    await expect(form.title).toHaveValue(/us-east-1/);
    await expect(form.severity("P1")).toBeChecked();
    await expect(form.scenario).toHaveValue("primary-database-failure");
    await expect(form.scenario.locator("option:checked")).toHaveText("Scenario 2: Primary database failure");
    await expect(form.region("us-east-1")).toBeChecked();
    await expect(form.region("eu-west-1")).not.toBeChecked();
    const id = await form.declare();

    const lead = new IncidentPage(page);
    await lead.expectLoaded(id);
    await expect(lead.status).toHaveAttribute("data-status", "investigating");
    await expect(lead.step(VERIFY_DOWN)).toBeVisible();
    await expect(lead.events("declared")).toContainText(`from alert #${alert!.id}`);

    // The manager opens the same incident, read-only.
    const viewerPage = await viewerContext.newPage();
    await signInAs(viewerPage, "viewer");
    const viewer = new IncidentPage(viewerPage);
    await viewer.goto(id);
    const viewerMark = await markAgainstReload(viewerPage);
    await expect(viewer.checklist.getByRole("checkbox").first()).toBeVisible();
    await expect(viewer.checklist.getByRole("checkbox", { disabled: false })).toHaveCount(0);
    await expect(viewerPage.getByRole("group", { name: "Change status" })).toHaveCount(0);
    await expect(
      viewerPage.getByRole("button", {
        name: /^(Send|Resolve|Move to|Acknowledge|Add note|Generate|Save|Hand over|Edit)/,
      }),
    ).toHaveCount(0);
    await expect(viewerPage.getByTestId("comms")).toHaveCount(0);

    // The live check ticks "Verify the primary is down" with what it saw.
    await lead.expectStepChecked(VERIFY_DOWN, true, 45_000);
    await expect(lead.step(VERIFY_DOWN).getByTestId("step-checked-by")).toContainText("Live check saw");
    await expect(lead.step(VERIFY_DOWN).getByTestId("step-checked-by")).toContainText("us-east-1");
    await viewer.expectStepChecked(VERIFY_DOWN);

    // Two steps by hand; the manager sees them without reloading.
    for (const key of ["incident-response/determine-scope", "incident-response/identify-components"]) {
      await lead.stepCheckbox(key).check();
      await lead.expectStepChecked(key);
      await expect(lead.step(key).getByTestId("step-checked-by")).toContainText("Checked by Lee Lead");
      await viewer.expectStepChecked(key);
    }

    // Communicate: the Initial Alert stops the clock; an Update follows.
    await expect(lead.clock("communicate")).not.toHaveAttribute("data-state", "done");
    await lead.sendComm("Initial Alert");
    await expect(lead.clock("communicate")).toHaveAttribute("data-state", "done");
    await lead.sendComm("Update");
    await expect(lead.events("comm")).toHaveCount(2);
    await expect(lead.events("comm").filter({ hasText: "Sent Initial Alert" })).toHaveCount(1);
    await expect(lead.events("comm").filter({ hasText: "Sent Update" })).toHaveCount(1);
    await expect(lead.events("comm").filter({ hasText: "Sent Initial Alert" }).getByTestId("comm-body")).toContainText(
      "🚨 INCIDENT:",
    );
    await expect(viewer.events("comm")).toHaveCount(2);

    // The timeline's kind filter narrows the list and the exports alike.
    await lead.timeline
      .locator("label")
      .filter({ hasText: /^Messages/ })
      .click();
    await expect(lead.timeline.getByTestId("event")).toHaveCount(2);
    await expect(lead.timeline.getByTestId("export-csv")).toHaveAttribute(
      "href",
      `/api/v1/incidents/${id}/timeline?format=csv&kind=comm`,
    );
    const csv = await (await page.request.get(`/api/v1/incidents/${id}/timeline?format=csv&kind=comm`)).text();
    expect(csv.trim().split("\n")).toHaveLength(3);
    await lead.timeline.getByRole("button", { name: "All" }).click();
    await expect(lead.events("step").first()).toBeVisible();
    await expect(viewer.clock("communicate")).toHaveAttribute("data-state", "done");

    // A direct request as the manager is refused, and changes nothing.
    const refused = await postServerAction(viewerPage.request, `/incidents/${id}`, "checkStep", {
      id,
      stepKey: CREATE_CHANNEL,
      checked: true,
      expectedVersion: 0,
    });
    expect(refused).toContain('"ok":false,"code":"forbidden"');
    const afterRefusal = await detail(viewerPage, id);
    expect(afterRefusal.steps.find((s) => s.key === CREATE_CHANNEL)).toMatchObject({ checked: false, version: 0 });
    expect(afterRefusal.events.filter((e) => e.data.stepKey === CREATE_CHANNEL)).toHaveLength(0);
    await expect(viewer.step(CREATE_CHANNEL)).toHaveAttribute("data-checked", "false");

    // Recovered: mitigate, monitor, resolve; the manager follows each move.
    await injectFault("us-east-1", "recover", { labDir: labDir() });
    await lead.moveStatus("Move to Mitigating", "mitigating");
    await expect(viewer.status).toHaveAttribute("data-status", "mitigating");
    await lead.moveStatus("Move to Monitoring", "monitoring");
    await expect(viewer.status).toHaveAttribute("data-status", "monitoring");
    await expect(lead.clock("mitigate")).toHaveAttribute("data-state", "done");
    await lead.moveStatus("Resolve", "resolved");
    await expect(viewer.status).toHaveAttribute("data-status", "resolved");
    await expect(lead.clock("resolve")).toHaveAttribute("data-state", "done");
    await expect(viewerPage.getByRole("button", { name: "Reopen" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();

    // The post-mortem: draft, save, download.
    const pm = page.getByTestId("postmortem");
    await pm.getByRole("button", { name: /Generate/ }).click();
    await expect(pm.getByLabel("Post-mortem (Markdown)")).toHaveValue(new RegExp(`^# Post-mortem: INC-${id} `));
    await pm.getByRole("button", { name: "Save post-mortem" }).click();
    await expect(pm.getByTestId("postmortem-message")).toHaveText("Post-mortem saved.");
    await expect(lead.events("postmortem")).toHaveCount(1);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      pm.getByTestId("postmortem-download").click(),
    ]);
    expect(download.suggestedFilename()).toBe(`INC-${id}-postmortem.md`);
    const markdown = readFileSync((await download.path())!, "utf8");
    expect(markdown).toContain("# Post-mortem: INC-");
    expect(markdown).toContain("Time to resolve");
    await expect(viewerPage.getByTestId("postmortem").locator("pre")).toContainText(`# Post-mortem: INC-${id}`);

    expect(await viewerMark.reloaded(), "the manager's page updated without a reload").toBe(false);
  } finally {
    await injectFault("us-east-1", "recover", { labDir: labDir() });
    await viewerContext.close();
  }
});

test("two people checking the same step at once never both win: one check, and the other sees why", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const engineerContext = await browser.newContext({ baseURL });
  const leadContext = await browser.newContext({ baseURL });
  try {
    const leadPage = await leadContext.newPage();
    await signInAs(leadPage, "lead");
    const id = await new IncidentNewPage(leadPage).declareSimple(`Simultaneous checks ${Date.now()}`, "P2");
    const engineerPage = await engineerContext.newPage();
    await signInAs(engineerPage, "engineer");
    const asLead = new IncidentPage(leadPage);
    const asEngineer = new IncidentPage(engineerPage);
    await asLead.goto(id);
    await asEngineer.goto(id);
    for (const p of [asLead, asEngineer]) {
      await expect(p.stepCheckbox(CREATE_CHANNEL)).not.toBeChecked();
      await expect(p.stepCheckbox(CREATE_CHANNEL)).toBeEnabled();
    }

    // "At once": neither page may learn of the other's check before its own click is sent. Two clicks in two
    // browser pages can land hundreds of ms apart, long enough for the live push to refresh the other page, so
    // the pages' incident reads are held until both checks have been answered.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const answered: Promise<unknown>[] = [];
    for (const p of [leadPage, engineerPage]) {
      await p.route(`**/api/v1/incidents/${id}`, async (route) => {
        await gate;
        // A read the page gave up on meanwhile (a newer one replaced it) is already gone.
        await route.continue().catch(() => {});
      });
      answered.push(
        p.waitForResponse(
          (r) =>
            r.request().method() === "POST" &&
            r.url().endsWith(`/incidents/${id}`) &&
            !!r.request().headers()["next-action"],
        ),
      );
    }
    await Promise.all([asLead.stepCheckbox(CREATE_CHANNEL).click(), asEngineer.stepCheckbox(CREATE_CHANNEL).click()]);
    await Promise.all(answered);
    release();
    for (const p of [leadPage, engineerPage]) await p.unrouteAll({ behavior: "wait" });

    // Both end up showing the step checked, by exactly one of them.
    await asLead.expectStepChecked(CREATE_CHANNEL);
    await asEngineer.expectStepChecked(CREATE_CHANNEL);
    await expect
      .poll(
        async () =>
          (await detail(leadPage, id)).events.filter(
            (e) => e.kind === "step" && e.data.stepKey === CREATE_CHANNEL && e.data.checked === true,
          ).length,
        { timeout: 15_000 },
      )
      .toBe(1);
    const d = await detail(leadPage, id);
    const step = d.steps.find((s) => s.key === CREATE_CHANNEL)!;
    expect(step).toMatchObject({ checked: true, version: 1 });
    expect(d.events.filter((e) => e.kind === "step" && e.data.stepKey === CREATE_CHANNEL)).toHaveLength(1);
    await expect(asLead.events("step").filter({ hasText: "Create the incident channel in Slack" })).toHaveCount(1);

    // The loser is told who won, next to the step.
    const [winner, loser] = step.checkedBy === "Lee Lead" ? [asLead, asEngineer] : [asEngineer, asLead];
    await expect(loser.step(CREATE_CHANNEL).getByTestId("step-error")).toContainText(
      `was just checked by ${step.checkedBy}`,
    );
    await expect(winner.step(CREATE_CHANNEL).getByTestId("step-error")).toHaveCount(0);
  } finally {
    await engineerContext.close();
    await leadContext.close();
  }
});

test("only leads and admins reach the declaration form; a viewer's direct declaration is refused", async ({ page }) => {
  await signInAs(page, "engineer");
  expect((await page.goto("/incidents/new"))?.status()).toBe(403);
  await page.goto("/incidents");
  await expect(page.getByRole("heading", { name: "Incidents", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Declare incident" })).toHaveCount(0);
  const body = await postServerAction(page.request, "/incidents", "declareIncident", {
    title: "Not allowed",
    scenarioId: null,
    severity: "P3",
    impact: "",
    regions: [],
    leadId: "00000000-0000-4000-8000-000000000000",
    fromAlertId: null,
  });
  expect(body).toContain('"ok":false,"code":"forbidden"');
  expect((await page.goto("/incidents/999999"))?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "No such incident" })).toBeVisible();
});
