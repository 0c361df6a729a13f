import { postFormAction, postServerAction } from "../tests/support/server-action-client";
import { expect, signInAs, test } from "./fixtures";
import { IncidentNewPage } from "./pages/incident-new-page";
import { IncidentPage } from "./pages/incident-page";

/** Contacts: an admin edits an external contact; everyone sees the directory; an incident shows what its scenario needs. */

test("an admin edits Bunny's phone, a viewer sees it on /contacts, and a CDN outage shows the CDN providers' lines", async ({
  page,
  browser,
  baseURL,
}) => {
  // A number of this run's own, so that saving always changes something.
  const phone = `+44 20 7946 ${String(Date.now() % 10_000).padStart(4, "0")}`;

  await signInAs(page, "admin");
  await page.goto("/admin/contacts");
  await expect(page.getByRole("heading", { name: "Edit contacts" })).toBeVisible();
  const bunny = page.getByRole("form", { name: "Contact Bunny support" });
  await expect(bunny.getByLabel("Status page")).toHaveValue("https://status.bunny.net");

  // An address without its scheme is refused, in words beside the field; what was typed stays in the form.
  await bunny.getByLabel("Phone").fill(phone);
  await bunny.getByLabel("Status page").fill("status.bunny.net");
  await bunny.getByRole("button", { name: "Save contact" }).click();
  await expect(bunny.getByTestId("contact-result")).toContainText(
    "Status page: must be an http:// or https:// address",
  );
  await expect(bunny.getByLabel("Status page")).toHaveAttribute("aria-invalid", "true");
  await expect(bunny.getByLabel("Phone")).toHaveValue(phone);

  // Fixed, it saves.
  await bunny.getByLabel("Status page").fill("https://status.bunny.net");
  await bunny.getByRole("button", { name: "Save contact" }).click();
  await expect(bunny.getByTestId("contact-result")).toHaveText("Saved.");
  await expect(bunny.getByLabel("Status page")).toHaveAttribute("aria-invalid", "false");
  await expect(
    page.getByTestId("contact-admin").filter({ has: page.getByRole("heading", { name: "Bunny support" }) }),
  ).toContainText("by Ada Admin");

  // A viewer, in a browser of their own, reads the directory.
  const viewerContext = await browser.newContext({ baseURL });
  try {
    const viewer = await viewerContext.newPage();
    await signInAs(viewer, "viewer");
    await viewer.getByRole("link", { name: "Contacts", exact: true }).click();
    await expect(viewer).toHaveURL(/\/contacts$/);
    await expect(viewer.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
    const card = (name: string) =>
      viewer.getByTestId("contact").filter({ has: viewer.getByRole("heading", { name, exact: true }) });
    const bunnyPhone = card("Bunny support").getByTestId("contact-phone");
    await expect(bunnyPhone).toContainText(phone);
    await expect(bunnyPhone.getByRole("link")).toHaveAttribute("href", `tel:${phone.replace(/ /g, "")}`);
    await expect(card("Cloudflare support").getByRole("link", { name: "www.cloudflarestatus.com" })).toHaveAttribute(
      "href",
      "https://www.cloudflarestatus.com",
    );
    // The runbook's placeholders are "not set" until an admin fills them.
    await expect(card("Database support").getByTestId("contact-phone")).toContainText("not set");
    // Who is on call at every level, and the people with their roles.
    await expect(viewer.getByTestId("oncall-panel")).toContainText("On-call engineer");
    await expect(viewer.getByTestId("person").filter({ hasText: "Morgan Manager" })).toContainText("Viewer");
    // Editing is for admins: no link to it.
    await expect(viewer.getByRole("link", { name: "Edit contacts" })).toHaveCount(0);
  } finally {
    await viewerContext.close();
  }

  // A CDN outage: the incident shows the CDN providers' lines (Bunny's new phone among them), not the database's.
  const form = new IncidentNewPage(page);
  await form.goto();
  await form.title.fill(`Contacts e2e: CDN provider down ${Date.now()}`);
  await form.severity("P3").check();
  await form.scenario.selectOption("cdn-provider-outage");
  const id = await form.declare();
  try {
    const incident = new IncidentPage(page);
    await incident.expectLoaded(id);
    const panel = page.getByTestId("incident-contacts");
    await expect(panel.getByTestId("contact-group")).toHaveCount(1);
    await expect(panel.getByTestId("contact-group")).toHaveAttribute("data-category", "cdn");
    await expect(panel.getByTestId("contact")).toHaveCount(3);
    await expect(panel).toContainText("Cloudflare support");
    await expect(panel).toContainText("AWS CloudFront support");
    await expect(panel.getByTestId("contact").filter({ hasText: "Bunny support" })).toContainText(phone);
    await expect(panel.getByRole("link", { name: "health.aws.amazon.com/health/status" })).toBeVisible();
    await expect(panel).not.toContainText("Database support");
    // Beside it, who is on call at every level.
    await expect(page.getByTestId("oncall-panel")).toContainText("On-call engineer");
  } finally {
    // Resolved, so the incident is not in flight for the specs after this one.
    await postServerAction(page.request, `/incidents/${id}`, "changeIncidentStatus", {
      id,
      status: "resolved",
      expectedStatus: "investigating",
    });
  }
});

test("a viewer gets 403 on /admin/contacts and cannot change a contact by direct request", async ({ page }) => {
  await signInAs(page, "viewer");
  const res = await page.goto("/admin/contacts");
  expect(res?.status()).toBe(403);
  const update = await postFormAction(page.request, "/admin/contacts", "updateContact", {
    id: "1",
    name: "Hijacked",
    category: "cdn",
    phone: "+1 555 0100",
  });
  expect(update).toContain('"ok":false,"code":"forbidden"');
  const move = await postServerAction(page.request, "/admin/contacts", "moveContact", { id: 1, direction: "down" });
  expect(move).toContain('"ok":false,"code":"forbidden"');
  await page.goto("/contacts");
  await expect(page.getByRole("heading", { name: "Hijacked" })).toHaveCount(0);
});
