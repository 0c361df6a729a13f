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
