import { expect, type Locator, type Page } from "@playwright/test";

export class MirrorsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/mirrors");
    await expect(this.page.getByRole("heading", { name: "Mirrors", exact: true })).toBeVisible();
  }

  row(id: string): Locator {
    return this.page.getByTestId(`mirror-${id}`);
  }

  hitRate(id: string): Locator {
    return this.row(id).getByTestId("mirror-hit-rate");
  }

  status(id: string): Locator {
    return this.row(id).getByTestId("mirror-status");
  }
}
