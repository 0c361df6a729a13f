import { injectFault } from "../lab/index";
import { expect, labDir, markAgainstReload, signInAs, test } from "./fixtures";

test("stopping the lab primary turns us-east-1 unhealthy on the open overview, without a reload", async ({ page }) => {
  const overview = await signInAs(page, "viewer");
  await overview.expectStatus("us-east-1", "healthy", 30_000);
  const mark = await markAgainstReload(page);
  try {
    await injectFault("us-east-1", "db-down", { labDir: labDir() });
    await overview.expectStatus("us-east-1", "unhealthy");
    await expect(overview.region("us-east-1").getByTestId("region-reasons")).toContainText(
      "Primary database unreachable",
    );
    expect(await mark.reloaded()).toBe(false);
  } finally {
    await injectFault("us-east-1", "recover", { labDir: labDir() });
  }
  await overview.expectStatus("us-east-1", "healthy", 30_000);
  expect(await mark.reloaded()).toBe(false);
});
