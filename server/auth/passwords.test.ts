import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "./passwords";

/** A hash as the console made them before N was raised to 2^17. */
const oldHash = (password: string) => {
  const salt = randomBytes(16);
  return [
    "scrypt",
    16384,
    8,
    1,
    salt.toString("base64"),
    scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 }).toString("base64"),
  ].join("$");
};

describe("password hashing", () => {
  it("verifies the right password and refuses others, with a fresh salt each time", async () => {
    const a = await hashPassword("incident-lead-2026");
    const b = await hashPassword("incident-lead-2026");
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("incident-lead-2026", a)).toBe(true);
    expect(await verifyPassword("incident-lead-2027", a)).toBe(false);
    expect(await verifyPassword("anything", "md5$abc")).toBe(false);
  });

  it("still verifies a hash made with older parameters, and says it wants rehashing", async () => {
    const old = oldHash("incident-lead-2026");
    expect(await verifyPassword("incident-lead-2026", old)).toBe(true);
    expect(await verifyPassword("incident-lead-2027", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("incident-lead-2026"))).toBe(false);
  });

  it("refuses stored parameters it must not run (not a power of two, or too much memory)", async () => {
    const [, , r, p, salt, hash] = oldHash("x").split("$");
    expect(await verifyPassword("x", ["scrypt", 16385, r, p, salt, hash].join("$"))).toBe(false);
    expect(await verifyPassword("x", ["scrypt", 2 ** 24, r, p, salt, hash].join("$"))).toBe(false);
    expect(needsRehash("md5$abc")).toBe(true);
  });
});
