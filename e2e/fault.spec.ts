import { injectFault } from "../lab/index";
import { expect, labDir, signInAs, test } from "./fixtures";

test("stopping the lab primary turns us-east-1 unhealthy on the open overview, without a reload", async ({ page }) => {
  const overview = await signInAs(page, "viewer");
  await overview.expectStatus("us-east-1", "healthy", 30_000);
  let reloaded = false;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) reloaded = true;
  });
  try {
    await injectFault("us-east-1", "db-down", { labDir: labDir() });
    await overview.expectStatus("us-east-1", "unhealthy");
    await expect(overview.region("us-east-1").getByTestId("region-reasons")).toContainText("Primary database unreachable");
    expect(reloaded).toBe(false);
  } finally {
    await injectFault("us-east-1", "recover", { labDir: labDir() });
  }
  await overview.expectStatus("us-east-1", "healthy", 30_000);
  expect(reloaded).toBe(false);
});
