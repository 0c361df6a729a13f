import { test as base, expect, type Page } from "@playwright/test";
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
export async function signInAs(page: Page, role: Role): Promise<OverviewPage> {
  const signIn = new SignInPage(page);
  await signIn.goto();
  const a = account(role);
  await signIn.signIn(a.email, a.password);
  await expect(page).toHaveURL(/\/$/);
  const overview = new OverviewPage(page);
  await overview.expectLoaded();
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
