import { expect, type Locator, type Page } from "@playwright/test";

export class ReplicationPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/replication");
    await expect(this.page.getByRole("heading", { name: "Replication", exact: true })).toBeVisible();
  }

  primary(): Locator {
    return this.page.getByTestId("primary");
  }

  replica(id: string): Locator {
    return this.page.getByTestId(`replica-${id}`);
  }

  /** The lag in seconds the row shows now, or NaN when it is unknown. */
  async lagSeconds(id: string): Promise<number> {
    const v = await this.replica(id).getAttribute("data-lag-seconds");
    return v === null || v === "" ? Number.NaN : Number(v);
  }

  async expectStreaming(id: string, timeout = 30_000) {
    await expect(this.replica(id)).toHaveAttribute("data-streaming", "true", { timeout });
    await expect(this.replica(id).getByTestId("replica-state")).toHaveText("streaming", { timeout });
  }

  /** A firing alert in the page's alert panel, by rule and region. */
  firingAlert(ruleId: string, regionId: string): Locator {
    return this.page.locator(`[data-testid="firing-alert"][data-rule="${ruleId}"][data-region="${regionId}"]`);
  }
}
