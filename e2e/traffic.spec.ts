import { injectFault } from "../lab/index";
import { expect, labDir, markAgainstReload, signInAs, test } from "./fixtures";
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
