import { expect, type Locator, type Page } from "@playwright/test";

export class TrafficPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/traffic");
    await this.expectLoaded();
  }

  async expectLoaded() {
    await expect(this.page.getByRole("heading", { name: "Global traffic", exact: true, level: 1 })).toBeVisible();
  }

  geography(id: string): Locator {
    return this.page.getByTestId(`traffic-geography-${id}`);
  }

  region(id: string): Locator {
    return this.page.getByTestId(`traffic-region-${id}`);
  }

  globalHealth(): Locator {
    return this.page.getByTestId("global-health");
  }

  /** Waits until the geography's users are served by `region`, as the page shows it. */
  async expectServedBy(geography: string, region: string, timeout = 30_000) {
    await expect(this.geography(geography)).toHaveAttribute("data-served-by", region, { timeout });
    await expect(this.geography(geography).getByTestId("served-by")).toHaveText(region);
  }

  async expectRegionState(region: string, state: string, timeout = 30_000) {
    await expect(this.region(region)).toHaveAttribute("data-state", state, { timeout });
  }
}
