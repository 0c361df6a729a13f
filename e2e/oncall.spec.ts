import { postServerAction } from "../tests/support/server-action-client";
import { expect, signInAs, test } from "./fixtures";

/** On-call schedules: an admin edits a level's rotation and adds an override; everyone sees who is on call. */

test("an admin sets the CTO level's rotation and an override; a viewer sees who is on call now", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signInAs(page, "admin");
  await page.goto("/admin/on-call");
  await expect(page.getByRole("heading", { name: "On-call schedules" })).toBeVisible();
  const cto = page.getByRole("form", { name: "Rotation of CTO" });
  // Members: Lee Lead then Ada Admin, daily at 09:00 in Europe/Berlin from 2026-01-01.
  while ((await cto.getByRole("button", { name: /from the rotation$/ }).count()) > 0)
    await cto
      .getByRole("button", { name: /from the rotation$/ })
      .first()
      .click();
  await cto.getByLabel("Add a member").selectOption({ label: "Lee Lead (lead@switchyard.local)" });
  await cto.getByRole("button", { name: "Add", exact: true }).click();
  await cto.getByLabel("Add a member").selectOption({ label: "Ada Admin (admin@switchyard.local)" });
  await cto.getByRole("button", { name: "Add", exact: true }).click();
  await cto.getByLabel("Rotates").selectOption("daily");
  await cto.getByLabel("Hand-off time").fill("09:00");
  await cto.getByLabel("Time zone").fill("Europe/Berlin");
  await cto.getByLabel("Starts on").fill("2026-01-01");
  await cto.getByRole("button", { name: "Save rotation" }).click();
  await expect(cto.getByTestId("rotation-result")).toHaveText("Saved.");

  // A bad zone is refused with words that name the field.
  await cto.getByLabel("Time zone").fill("Mars/Olympus_Mons");
  await cto.getByRole("button", { name: "Save rotation" }).click();
  await expect(cto.getByTestId("rotation-result")).toContainText("Time zone: must be an IANA time zone");
  await cto.getByLabel("Time zone").fill("Europe/Berlin");

  // An override through the keyboard-friendly form: the end before the start is refused, then a good one is added.
  const add = page.getByRole("form", { name: "Add an override for CTO" });
  await add.getByLabel("Who").selectOption({ label: "Eli Engineer (engineer@switchyard.local)" });
  await add.getByLabel(/^From/).fill("2099-01-02T18:00");
  await add.getByLabel(/^Until/).fill("2099-01-01T08:00");
  await add.getByRole("button", { name: "Add override" }).click();
  await expect(add.getByTestId("override-result")).toContainText("must be after the start");
  await add.getByLabel("Who").selectOption({ label: "Eli Engineer (engineer@switchyard.local)" });
  await add.getByLabel(/^From/).fill("2099-01-02T18:00");
  await add.getByLabel(/^Until/).fill("2099-01-03T08:00");
  await add.getByRole("button", { name: "Add override" }).click();
  await expect(add.getByTestId("override-result")).toHaveText("Override added.");
  const level = page.getByTestId("oncall-admin-level").filter({ has: page.getByRole("heading", { name: "CTO" }) });
  await expect(level.getByTestId("override-list")).toContainText("Eli Engineer");

  // A viewer, in a browser of their own, reads who is on call now.
  const viewerContext = await browser.newContext({ baseURL });
  try {
    const viewer = await viewerContext.newPage();
    await signInAs(viewer, "viewer");
    await viewer.goto("/on-call");
    const ctoNow = viewer.getByTestId("oncall-level").filter({ has: viewer.getByRole("heading", { name: "CTO" }) });
    await expect(ctoNow.getByTestId("oncall-now")).toContainText(/Lee Lead|Ada Admin/);
    await expect(ctoNow.getByTestId("oncall-now")).toContainText(/CES?T/);
  } finally {
    await viewerContext.close();
  }

  // Clean up the override for the other specs.
  await level.getByRole("button", { name: /^Remove the override of Eli Engineer/ }).click();
  await expect(level.getByText("No overrides ahead.")).toBeVisible();
});

test("a viewer gets 403 on /admin/on-call and cannot change a rotation by direct request", async ({ page }) => {
  await signInAs(page, "viewer");
  const res = await page.goto("/admin/on-call");
  expect(res?.status()).toBe(403);
  const body = await postServerAction(page.request, "/admin/on-call", "saveOnCallRotation", {
    level: 0,
    kind: "daily",
    handoffTime: "09:00",
    handoffDay: 1,
    timeZone: "UTC",
    startDate: "2026-01-01",
    members: ["00000000-0000-4000-8000-000000000000"],
  });
  expect(body).toContain('"ok":false,"code":"forbidden"');
});
