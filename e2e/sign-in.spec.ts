import { roles } from "../lib/roles";
import { account, expect, signInThroughForm, test } from "./fixtures";
import { SignInPage } from "./pages/sign-in-page";

test("a wrong password is refused and the user stays signed out", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(account("lead").email, "not-the-password");
  await signIn.expectError(/Wrong email or password/);
  await expect(page).toHaveURL(/\/signin$/);
  // Still signed out: the console sends the visitor back to sign in.
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
  const api = await page.request.get("/api/v1/health/regions");
  expect(api.status()).toBe(401);
});

for (const role of roles) {
  test(`the ${role} account signs in and sees the three regions live`, async ({ page }) => {
    const overview = await signInThroughForm(page, role);
    await expect(page.getByTestId("current-role")).toContainText(
      role === "viewer" ? "Viewer" : role === "lead" ? "Incident lead" : role === "admin" ? "Admin" : "Engineer",
    );
    for (const id of ["us-east-1", "eu-west-1", "ap-southeast-1"]) {
      await expect(overview.status(id)).toHaveAttribute("data-status", /healthy|degraded|unhealthy/);
      await expect(overview.region(id).getByText("Last seen")).toBeVisible();
    }
    await expect(overview.region("us-east-1")).toContainText("primary");
    await expect(overview.region("eu-west-1")).toContainText("replica");
  });
}

test("signing out ends the session", async ({ page }) => {
  await signInThroughForm(page, "engineer");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect((await page.request.get("/api/v1/health/regions")).status()).toBe(401);
});

test("signing out everywhere ends the account's sessions in every browser, not only this one", async ({
  page,
  browser,
}, testInfo) => {
  await signInThroughForm(page, "viewer");
  const elsewhere = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  try {
    const other = await elsewhere.newPage();
    await signInThroughForm(other, "viewer");
    expect((await other.request.get("/api/v1/health/regions")).status()).toBe(200);
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(/\/signin$/);
    // The other browser's session is refused on its next request.
    await expect
      .poll(async () => (await other.request.get("/api/v1/health/regions")).status(), { timeout: 10_000 })
      .toBe(401);
  } finally {
    await elsewhere.close();
  }
});
