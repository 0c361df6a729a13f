import type { BrowserContext } from "@playwright/test";
import { freshDatabase } from "../tests/support/fresh-database";
import { startTestPostgres } from "../tests/support/postgres-server";
import { callServerAction } from "../tests/support/server-action-client";
import { IncidentNewPage } from "./pages/incident-new-page";
import { OverviewPage } from "./pages/overview-page";
import { SignInPage } from "./pages/sign-in-page";
import { startConsole, waitUntilServing, type ConsoleProcess } from "./support/console-process";
import { createAdmin } from "./support/operator-command";
import { expect, labDir, test } from "./fixtures";

/**
 * The console's own PostgreSQL store restarting under it, as a person sees it: while the store is down, pages say
 * "Store unreachable" (with the fleet as the console last knew it, turning stale), never a generic error page or
 * the store's raw error; a server action is refused with the same plain words; the sign-in page says why it cannot
 * sign anyone in; and once the store is back the open page comes back by itself.
 */

const METRICS_TOKEN = "m3tr1cs-t0ken-f0r-the-e2e-run";
const AUDIT_KEY = "a-shared-audit-key-for-the-e2e-run-0123456789";
const ACCOUNT = { email: "first-admin@switchyard.test", password: "correct horse battery staple" };

test("while the store restarts, pages say 'Store unreachable' instead of failing, and come back by themselves", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const server = await startTestPostgres();
  const contexts: BrowserContext[] = [];
  let c: ConsoleProcess | undefined;
  try {
    const env = {
      DATABASE_URL: await freshDatabase(server.url),
      NEXTAUTH_SECRET: "q8Vt2xLw9Rk4Zp7Bn3Hs6Df1Gj5Mc0Ya",
      METRICS_TOKEN,
      AUDIT_KEY,
      LAB_DIR: labDir(),
      POLL_INTERVAL: "500",
    };
    c = await startConsole(env);
    await waitUntilServing(c);
    expect(await createAdmin(ACCOUNT, { DATABASE_URL: env.DATABASE_URL, AUDIT_KEY })).toContain(
      `created ${ACCOUNT.email} (admin)`,
    );
    const context = await browser.newContext({ baseURL: c.baseURL });
    contexts.push(context);
    const page = await context.newPage();
    await new SignInPage(page).goto();
    await new SignInPage(page).signIn(ACCOUNT.email, ACCOUNT.password);
    const overview = new OverviewPage(page);
    await overview.expectLoaded();
    await overview.expectStatus("us-east-1", "healthy", 30_000);
    const incident = await new IncidentNewPage(page).declareSimple("The store restarts under the console");
    const cookie = (await context.cookies()).map((k) => `${k.name}=${k.value}`).join("; ");
    const addNote = (text: string): Promise<{ ok: boolean; code?: string; message?: string } | null> =>
      callServerAction({
        baseURL: c!.baseURL,
        cookie,
        action: "addNote",
        input: { id: incident, text },
        page: `/incidents/${incident}`,
      });
    expect(await addNote("before the restart")).toMatchObject({ ok: true });
    await page.goto("/");
    await overview.expectLoaded();

    await server.halt("fast");
    // The store's raw error names its port; the console's own address is on every page, so that is not looked for.
    const raw = new RegExp(`ECONNREFUSED|:${server.port}\\b|postgres://`);

    // A page reached by the app's own navigation while the store is down: the notice, not "Something went wrong".
    await page.getByRole("link", { name: "Incidents", exact: true }).click();
    const notice = page.getByTestId("store-unreachable");
    await expect(notice).toBeVisible();
    await expect(notice.getByRole("heading", { name: "Store unreachable" })).toBeVisible();
    await expect(page.getByText("Something went wrong")).toHaveCount(0);

    // A page loaded while it is down: the notice above the fleet as this console last knew it, which turns stale.
    await page.goto("/");
    await expect(notice).toContainText("Switchyard keeps retrying; live fleet data below may be stale.");
    await expect(overview.status("us-east-1")).toHaveAttribute("data-status", "stale", { timeout: 10_000 });
    expect(await page.content()).not.toMatch(raw);

    // A server action meanwhile: refused in plain words, nothing written.
    const refused = await addNote("while the store is down");
    expect(refused).toMatchObject({ ok: false, code: "unavailable" });
    expect(refused!.message).toMatch(/store cannot be reached \(connection refused\)\. Switchyard keeps retrying/);
    expect(refused!.message).not.toMatch(raw);

    // Signing in needs the store, and the sign-in page says so.
    const visitor = await browser.newContext({ baseURL: c.baseURL });
    contexts.push(visitor);
    const signInPage = await visitor.newPage();
    await signInPage.goto("/signin");
    await expect(signInPage.getByTestId("store-unreachable")).toContainText("Signing in needs the console's store");
    expect(await signInPage.content()).not.toMatch(raw);

    // The store is back: the open page comes back by itself, the sign-in page offers its form again, writes work.
    await server.resume();
    const back = Date.now();
    await expect(notice).toHaveCount(0, { timeout: 20_000 });
    await overview.expectStatus("us-east-1", "healthy", 20_000);
    const pageBackMs = Date.now() - back;
    await expect(signInPage.getByLabel("Email")).toBeVisible({ timeout: 20_000 });
    expect(await addNote("after the restart")).toMatchObject({ ok: true });
    await page.goto(`/incidents/${incident}`);
    await expect(page.getByText("after the restart")).toBeVisible();
    await expect(page.getByText("before the restart")).toBeVisible();

    // The raw error went to the log; the console never stopped.
    expect(c.output()).toMatch(/\[store\] .*ECONNREFUSED|terminating connection due to administrator command/);
    expect((await fetch(`${c.baseURL}/api/health`)).ok).toBe(true);
    test.info().annotations.push({ type: "open page back after the store restarted", description: `${pageBackMs} ms` });
    console.log(`[store-restart] the open overview was back ${pageBackMs} ms after the store was`);
  } finally {
    await Promise.all(contexts.map((x) => x.close()));
    c?.stop();
    if (c) await c.exited;
    await server.stop();
  }
});
