import { expect, signInAs, test } from "./fixtures";

/** The router's fetches of a page's server payload (a navigation or a prefetch): `?_rsc=` on the page's path. */
const payloadPath = (url: string) => {
  const u = new URL(url);
  return u.searchParams.has("_rsc") ? u.pathname : null;
};

test("a page view costs its own render: links fetch their page when clicked, not when seen or hovered", async ({
  page,
}) => {
  await signInAs(page, "lead");
  const fetched: string[] = [];
  page.on("request", (r) => {
    const p = payloadPath(r.url());
    if (p) fetched.push(p);
  });
  await page.reload();
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-state", "live");
  const nav = page.getByRole("navigation", { name: "Main" });
  // Hovering is what a prefetching link acts on at once; a lead's pointer crosses the whole header.
  for (const label of ["Incidents", "On call", "Alerts", "Runbooks"])
    await nav.getByRole("link", { name: label, exact: true }).hover();
  await nav.getByRole("link", { name: "Incidents", exact: true }).click();
  await expect(page).toHaveURL(/\/incidents$/);
  await expect(page.getByRole("heading", { level: 1, name: "Incidents", exact: true })).toBeVisible();
  expect(fetched).toEqual(["/incidents"]);
});

test("the main nav marks the section you are in, and the mark shows", async ({ page }) => {
  await signInAs(page, "viewer");
  const nav = page.getByRole("navigation", { name: "Main" });
  const link = (name: string) => nav.getByRole("link", { name, exact: true });
  await expect(link("Overview")).toHaveAttribute("aria-current", "page");
  await link("Alerts").click();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(link("Alerts")).toHaveAttribute("aria-current", "page");
  await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
  // The nav-link style: the current section stands out from the others (weight and background), not only to a reader.
  const style = (name: string) =>
    link(name).evaluate((a) => {
      const s = getComputedStyle(a);
      return { weight: s.fontWeight, background: s.backgroundColor, display: s.display };
    });
  const [current, other] = [await style("Alerts"), await style("Overview")];
  expect(current.display).toBe("block");
  expect(current.weight).toBe("500");
  expect(other.weight).toBe("400");
  expect(current.background).not.toBe(other.background);
});

test("an address that names nothing says so in the console's words, with a way back", async ({ page }) => {
  await signInAs(page, "viewer");
  for (const path of ["/no-such-page", "/runbooks/no-such-runbook"]) {
    expect((await page.goto(path))?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "No such page" })).toBeVisible();
  }
  // The last one is under a console section: it keeps the console's header, the fallback inside its main landmark.
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("main")).toHaveCount(1);
  await page.getByRole("link", { name: "Back to the overview" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 2, name: "Regions" })).toBeVisible();
});

test("pages arrive with what the server read: the HTML already holds the regions", async ({ page }) => {
  await signInAs(page, "viewer");
  // Without the page's seed its client components would render "Loading…" on the server and fetch in the browser.
  const overview = await (await page.request.get("/")).text();
  for (const region of ["us-east-1", "eu-west-1", "ap-southeast-1"])
    expect(overview).toContain(`data-testid="region-${region}"`);
  expect(overview).not.toContain("Loading regions…");
  const detail = await (await page.request.get("/regions/eu-west-1")).text();
  expect(detail).toContain('data-testid="observed-role"');
  expect(detail).not.toContain("Loading region…");
});
