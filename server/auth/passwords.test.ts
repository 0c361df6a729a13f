import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./passwords";

describe("password hashing", () => {
  it("verifies the right password and refuses others, with a fresh salt each time", async () => {
    const a = await hashPassword("incident-lead-2026");
    const b = await hashPassword("incident-lead-2026");
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("incident-lead-2026", a)).toBe(true);
    expect(await verifyPassword("incident-lead-2027", a)).toBe(false);
    expect(await verifyPassword("anything", "md5$abc")).toBe(false);
  });
});
