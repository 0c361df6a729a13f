import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  contactCategoriesFor,
  contactsForScenario,
  scenarioContactNeeds,
  scenarioNarrowsContacts,
} from "./contact-needs";
import { contactCategories, type ContactCategory } from "./contacts";

const contact = (id: number, category: ContactCategory, position = 0) => ({ id, category, position, name: `c${id}` });

describe("the contacts a scenario needs", () => {
  it("maps each scenario to its categories, the one it is about first", () => {
    expect(contactCategoriesFor("cdn-provider-outage")).toEqual(["cdn"]);
    expect(contactCategoriesFor("primary-database-failure")).toEqual(["database", "infrastructure"]);
    expect(contactCategoriesFor("mirror-storage-failure")).toEqual(["storage", "infrastructure"]);
    expect(contactCategoriesFor("primary-region-degraded")).toEqual(["infrastructure", "database", "cdn"]);
  });

  it("needs every category without a scenario or with one it does not know", () => {
    expect(contactCategoriesFor(null)).toEqual(contactCategories);
    expect(contactCategoriesFor(undefined)).toEqual(contactCategories);
    expect(contactCategoriesFor("")).toEqual(contactCategories);
    expect(contactCategoriesFor("alien-invasion")).toEqual(contactCategories);
    expect(contactCategoriesFor("toString")).toEqual(contactCategories);
    expect(scenarioNarrowsContacts(null)).toBe(false);
    expect(scenarioNarrowsContacts("constructor")).toBe(false);
    expect(scenarioNarrowsContacts("cdn-provider-outage")).toBe(true);
  });

  it("knows every scenario of the runbook", () => {
    const dir = path.resolve(import.meta.dirname, "../runbooks/scenarios");
    const ids = readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => /^id:\s*(\S+)/m.exec(readFileSync(path.join(dir, f), "utf8"))?.[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(Object.keys(scenarioContactNeeds).sort()).toEqual([...ids].sort());
  });

  it("filters and orders contacts: the scenario's categories in its order, then position and id", () => {
    const all = [
      contact(1, "cdn", 1),
      contact(2, "database"),
      contact(3, "infrastructure"),
      contact(4, "cdn", 0),
      contact(5, "other"),
      contact(6, "storage"),
    ];
    expect(contactsForScenario(all, "cdn-provider-outage").map((c) => c.id)).toEqual([4, 1]);
    expect(contactsForScenario(all, "primary-database-failure").map((c) => c.id)).toEqual([2, 3]);
    expect(contactsForScenario(all, "mirror-storage-failure").map((c) => c.id)).toEqual([6, 3]);
    expect(contactsForScenario(all, "primary-region-degraded").map((c) => c.id)).toEqual([3, 2, 4, 1]);
    expect(contactsForScenario(all, null).map((c) => c.id)).toEqual([4, 1, 2, 3, 6, 5]);
  });
});
