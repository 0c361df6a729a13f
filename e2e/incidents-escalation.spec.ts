import { postServerAction } from "../tests/support/server-action-client";
import { expect, signInAs, test } from "./fixtures";

test("an admin changes the tech lead's delay and sees it saved", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/admin/escalation");
  await expect(page.getByRole("heading", { name: "Escalation chain" })).toBeVisible();
  const minutes = () => page.getByLabel("Minutes before paging Tech lead");
  const save = async () => {
    await page.getByRole("button", { name: "Save chain" }).click();
    await expect(page.getByTestId("escalation-result")).toHaveText(/^Saved\./);
  };
  await expect(minutes()).toHaveValue("15");
  try {
    await minutes().fill("20");
    await save();
    await page.reload();
    await expect(minutes()).toHaveValue("20");
  } finally {
    // Put it back for the other specs.
    await page.goto("/admin/escalation");
    await minutes().fill("15");
    await save();
  }
  await page.reload();
  await expect(minutes()).toHaveValue("15");
});

test("a viewer gets 403 on /admin/escalation and cannot change the chain by direct request", async ({ page }) => {
  await signInAs(page, "viewer");
  const res = await page.goto("/admin/escalation");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  const body = await postServerAction(page.request, "/admin/escalation", "updateEscalationPolicy", {
    levels: [
      { level: 0, afterSeconds: 0, target: "Nobody", contact: "", severities: null, onlyIfUnacknowledged: false },
    ],
  });
  expect(body).toContain('"ok":false,"code":"forbidden"');
});
