import { describe, expect, it } from "vitest";
import { requireRole } from "./require-role";

describe("requireRole", () => {
  it("lets the role asked for and every higher one through", () => {
    expect(() => requireRole({ role: "lead" }, "lead", "Approving an action")).not.toThrow();
    expect(() => requireRole({ role: "admin" }, "lead", "Approving an action")).not.toThrow();
    expect(() => requireRole({ role: "viewer" }, "viewer", "This")).not.toThrow();
  });

  it("refuses a lower role, naming the role needed and the caller's", () => {
    expect(() => requireRole({ role: "engineer" }, "lead", "Approving an action")).toThrow(
      expect.objectContaining({
        code: "forbidden",
        message: "Approving an action needs the lead role; you are engineer.",
      }),
    );
  });

  it("refuses with the sentence given instead, when there is one", () => {
    expect(() => requireRole({ role: "lead" }, "admin", { refusal: "Only admins can change roles." })).toThrow(
      expect.objectContaining({ code: "forbidden", message: "Only admins can change roles." }),
    );
  });
});
