import { expect, type Locator, type Page } from "@playwright/test";

/** The incident command view at /incidents/<id>. */
export class IncidentPage {
  constructor(readonly page: Page) {}

  async goto(id: number) {
    await this.page.goto(`/incidents/${id}`);
    await this.expectLoaded(id);
  }

  async expectLoaded(id: number) {
    await expect(this.page.getByTestId("incident")).toHaveAttribute("data-incident-id", String(id));
    await expect(this.checklist).toBeVisible();
  }

  get checklist(): Locator {
    return this.page.getByTestId("checklist");
  }

  get status(): Locator {
    return this.page.getByTestId("incident").getByTestId("incident-status");
  }

  step(key: string): Locator {
    return this.page.locator(`[data-testid="step"][data-key="${key}"]`);
  }

  stepCheckbox(key: string): Locator {
    return this.step(key).getByRole("checkbox");
  }

  async expectStepChecked(key: string, checked = true, timeout = 15_000) {
    await expect(this.step(key)).toHaveAttribute("data-checked", String(checked), { timeout });
  }

  clock(phase: string): Locator {
    return this.page.getByTestId(`clock-${phase}`);
  }

  get timeline(): Locator {
    return this.page.getByTestId("timeline");
  }

  events(kind: string): Locator {
    return this.timeline.locator(`[data-testid="event"][data-kind="${kind}"]`);
  }

  async moveStatus(button: string, to: string) {
    await this.page
      .getByRole("group", { name: "Change status" })
      .getByRole("button", { name: button, exact: true })
      .click();
    await expect(this.status).toHaveAttribute("data-status", to);
  }

  async sendComm(kind: "Initial Alert" | "Update" | "Resolution") {
    const comms = this.page.getByTestId("comms");
    await comms.getByText(kind, { exact: true }).click();
    await expect(comms.getByRole("radio", { name: kind })).toBeChecked();
    await comms.getByRole("button", { name: `Send ${kind}` }).click();
    await expect(comms.getByTestId("comm-result")).toContainText(kind);
  }
}
