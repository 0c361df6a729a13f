import { expect, type Locator, type Page } from "@playwright/test";

export class AlertsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/alerts");
    await expect(this.page.getByRole("heading", { name: "Rules" })).toBeVisible();
  }

  rule(id: string): Locator {
    return this.page.getByTestId(`rule-${id}`);
  }

  threshold(name: string): Locator {
    return this.page.getByRole("spinbutton", { name: new RegExp(`^Threshold for ${name}`) });
  }

  /** Sets a rule's threshold as an admin and waits for "Saved". */
  async setThreshold(ruleId: string, name: string, value: number) {
    await this.threshold(name).fill(String(value));
    await this.rule(ruleId).getByRole("button", { name: "Save" }).click();
    await expect(this.rule(ruleId).getByRole("status")).toHaveText("Saved");
  }
}
