import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { startOidcProvider, type OidcTestProvider } from "../tests/support/oidc-provider";
import { startConsole, waitUntilServing, type ConsoleProcess } from "./support/console-process";

/**
 * Sign-in through a real OpenID Connect provider (oidc-provider) started by the test, against a production console
 * with its own embedded store: an account is bound to issuer + subject, a first link needs a verified email, a
 * second subject claiming a linked email is refused, and a sign-in never changes an existing account's role.
 */
test.describe.configure({ mode: "serial" });

const root = path.resolve(import.meta.dirname, "..");
const idp = "Test Identity";
let provider: OidcTestProvider;
let console_: ConsoleProcess;
let dataDir: string;

test.beforeAll(async () => {
  provider = await startOidcProvider([
    { sub: "ada-1", email: "Ada@example.test", email_verified: true, name: "Ada" },
    { sub: "ada-2", email: "ada@example.test", email_verified: true, name: "Not Ada" },
    { sub: "eve-1", email: "eve@example.test", email_verified: false },
    { sub: "mallory-1", email: "lead@example.test", email_verified: false },
    { sub: "lead-1", email: "lead@example.test", email_verified: true, name: "Lead via SSO" },
  ]);
  dataDir = mkdtempSync(path.join(tmpdir(), "switchyard-oidc-"));
  // An account that exists before any OIDC sign-in: a lead with a password, created as an operator would.
  const { DATABASE_URL: _ignored, ...shell } = process.env;
  execFileSync(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "scripts/user-create.ts",
      "--email",
      "lead@example.test",
      "--role",
      "lead",
      "--name",
      "Lena Lead",
    ],
    {
      cwd: root,
      env: { ...shell, DATA_DIR: dataDir },
      input: "a-long-lead-password\n",
    },
  );
  console_ = await startConsole({
    LAB_DIR: process.env.E2E_LAB_DIR ?? path.join(root, ".test-run", "lab"),
    DATA_DIR: dataDir,
    DEMO_USERS: "false",
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_NAME: idp,
    OIDC_DEFAULT_ROLE: "engineer",
  });
  provider.allowRedirect(`${console_.baseURL}/api/auth/callback/oidc`);
  await waitUntilServing(console_);
});

test.afterAll(async () => {
  console_?.stop();
  await provider?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh browser (no session at the console or the provider) signs in through the provider as `sub`. */
async function signInThroughProvider(browser: Browser, sub: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: console_.baseURL });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("button", { name: `Continue with ${idp}` }).click();
  // The provider's own development login form (any password), then its consent page.
  await page.locator("input[name=login]").fill(sub);
  await page.locator("input[name=password]").fill("any");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  return page;
}

async function expectSignedInAs(page: Page, role: RegExp) {
  await expect(page).toHaveURL(`${console_.baseURL}/`);
  await expect(page.getByTestId("current-role")).toHaveText(role);
}

/** What the sign-in page says for each refusal (server/auth/oidc-link.ts). */
const said: Record<string, RegExp> = {
  OidcEmailLinked: /already linked to the account with this email/,
  OidcEmailUnverified: /has not verified this email address/,
};

async function expectRefused(page: Page, code: string) {
  await expect(page).toHaveURL(new RegExp(`/signin\\?error=${code}$`));
  // the sign-in form's own alert (Next's route announcer is an alert too)
  await expect(page.locator("#signin-error")).toHaveText(said[code]!);
  expect((await page.request.get("/api/v1/health/regions")).status()).toBe(401);
  await page.context().close();
}

test("a first sign-in with a verified email creates the account with the default role and binds it", async ({
  browser,
}) => {
  const page = await signInThroughProvider(browser, "ada-1");
  await expectSignedInAs(page, /Engineer/);
  await page.context().close();
  // The same subject again is that account.
  await expectSignedInAs(await signInThroughProvider(browser, "ada-1"), /Engineer/);
});

test("a second subject claiming the same (verified) email is refused", async ({ browser }) => {
  await expectRefused(await signInThroughProvider(browser, "ada-2"), "OidcEmailLinked");
});

test("an unverified email is refused, for a new account and for an existing one", async ({ browser }) => {
  await expectRefused(await signInThroughProvider(browser, "eve-1"), "OidcEmailUnverified");
  await expectRefused(await signInThroughProvider(browser, "mallory-1"), "OidcEmailUnverified");
});

test("an existing account is linked by a verified email and keeps its role", async ({ browser }) => {
  await expectSignedInAs(await signInThroughProvider(browser, "lead-1"), /Incident lead/);
});
