import { describe, expect, it } from "vitest";
import { contactMethodInput, contactMethodRef, userContactMethodInput } from "./contact-method-schema";
import { contactMethodView, maskAddress } from "./contact-methods";

const key = "R0ABCDEFGHIJKLMNOPQRSTUVWXYZ1234";
const uuid = "00000000-0000-4000-8000-000000000001";

const problem = (raw: unknown) => {
  const r = contactMethodInput.safeParse(raw);
  return r.success ? null : { path: r.error.issues[0]!.path.join("."), message: r.error.issues[0]!.message };
};

describe("a contact method's input", () => {
  it("takes a PagerDuty integration key, a webhook URL and an email address, trimmed, label optional", () => {
    expect(contactMethodInput.parse({ kind: "pagerduty", address: ` ${key} ` })).toEqual({
      kind: "pagerduty",
      address: key,
      label: "",
    });
    expect(
      contactMethodInput.parse({ kind: "webhook", address: "https://hooks.example.com/page?t=1", label: " Phone " }),
    ).toEqual({ kind: "webhook", address: "https://hooks.example.com/page?t=1", label: "Phone" });
    expect(contactMethodInput.parse({ kind: "webhook", address: "http://127.0.0.1:9000/hook" }).address).toBe(
      "http://127.0.0.1:9000/hook",
    );
  });

  it("keeps an email address in lower case, as accounts are", () => {
    expect(contactMethodInput.parse({ kind: "email", address: "Ana.Lima@Example.COM" }).address).toBe(
      "ana.lima@example.com",
    );
  });

  it("says what the address must be for its kind, under the address", () => {
    expect(problem({ kind: "pagerduty", address: "abc" })).toEqual({
      path: "address",
      message: expect.stringContaining("32 letters and digits"),
    });
    expect(problem({ kind: "pagerduty", address: `${key.slice(0, 31)}-` })?.path).toBe("address");
    expect(problem({ kind: "pagerduty", address: `${key}0` })?.path).toBe("address");
    expect(problem({ kind: "webhook", address: "hooks.example.com/page" })).toEqual({
      path: "address",
      message: "must be a URL, e.g. https://hooks.example.com/page",
    });
    expect(problem({ kind: "webhook", address: "ftp://hooks.example.com/page" })).toEqual({
      path: "address",
      message: "must be an http:// or https:// URL",
    });
    expect(problem({ kind: "webhook", address: "javascript:alert(1)" })?.path).toBe("address");
    expect(problem({ kind: "email", address: "ana at example.com" })).toEqual({
      path: "address",
      message: "must be an email address, e.g. ana@example.com",
    });
    // A key is not an email address, nor an email address a URL: the kind decides.
    expect(problem({ kind: "email", address: key })?.path).toBe("address");
    expect(problem({ kind: "webhook", address: "ana@example.com" })?.path).toBe("address");
    expect(problem({ kind: "email", address: "   " })).toEqual({ path: "address", message: "is required" });
    expect(problem({ kind: "webhook", address: `https://x.example/${"a".repeat(2000)}` })?.message).toBe(
      "must be at most 2000 characters",
    );
  });

  it("refuses an unknown kind, a missing address and a long label with their own words", () => {
    expect(problem({ kind: "sms", address: "+15550100" })).toEqual({
      path: "kind",
      message: "must be PagerDuty, webhook or email",
    });
    expect(problem({ kind: "", address: "" })?.path).toBe("kind");
    expect(problem({ kind: "email" })).toEqual({ path: "address", message: "is required" });
    expect(problem({ kind: "email", address: "ana@example.com", label: "x".repeat(61) })).toEqual({
      path: "label",
      message: "must be at most 60 characters",
    });
  });

  it("for someone named: their id must be a console user's", () => {
    expect(userContactMethodInput.parse({ userId: uuid, kind: "email", address: "Bo@Example.com" })).toEqual({
      userId: uuid,
      kind: "email",
      address: "bo@example.com",
      label: "",
    });
    const r = userContactMethodInput.safeParse({ userId: "bo", kind: "email", address: "bo@example.com" });
    expect(r.error?.issues[0]).toMatchObject({ path: ["userId"], message: "must be a console user" });
    expect(contactMethodRef.safeParse({ id: "12", userId: uuid }).data).toEqual({ id: 12, userId: uuid });
    expect(contactMethodRef.safeParse({ id: 0, userId: uuid }).success).toBe(false);
  });
});

describe("an address as people are shown it", () => {
  it("shows an email whole, the end of a PagerDuty key, and only a webhook's origin", () => {
    expect(maskAddress("email", "ana@example.com")).toBe("ana@example.com");
    expect(maskAddress("pagerduty", key)).toBe("…1234");
    expect(maskAddress("webhook", "https://hooks.example.com/services/T000/B000/XXXX?token=s3cret")).toBe(
      "https://hooks.example.com/…",
    );
    expect(maskAddress("webhook", "https://hooks.example.com")).toBe("https://hooks.example.com");
    expect(contactMethodView({ id: 3, kind: "pagerduty", address: key, label: "Phone" })).toEqual({
      id: 3,
      kind: "pagerduty",
      kindLabel: "PagerDuty",
      shown: "…1234",
      label: "Phone",
    });
  });
});
