import { describe, expect, it } from "vitest";
import { contactFieldLabels, contactFromForm, contactInput, contactUpdate, isHttpUrl } from "./contact-schema";
import { groupContacts, telHref } from "./contacts";

const ok = { name: "Cloudflare support", category: "cdn" };

describe("a contact's input", () => {
  it("takes a name and a category, every other field empty (not set) by default, trimmed", () => {
    expect(contactInput.parse({ ...ok, phone: "  +1 555 0100  " })).toEqual({
      ...ok,
      provider: "",
      purpose: "",
      phone: "+1 555 0100",
      email: "",
      url: "",
      statusPageUrl: "",
      notes: "",
    });
  });

  it("refuses what is not an http(s) address, an email or a phone number, each under its own field", () => {
    const issues = contactInput.safeParse({
      ...ok,
      url: "javascript:alert(1)",
      statusPageUrl: "www.cloudflarestatus.com",
      email: "support at example",
      phone: "call the CDN",
    }).error?.issues;
    expect(Object.fromEntries((issues ?? []).map((i) => [i.path.join("."), i.message]))).toEqual({
      url: "must be an http:// or https:// address",
      statusPageUrl: "must be an http:// or https:// address",
      email: "must be an email address",
      phone: expect.stringContaining("must be a phone number"),
    });
    for (const k of ["url", "statusPageUrl", "email", "phone"]) expect(contactFieldLabels[k]).toBeTruthy();
  });

  it("takes real-world phone numbers and addresses", () => {
    for (const phone of ["+1 (555) 010-2030", "+44 20 7946 0000 ext. 12", "555.0100 x7", "0800/123456"])
      expect(contactInput.safeParse({ ...ok, phone }).success, phone).toBe(true);
    for (const url of ["https://www.cloudflarestatus.com", "http://status.example:8080/path?q=1"])
      expect(isHttpUrl(url), url).toBe(true);
    for (const url of ["ftp://x.example", "https://", "https://exa mple.com", "mailto:a@b.c", "/relative"])
      expect(isHttpUrl(url), url).toBe(false);
  });

  it("bounds lengths and needs a name and a known category", () => {
    const problems = (raw: object) => contactUpdate.safeParse({ id: 1, ...ok, ...raw }).error?.issues[0];
    expect(problems({ name: " " })).toMatchObject({ path: ["name"], message: "is required" });
    expect(problems({ name: "x".repeat(101) })).toMatchObject({ path: ["name"] });
    expect(problems({ notes: "x".repeat(2001) })).toMatchObject({ path: ["notes"] });
    expect(problems({ category: "aliens" })).toMatchObject({ path: ["category"] });
    expect(contactUpdate.safeParse({ ...ok, id: "0" }).error?.issues[0]?.path).toEqual(["id"]);
    expect(contactUpdate.parse({ ...ok, id: "7" }).id).toBe(7);
  });

  it("reads a posted form; fields left out get their defaults", () => {
    const form = new FormData();
    form.set("id", "3");
    form.set("name", "Database support");
    form.set("category", "database");
    form.set("phone", "+1 555 0100");
    expect(contactUpdate.parse(contactFromForm(form))).toMatchObject({
      id: 3,
      name: "Database support",
      phone: "+1 555 0100",
      email: "",
    });
  });
});

describe("contacts as pages show them", () => {
  it("makes tel: links of phone numbers, with the extension", () => {
    expect(telHref("+1 (555) 010-2030")).toBe("tel:+15550102030");
    expect(telHref("+44 20 7946 0000 ext. 12")).toBe("tel:+442079460000;ext=12");
    expect(telHref("555.0100 x7")).toBe("tel:5550100;ext=7");
    expect(telHref("")).toBeNull();
  });

  it("groups by category in the directory's order, dropping empty categories unless asked", () => {
    const cs = [
      { id: 2, category: "database" as const, position: 0 },
      { id: 1, category: "cdn" as const, position: 1 },
      { id: 3, category: "cdn" as const, position: 0 },
    ];
    expect(groupContacts(cs).map((g) => [g.category, g.contacts.map((c) => c.id)])).toEqual([
      ["cdn", [3, 1]],
      ["database", [2]],
    ]);
    expect(groupContacts(cs, ["storage", "cdn"], true).map((g) => [g.label, g.contacts.length])).toEqual([
      ["Storage", 0],
      ["CDN providers", 2],
    ]);
  });
});
