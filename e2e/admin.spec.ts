import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { serverActionId } from "../tests/support/server-action-client";
import { expect, signInAs, test } from "./fixtures";
import { operatorCommand } from "./support/operator-command";

test("an admin lists users and changes a role", async ({ page }) => {
  await signInAs(page, "admin");
  await page.getByRole("link", { name: "Users" }).click();
  const row = page.getByTestId("user-engineer@switchyard.local");
  await row.getByLabel("Role for engineer@switchyard.local").selectOption("lead");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByRole("status")).toHaveText("Saved");
  await page.reload();
  await expect(
    page.getByTestId("user-engineer@switchyard.local").getByLabel("Role for engineer@switchyard.local"),
  ).toHaveValue("lead");
  // Put it back for the other specs.
  await page
    .getByTestId("user-engineer@switchyard.local")
    .getByLabel("Role for engineer@switchyard.local")
    .selectOption("engineer");
  await page.getByTestId("user-engineer@switchyard.local").getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("user-engineer@switchyard.local").getByRole("status")).toHaveText("Saved");
});

test("the last admin cannot be demoted", async ({ page }) => {
  await signInAs(page, "admin");
  await page.goto("/admin/users");
  const row = page.getByTestId("user-admin@switchyard.local");
  await row.getByLabel("Role for admin@switchyard.local").selectOption("viewer");
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByRole("status")).toHaveText(/last admin/);
});

test("a viewer can reach neither the admin page nor its action, also not by direct request", async ({ page }) => {
  await signInAs(page, "viewer");
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);

  const res = await page.goto("/admin/users");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();

  // A hand-made POST to the server action, with the viewer's own session, trying to make the viewer an admin.
  const usersHtml = await (await page.request.get("/admin/users")).text();
  expect(usersHtml).not.toContain("lead@switchyard.local");
  const actionId = serverActionId("setUserRole");
  const direct = await page.request.post("/admin/users", {
    headers: { "Next-Action": actionId, Accept: "text/x-component" },
    multipart: { "1_userId": "00000000-0000-4000-8000-000000000000", "1_role": "admin", "0": '["$K1"]' },
  });
  const body = await direct.text();
  expect(body).toContain('"ok":false,"code":"forbidden"');

  // Nothing changed: the viewer is still a viewer.
  await page.goto("/");
  await expect(page.getByTestId("current-role")).toHaveText("Viewer (manager)");
});

test("the Store page shows the last backup, taken by the running console when an operator asks for one", async ({
  page,
}) => {
  await signInAs(page, "admin");
  await page.getByRole("link", { name: "Store" }).click();
  await expect(page.getByRole("heading", { name: "Store", exact: true })).toBeVisible();
  // The shared console's store, in the run directory that global-setup gave it.
  const dataDir = path.resolve(import.meta.dirname, "../.test-run/data");
  const backups = mkdtempSync(path.join(tmpdir(), "switchyard-e2e-backups-"));
  try {
    const { code, out } = await operatorCommand("store-backup", ["--dir", backups], { DATA_DIR: dataDir });
    expect(code, out).toBe(0);
    expect(out).toContain(`taken by the console holding ${path.join(dataDir, "pglite")}`);
    const file = /backup written: (\S+)/.exec(out)![1]!;
    await page.reload();
    const last = page.getByTestId("last-backup");
    await expect(last).toContainText(/\d+ s ago/);
    await expect(last).toContainText(path.basename(file));
    await expect(last).not.toContainText("older than a day");
  } finally {
    rmSync(backups, { recursive: true, force: true });
  }
});

test("only admins see the Store page", async ({ page }) => {
  await signInAs(page, "lead");
  await expect(page.getByRole("link", { name: "Store" })).toHaveCount(0);
  const res = await page.goto("/admin/store");
  expect(res?.status()).toBe(403);
});
