import { expect, type Locator, type Page } from "@playwright/test";

export class TokensPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/admin/tokens");
    await expect(this.page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  }

  /** Creates a token and returns the secret shown once. */
  async create(name: string): Promise<string> {
    await this.page.getByLabel("Token name").fill(name);
    await this.page.getByRole("button", { name: "Create token" }).click();
    const shown = this.page.getByTestId("new-token");
    await expect(shown).toContainText("it will not be shown again");
    const secret = await this.page.getByTestId("new-token-secret").inputValue();
    expect(secret).toMatch(/^sy_[A-Za-z0-9_-]{20,}$/);
    return secret;
  }

  row(name: string): Locator {
    return this.page.getByTestId(`token-${name}`);
  }

  async revoke(name: string) {
    await this.row(name).getByRole("button", { name: "Revoke" }).click();
    await this.row(name).getByRole("button", { name: "Confirm revoke" }).click();
    await expect(this.row(name)).toHaveAttribute("data-revoked", "true");
  }
}
