import { expect, type Locator, type Page } from "@playwright/test";

/** The request form at /actions/new: a live pre-flight and the plan while you fill it in. */
export class ActionRequestPage {
  constructor(readonly page: Page) {}

  async goto(query: Record<string, string>) {
    await this.page.goto(`/actions/new?${new URLSearchParams(query)}`);
    await expect(this.preflight).toBeVisible({ timeout: 30_000 });
  }

  get preflight(): Locator {
    return this.page.getByTestId("preview");
  }

  checks(ok?: boolean): Locator {
    return this.preflight.locator(
      ok === undefined ? '[data-testid="check"]' : `[data-testid="check"][data-ok="${ok}"]`,
    );
  }

  /** Waits until the live pre-flight of the parameters as they stand has answered and none of its checks fails. */
  async expectPreflightPasses(timeout = 30_000) {
    await expect(this.preflight).toHaveAttribute("data-state", "ready", { timeout });
    await expect(this.checks().first()).toBeVisible({ timeout });
    await expect(this.checks(false)).toHaveCount(0, { timeout });
  }

  /** Submits ("Request" or "Run") and waits for the run's page; returns its id. */
  async submit(): Promise<number> {
    await this.page.getByRole("button", { name: /^(Request|Run)$/ }).click();
    await expect(this.page).toHaveURL(/\/actions\/\d+$/, { timeout: 30_000 });
    return Number(/\/actions\/(\d+)$/.exec(this.page.url())![1]);
  }
}

/** One run at /actions/<id>: its status, pre-flight, approval, output and verification, live. */
export class ActionRunPage {
  constructor(readonly page: Page) {}

  async goto(id: number) {
    await this.page.goto(`/actions/${id}`);
    await expect(this.status).toBeVisible();
  }

  get status(): Locator {
    return this.page.getByTestId("action-status");
  }

  get verification(): Locator {
    return this.page.getByTestId("verification");
  }

  get output(): Locator {
    return this.page.getByTestId("action-output");
  }

  async approve() {
    await this.page.getByTestId("approve").click();
  }

  /** Waits for the run to succeed with its verification passed, failing at once with its error if it fails. */
  async expectSucceeded(timeout = 120_000) {
    await expect(this.status).toHaveAttribute("data-status", /^(succeeded|failed|interrupted)$/, { timeout });
    if ((await this.status.getAttribute("data-status")) !== "succeeded")
      throw new Error(`the action did not succeed:\n${await this.page.locator("main").innerText()}`);
    await expect(this.verification).toHaveAttribute("data-ok", "true");
  }
}
