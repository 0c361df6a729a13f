import { contactCategories, type ContactCategory } from "./contacts";

/**
 * Which external contacts an incident needs, by its scenario (runbooks/scenarios/*.yaml): a CDN outage needs the CDN
 * providers' lines, a database failure the database support and the infrastructure provider, and so on. The first
 * category is the one the scenario is about.
 */
export const scenarioContactNeeds: Readonly<Record<string, readonly ContactCategory[]>> = {
  "cdn-provider-outage": ["cdn"],
  "primary-database-failure": ["database", "infrastructure"],
  "mirror-storage-failure": ["storage", "infrastructure"],
  "primary-region-degraded": ["infrastructure", "database", "cdn"],
};

/**
 * The categories of contacts an incident of this scenario needs. No scenario, or one this table does not know, needs
 * every category: better every line than a missing one.
 */
export function contactCategoriesFor(scenarioId: string | null | undefined): readonly ContactCategory[] {
  return (
    (scenarioId && Object.hasOwn(scenarioContactNeeds, scenarioId) && scenarioContactNeeds[scenarioId]) ||
    contactCategories
  );
}

/** Whether the scenario narrows the contacts (false: every category is shown). */
export const scenarioNarrowsContacts = (scenarioId: string | null | undefined): boolean =>
  !!scenarioId && Object.hasOwn(scenarioContactNeeds, scenarioId);

/** The contacts an incident of this scenario needs, in the scenario's order of categories, then each one's order. */
export function contactsForScenario<T extends { category: ContactCategory; position: number; id: number }>(
  contacts: T[],
  scenarioId: string | null | undefined,
): T[] {
  const categories = contactCategoriesFor(scenarioId);
  return categories.flatMap((category) =>
    contacts.filter((c) => c.category === category).sort((a, b) => a.position - b.position || a.id - b.id),
  );
}
