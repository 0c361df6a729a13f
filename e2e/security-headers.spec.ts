import { expect, signInAs, test } from "./fixtures";

test("pages carry a Content-Security-Policy with a fresh nonce and the other security headers, and run without a violation", async ({
  page,
}) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(m.text())) violations.push(m.text());
  });
  const first = (await page.goto("/signin"))!.headers();
  const second = (await page.request.get("/signin")).headers();
  const nonce = (csp: string | undefined) =>
    /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/.exec(csp ?? "")?.[1];
  expect(nonce(first["content-security-policy"])).toBeTruthy();
  expect(nonce(second["content-security-policy"])).not.toBe(nonce(first["content-security-policy"]));
  expect(first["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(first["x-content-type-options"]).toBe("nosniff");
  expect(first["referrer-policy"]).toBe("strict-origin-when-cross-origin");

  // Without a session cookie a console page sends the visitor to sign in (with the policy); public pages do not.
  const anonymous = await page.request.get("/incidents", { maxRedirects: 0 });
  expect(anonymous.status()).toBe(307);
  expect(anonymous.headers()["location"]).toMatch(/\/signin$/);
  expect(nonce(anonymous.headers()["content-security-policy"])).toBeTruthy();
  expect((await page.request.get("/status", { maxRedirects: 0 })).status()).toBe(200);

  // Signing in, the live overview and a form that posts a server action all work under the policy.
  const overview = await signInAs(page, "lead");
  await overview.expectStatus("us-east-1", "healthy", 30_000);
  await page.goto("/incidents/new");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(violations).toEqual([]);

  const api = await page.request.get("/api/health");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
});
