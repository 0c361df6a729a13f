import { injectFault } from "../lab/index";
import { expect, labDir, markAgainstReload, signInAs, test } from "./fixtures";
import { ReplicationPage } from "./pages/replication-page";

test("paused replay on eu-west-1 shows on the open replication page: lag past 5 s, the alert firing, then back to streaming", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInAs(page, "viewer");
  const replication = new ReplicationPage(page);
  await replication.goto();
  await expect(replication.primary()).toHaveAttribute("data-region", "us-east-1");
  await replication.expectStreaming("eu-west-1");
  await replication.expectStreaming("ap-southeast-1");
  const eu = replication.replica("eu-west-1");
  const mark = await markAgainstReload(page);

  try {
    await injectFault("eu-west-1", "lag", { labDir: labDir() });
    await expect(eu).toHaveAttribute("data-replay-paused", "true");
    await expect(eu.getByTestId("replica-replay")).toHaveText("paused");
    // The receiver keeps streaming WAL it no longer replays.
    await expect(eu).toHaveAttribute("data-streaming", "true");
    await expect.poll(() => replication.lagSeconds("eu-west-1"), { timeout: 30_000 }).toBeGreaterThan(5);
    await expect(eu.getByTestId("replica-lag-seconds")).toHaveText(/^\d+(\.\d)? s$|min/);
    const alert = replication.firingAlert("replication-lag", "eu-west-1");
    await expect(alert).toBeVisible({ timeout: 30_000 });
    await expect(alert).toContainText("Replication lag high");
    await expect(alert).toContainText("eu-west-1");
    expect(await mark.reloaded()).toBe(false);
  } finally {
    await injectFault("eu-west-1", "recover", { labDir: labDir() });
  }

  await expect(eu).toHaveAttribute("data-replay-paused", "false", { timeout: 30_000 });
  await replication.expectStreaming("eu-west-1");
  await expect.poll(() => replication.lagSeconds("eu-west-1"), { timeout: 30_000 }).toBe(0);
  await expect(replication.firingAlert("replication-lag", "eu-west-1")).toHaveCount(0, { timeout: 30_000 });
  expect(await mark.reloaded()).toBe(false);
});

test("a replica database going down shows on the open replication page with Replication stopped firing, and comes back", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInAs(page, "viewer");
  const replication = new ReplicationPage(page);
  await replication.goto();
  await replication.expectStreaming("ap-southeast-1");
  const ap = replication.replica("ap-southeast-1");
  const mark = await markAgainstReload(page);

  try {
    await injectFault("ap-southeast-1", "db-down", { labDir: labDir() });
    await expect(ap).toHaveAttribute("data-up", "false");
    await expect(ap.getByTestId("replica-state")).toHaveText("down");
    await expect(ap).toHaveAttribute("data-streaming", "false");
    // The primary still holds its slot, now unused.
    await expect(ap.getByTestId("replica-slot-active")).toHaveText("no");
    const alert = replication.firingAlert("replication-stopped", "ap-southeast-1");
    await expect(alert).toBeVisible({ timeout: 30_000 });
    await expect(alert).toContainText("Replication stopped");
    // The other replica is unaffected.
    await replication.expectStreaming("eu-west-1");
    expect(await mark.reloaded()).toBe(false);
  } finally {
    await injectFault("ap-southeast-1", "recover", { labDir: labDir() });
  }

  await expect(ap).toHaveAttribute("data-up", "true", { timeout: 30_000 });
  await replication.expectStreaming("ap-southeast-1");
  await expect(replication.firingAlert("replication-stopped", "ap-southeast-1")).toHaveCount(0, { timeout: 30_000 });
  expect(await mark.reloaded()).toBe(false);
});
