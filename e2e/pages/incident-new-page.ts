import { expect, type Locator, type Page } from "@playwright/test";

/** The declaration form at /incidents/new. */
export class IncidentNewPage {
  constructor(readonly page: Page) {}

  async goto(alertId?: number) {
    await this.page.goto(alertId ? `/incidents/new?alert=${alertId}` : "/incidents/new");
    await expect(this.page.getByRole("heading", { name: "Declare an incident" })).toBeVisible();
  }

  get title(): Locator {
    return this.page.getByLabel("Title");
  }

  get scenario(): Locator {
    return this.page.getByLabel("Scenario");
  }

  severity(s: "P0" | "P1" | "P2" | "P3"): Locator {
    return this.page.getByRole("radio", { name: new RegExp(`^${s} ·`) });
  }

  region(id: string): Locator {
    return this.page.getByRole("checkbox", { name: new RegExp(`^${id}\\b`) });
  }

  /** Submits and waits for the new incident's page; returns its id. */
  async declare(): Promise<number> {
    await this.page.getByRole("button", { name: "Declare incident" }).click();
    await expect(this.page).toHaveURL(/\/incidents\/\d+$/, { timeout: 30_000 });
    return Number(/\/incidents\/(\d+)$/.exec(this.page.url())![1]);
  }

  /** Declares a plain incident from an empty form. */
  async declareSimple(title: string, severity: "P0" | "P1" | "P2" | "P3" = "P2"): Promise<number> {
    await this.goto();
    await this.title.fill(title);
    await this.severity(severity).check();
    return this.declare();
  }
}
