import { injectFault, resetBalancer } from "../lab/index";
import { expect, labDir, markAgainstReload, signInAs, test } from "./fixtures";
import { ActionRequestPage, ActionRunPage } from "./pages/action-pages";
import { TrafficPage } from "./pages/traffic-page";

test("the traffic page shows americas moving to eu-west-1 live during api-down, and back after api-up", async ({
  page,
}) => {
  // The users' 10 s window and the balancer's checks, twice over: more than the default minute.
  test.setTimeout(120_000);
  await signInAs(page, "viewer");
  // The overview's panel says who serves each geography and leads to the page.
  const panel = page.getByTestId("traffic-panel");
  await expect(panel.getByTestId("traffic-panel-americas")).toHaveAttribute("data-served-by", "us-east-1", {
    timeout: 30_000,
  });
  await panel.getByRole("link", { name: "Traffic details" }).click();
  await expect(page).toHaveURL(/\/traffic$/);
  const traffic = new TrafficPage(page);
  await traffic.expectLoaded();
  await traffic.expectServedBy("americas", "us-east-1");
  await traffic.expectRegionState("us-east-1", "up");
  await expect(traffic.globalHealth()).toHaveAttribute("data-ok", "true");
  await expect(page.getByTestId("traffic")).toHaveAttribute("data-stale", "false");

  const mark = await markAgainstReload(page);
  try {
    await injectFault("us-east-1", "api-down", { labDir: labDir() });
    await traffic.expectServedBy("americas", "eu-west-1");
    await expect(traffic.geography("americas").getByTestId("failed-over")).toHaveText("Failed over from us-east-1");
    await traffic.expectRegionState("us-east-1", "down");
    // Europe's users stay at home, and the global check still answers (through another region).
    await expect(traffic.geography("europe")).toHaveAttribute("data-served-by", "eu-west-1");
    await expect(traffic.globalHealth()).toHaveAttribute("data-ok", "true", { timeout: 30_000 });
    expect(await mark.reloaded()).toBe(false);
  } finally {
    await injectFault("us-east-1", "api-up", { labDir: labDir() });
  }
  await traffic.expectServedBy("americas", "us-east-1");
  await traffic.expectRegionState("us-east-1", "up");
  await expect(traffic.geography("americas").getByTestId("failed-over")).toHaveCount(0);
  expect(await mark.reloaded()).toBe(false);
});

test("an engineer drains us-east-1 and restores it in steps from the request form, a lead approves each, and the traffic page follows", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const engineerContext = await browser.newContext({ baseURL });
  try {
    await signInAs(page, "lead");
    const engineerPage = await engineerContext.newPage();
    await signInAs(engineerPage, "engineer");
    const request = new ActionRequestPage(engineerPage);
    const run = new ActionRunPage(page);

    // Drain: the engineer picks the region; the pre-flight passes (eu-west-1 and ap-southeast-1 can take the users).
    await request.goto({ action: "traffic.drain-region" });
    await engineerPage.getByLabel("Region to drain").selectOption("us-east-1");
    await request.expectPreflightPasses();
    const drainId = await request.submit();
    await run.goto(drainId);
    await expect(page.getByTestId("run-params")).toContainText("us-east-1");
    await run.approve();
    await run.expectSucceeded();

    const traffic = new TrafficPage(page);
    await traffic.goto();
    await traffic.expectRegionState("us-east-1", "draining");
    await traffic.expectServedBy("americas", "eu-west-1");

    // Restore in steps of the home weight, with a short hold at each, chosen with the keyboard-friendly inputs.
    await request.goto({ action: "traffic.restore-region", region: "us-east-1" });
    await engineerPage.getByLabel("How").selectOption({ label: "In steps: 25 % → 50 % → 100 %" });
    await engineerPage.getByLabel("Hold at each step (seconds)").fill("3");
    await request.expectPreflightPasses();
    const restoreId = await request.submit();
    await run.goto(restoreId);
    await expect(page.getByTestId("run-params")).toContainText("25");
    await run.approve();
    await run.expectSucceeded(120_000);

    await traffic.goto();
    await traffic.expectRegionState("us-east-1", "up");
    await traffic.expectServedBy("americas", "us-east-1");
  } finally {
    await engineerContext.close();
    // whatever happened above, the next spec finds the balancer as its layout has it
    await resetBalancer({ labDir: labDir() });
  }
});
