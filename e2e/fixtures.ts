import { test as base, expect, type Cookie, type Page } from "@playwright/test";
import { demoAccounts } from "../lib/demo-accounts";
import type { Role } from "../lib/roles";
import { OverviewPage } from "./pages/overview-page";
import { SignInPage } from "./pages/sign-in-page";

export function account(role: Role) {
  const a = demoAccounts.find((x) => x.role === role);
  if (!a) throw new Error(`no demo account for ${role}`);
  return a;
}

/** Signs in through the form, as a user would, and waits for the overview. */
export async function signInThroughForm(page: Page, role: Role): Promise<OverviewPage> {
  const signIn = new SignInPage(page);
  await signIn.goto();
  const a = account(role);
  await signIn.signIn(a.email, a.password);
  await expect(page).toHaveURL(/\/$/);
  const overview = new OverviewPage(page);
  await overview.expectLoaded();
  return overview;
}

/** The cookies of each role's session in this worker, from its first sign-in through the form. */
const sessions = new Map<Role, Cookie[]>();

/**
 * Signs in as the role's demo account and waits for the overview. The worker's first sign-in of a role goes
 * through the form (sign-in.spec.ts tests the form itself); later ones carry on that session, as a user coming
 * back to the console does, unless it ended (signed out, signed out everywhere, another console's), in which case
 * the form again. It saves each spec the sign-in page and the password hash, which the console makes costly.
 */
export async function signInAs(page: Page, role: Role): Promise<OverviewPage> {
  const saved = sessions.get(role);
  if (saved) {
    await page.context().addCookies(saved);
    // The API refuses an ended session at once (401), as every page does.
    if ((await page.request.get("/api/v1/health/regions")).ok()) {
      await page.goto("/");
      const overview = new OverviewPage(page);
      await overview.expectLoaded();
      return overview;
    }
    await page.context().clearCookies();
  }
  const overview = await signInThroughForm(page, role);
  sessions.set(role, await page.context().cookies());
  return overview;
}

export const labDir = () => {
  const dir = process.env.E2E_LAB_DIR;
  if (!dir) throw new Error("E2E_LAB_DIR is not set: run the specs through playwright.config.ts");
  return dir;
};

/**
 * Marks the page's window so that a reload or any full navigation shows: the mark does not survive one,
 * while the router's same-document history updates leave it alone. Live pages must never need a reload.
 */
export async function markAgainstReload(page: Page): Promise<{ reloaded(): Promise<boolean> }> {
  await page.evaluate(() => Object.assign(window, { __noReloadMark: true }));
  return {
    reloaded: async () =>
      !(await page.evaluate(() => (window as unknown as { __noReloadMark?: boolean }).__noReloadMark === true)),
  };
}

export const test = base;
export { expect };
