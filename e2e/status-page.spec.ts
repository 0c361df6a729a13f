import type { Page } from "@playwright/test";
import { injectFault, labStatus } from "../lab/index";
import { demoAccounts } from "../lib/demo-accounts";
import { postServerAction } from "../tests/support/server-action-client";
import { expect, labDir, signInAs, test } from "./fixtures";
import { IncidentNewPage } from "./pages/incident-new-page";
import { IncidentPage } from "./pages/incident-page";

/**
 * Issue 12 part 4: the public status page, without sign-in. It follows the fleet (us-east-1's API during db-down
 * and after db-up), carries the updates a lead posts from an incident's Communication panel, and shows nothing
 * internal: no port of the lab, no WAL position, no email address, no person's name.
 */

test.describe.configure({ mode: "serial" });

/** Every port the lab listens on: PostgreSQL, the region APIs, sshd, the balancer. */
async function labPorts(): Promise<string[]> {
  const ports = new Set<string>();
  const walk = (v: unknown, key = "") => {
    if (typeof v === "number" && /port/i.test(key)) ports.add(String(v));
    else if (typeof v === "string" && /^https?:\/\//.test(v)) {
      const p = new URL(v).port;
      if (p) ports.add(p);
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(await labStatus({ labDir: labDir() }));
  return [...ports];
}

/** The page's HTML without the build's asset paths and the scripts' nonces (random characters that may look like anything). */
const htmlOf = async (page: Page) =>
  (await page.content()).replace(/\/_next\/static\/[^"'\s)]+/g, "").replace(/nonce="[^"]*"/g, "");

async function expectNothingInternal(html: string, extra: { lsns?: string[] } = {}) {
  for (const port of await labPorts()) expect(html, `the lab's port ${port}`).not.toMatch(new RegExp(`\\b${port}\\b`));
  expect(html, "a WAL position").not.toMatch(/\b[0-9A-F]{1,8}\/[0-9A-F]{6,8}\b/);
  for (const lsn of extra.lsns ?? []) expect(html, `the LSN ${lsn}`).not.toContain(lsn);
  expect(html, "an email address").not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]{2,}/i);
  for (const a of demoAccounts) expect(html, `${a.role}'s name`).not.toContain(a.name);
}

/** Opens /status afresh and returns one component's state. */
async function componentState(page: Page, id: string): Promise<string | null> {
  const res = await page.goto("/status");
  expect(res?.status()).toBe(200);
  return page.locator(`[data-testid="status-component"][data-component="${id}"]`).getAttribute("data-state");
}

test("without sign-in, /status shows us-east-1's API down during db-down and operational after db-up", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const res = await page.goto("/status");
  expect(res?.status()).toBe(200);
  await expect(page).toHaveURL(/\/status$/);
  expect(res?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(res?.headers()["x-content-type-options"]).toBe("nosniff");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("main")).toBeVisible();
  await expect(page.getByTestId("status-as-of")).toContainText(/as of \d\d:\d\d UTC, \d+ (s|min) ago/);
  await expect(page.locator('[data-testid="status-component"]')).toHaveCount(7);

  await expect
    .poll(() => componentState(page, "api-us-east-1"), { timeout: 60_000, intervals: [1000] })
    .toBe("operational");
  try {
    await injectFault("us-east-1", "db-down", { labDir: labDir() });
    await expect
      .poll(() => componentState(page, "api-us-east-1"), { timeout: 60_000, intervals: [1000] })
      .toMatch(/^(degraded_performance|partial_outage|major_outage)$/);
    const row = page.locator('[data-testid="status-component"][data-component="api-us-east-1"]');
    await expect(row).toContainText(/Degraded performance|Partial outage|Major outage/);
    await expect(page.getByTestId("status-summary")).not.toHaveText("All systems operational");
    // In the middle of the outage, when the console's own pages are full of errors and addresses.
    await expectNothingInternal(await htmlOf(page));
    await injectFault("us-east-1", "db-up", { labDir: labDir() });
    await expect
      .poll(() => componentState(page, "api-us-east-1"), { timeout: 90_000, intervals: [1000] })
      .toBe("operational");
  } finally {
    await injectFault("us-east-1", "recover", { labDir: labDir() });
  }
});

test("a lead posts an update from the incident's Communication panel, and /status carries it to anyone", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36);
  const publicTitle = `Slow uploads ${stamp}`;
  const publicBody = `We are investigating slow uploads for some users. Ref ${stamp}.`;
  await signInAs(page, "lead");
  const id = await new IncidentNewPage(page).declareSimple(`Status page e2e ${stamp}`, "P3");
  const anonymous = await browser.newContext({ baseURL });
  try {
    const incident = new IncidentPage(page);
    await incident.expectLoaded(id);
    const post = page.getByTestId("status-page-post");
    await expect(post.getByLabel("Public title")).toHaveValue(`Status page e2e ${stamp}`);
    await expect(post.getByLabel("Public update")).toHaveValue(/We are investigating/);

    // Internals are refused, in words, and nothing is posted.
    await post.getByLabel("Public title").fill(publicTitle);
    await post.getByLabel("Public update").fill("Ask lead@switchyard.local about it.");
    await post.getByRole("button", { name: "Post to status page" }).click();
    await expect(post.getByTestId("status-post-result")).toContainText("must not contain an email address");

    // Edited, then posted with one click.
    await post.getByLabel("Public update").fill(publicBody);
    await post.getByRole("button", { name: "Post to status page" }).click();
    await expect(post.getByTestId("status-post-result")).toContainText("Posted to the status page");
    await expect(incident.events("comm").filter({ hasText: "Posted to the status page" })).toHaveCount(1);
    await expect(incident.step("incident-response/update-status-page")).toHaveAttribute("data-checked", "true");

    // Anyone, without signing in, reads it with the time and the incident's public title and status.
    const visitor = await anonymous.newPage();
    const res = await visitor.goto("/status");
    expect(res?.status()).toBe(200);
    const article = visitor.locator(`article#inc-${id}`);
    await expect(article.getByRole("heading", { name: publicTitle })).toBeVisible();
    await expect(article).toContainText("Investigating");
    await expect(article.getByTestId("status-update")).toHaveCount(1);
    await expect(article.getByTestId("status-update")).toContainText(publicBody);
    await expect(article.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
    await expect(article.locator("time")).toContainText("UTC");
    const html = await htmlOf(visitor);
    expect(html).not.toContain("Ask lead@");
    expect(html).not.toContain(`Status page e2e ${stamp}`); // the internal title stays inside
    const replication = (await (await page.request.get("/api/v1/replication")).json()) as {
      primary: { currentLsn: string | null } | null;
      replicas: { replayLsn: string | null; receiveLsn: string | null }[];
    };
    const lsns = [
      replication.primary?.currentLsn,
      ...replication.replicas.flatMap((r) => [r.replayLsn, r.receiveLsn]),
    ].filter((x): x is string => !!x);
    await expectNothingInternal(html, { lsns });

    // The feed and the summary carry it too, without sign-in.
    const atom = await anonymous.request.get("/status/feed.atom");
    expect(atom.status()).toBe(200);
    expect(atom.headers()["content-type"]).toContain("application/atom+xml");
    expect(await atom.text()).toContain(`${publicTitle} — Investigating`);
    const summary = await anonymous.request.get("/status/summary.json");
    expect(summary.status()).toBe(200);
    const json = (await summary.json()) as { incidents: { id: string; name: string; status: string }[] };
    expect(json.incidents).toContainEqual(
      expect.objectContaining({ id: `inc-${id}`, name: publicTitle, status: "investigating" }),
    );
    await expectNothingInternal(JSON.stringify(json), { lsns });
  } finally {
    // Resolved, so the incident raises no component for the specs after this one.
    await postServerAction(page.request, `/incidents/${id}`, "changeIncidentStatus", {
      id,
      status: "resolved",
      expectedStatus: "investigating",
    });
    await anonymous.close();
  }
});
