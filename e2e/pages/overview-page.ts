import { expect, type Locator, type Page } from "@playwright/test";

export class OverviewPage {
  constructor(private readonly page: Page) {}

  region(id: string): Locator {
    return this.page.getByTestId(`region-${id}`);
  }

  status(id: string): Locator {
    return this.region(id).getByTestId("region-status");
  }

  async expectLoaded() {
    await expect(this.page.getByRole("heading", { name: "Regions" })).toBeVisible();
    for (const id of ["us-east-1", "eu-west-1", "ap-southeast-1"]) await expect(this.region(id)).toBeVisible();
  }

  async expectStatus(id: string, status: "healthy" | "degraded" | "unhealthy", timeout = 15_000) {
    await expect(this.status(id)).toHaveAttribute("data-status", status, { timeout });
  }
}
