import { injectNetworkFault, labStatus } from "../lab/index";
import { expect, labDir, signInAs, test } from "./fixtures";
import { ActionRequestPage } from "./pages/action-pages";

test("without root the lab says network faults are unavailable and refuses them", async () => {
  const status = await labStatus({ labDir: labDir() });
  if (process.getuid?.() === 0) return expect(status.networkFaults).toBe("available");
  expect(status.networkFaults).toMatchObject({ unavailable: expect.stringMatching(/root/) });
  await expect(injectNetworkFault("partition", "us-east-1", "console", { labDir: labDir() })).rejects.toThrow(
    /network faults are unavailable/,
  );
});

test("under a console-only partition the overview opens its reachability matrix and says partition, not outage, and the promotion form shows the refusing check with what each vantage saw", async ({
  page,
}) => {
  // The lab's own network (namespaces, nftables) needs root, as the test machines and CI have.
  expect(process.getuid?.(), "the partition test runs as root").toBe(0);
  const overview = await signInAs(page, "engineer");
  await overview.expectStatus("us-east-1", "healthy", 30_000);
  // While every vantage reaches every database the overview says so in a line; the matrix is a click away.
  const summary = page.getByTestId("reachability-summary");
  await expect(summary).toContainText("The console and every region's API reach every database (12 of 12, slowest", {
    timeout: 30_000,
  });
  await expect(summary).toContainText("only us-east-1 accepts writes");
  const matrix = page.getByTestId("reachability-matrix");
  await expect(matrix).toHaveCount(0);
  await summary.getByRole("button", { name: "Show the matrix" }).click();
  await expect(matrix.locator("tbody tr")).toHaveCount(4);
  await expect(matrix.locator('td[data-state="reaches"]')).toHaveCount(12);
  await summary.getByRole("button", { name: "Hide the matrix" }).click();
  await expect(matrix).toHaveCount(0);
  try {
    await injectNetworkFault("partition", "us-east-1", "console", { labDir: labDir() });
    await expect(matrix.getByTestId("reachability-reason")).toContainText(
      "us-east-1 is unreachable from the console only; eu-west-1 and ap-southeast-1 reach it — a network partition, not an outage",
    );
    await overview.expectStatus("us-east-1", "degraded");

    const form = new ActionRequestPage(page);
    await form.goto({ action: "db.promote-replica", region: "eu-west-1" });
    await expect(form.preflight).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
    const refusing = form.checks(false).filter({ hasText: "the old primary us-east-1 is down or fenced" });
    await expect(refusing).toContainText(
      "eu-west-1 and ap-southeast-1 still see us-east-1 accept writes: promoting now would make two primaries",
    );
    await expect(refusing).toContainText("console: cannot reach it");
    await expect(refusing).toContainText("eu-west-1 API: reaches it, it accepts writes");
    await expect(refusing).toContainText("ap-southeast-1 API: reaches it, it accepts writes");
  } finally {
    await injectNetworkFault("heal", undefined, undefined, { labDir: labDir() });
  }
  await page.goto("/");
  await overview.expectStatus("us-east-1", "healthy", 30_000);
  await expect(page.getByTestId("reachability-summary")).toBeVisible({ timeout: 30_000 });
});
