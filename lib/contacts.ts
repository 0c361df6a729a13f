import type { Role } from "./roles";

/**
 * The contacts directory (issue 12 part 3) as pages show it: external contacts by category, and the console's people
 * with their roles and on-call levels. No zod here (lib/contact-schema.ts), so client components may import it.
 */

/** The categories, in the order the directory lists them. */
export const contactCategories = ["cdn", "database", "infrastructure", "storage", "other"] as const;
export type ContactCategory = (typeof contactCategories)[number];

export const contactCategoryLabels: Record<ContactCategory, string> = {
  cdn: "CDN providers",
  database: "Database",
  infrastructure: "Infrastructure",
  storage: "Storage",
  other: "Other",
};

export const isContactCategory = (v: unknown): v is ContactCategory =>
  typeof v === "string" && (contactCategories as readonly string[]).includes(v);

/** An external contact. An empty text field is "not set". */
export interface ContactView {
  id: number;
  name: string;
  category: ContactCategory;
  provider: string;
  purpose: string;
  phone: string;
  email: string;
  /** The support portal. */
  url: string;
  statusPageUrl: string;
  notes: string;
  position: number;
  updatedAt: string;
  /** Who last changed it: a name, or null for the seeded rows and deleted accounts. */
  updatedBy: string | null;
}

/** A console user as the directory shows them: role, and the on-call levels whose rotation they are in. */
export interface DirectoryPerson {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** The escalation levels whose rotation has them, in the chain's order. */
  levels: { level: number; target: string }[];
  /** The levels they are on call for right now. */
  onCallNow: { level: number; target: string }[];
}

/** Contacts in the directory's order: by category, then position, then id. */
export function sortContacts<T extends Pick<ContactView, "category" | "position" | "id">>(contacts: T[]): T[] {
  return [...contacts].sort(
    (a, b) =>
      contactCategories.indexOf(a.category) - contactCategories.indexOf(b.category) ||
      a.position - b.position ||
      a.id - b.id,
  );
}

/** Contacts grouped by category, in `categories`' order; with `keepEmpty`, a category without contacts is kept. */
export function groupContacts<T extends Pick<ContactView, "category" | "position" | "id">>(
  contacts: T[],
  categories: readonly ContactCategory[] = contactCategories,
  keepEmpty = false,
): { category: ContactCategory; label: string; contacts: T[] }[] {
  const sorted = sortContacts(contacts);
  return categories
    .map((category) => ({
      category,
      label: contactCategoryLabels[category],
      contacts: sorted.filter((c) => c.category === category),
    }))
    .filter((g) => keepEmpty || g.contacts.length > 0);
}

/** A phone number as a tel: link ("+1 (555) 010-2030 ext. 12" → "tel:+15550102030;ext=12"), or null without digits. */
export function telHref(phone: string): string | null {
  const m = /^(.*?)(?:\s*(?:x|ext\.?)\s*(\d+))?$/i.exec(phone.trim());
  const main = (m?.[1] ?? "").replace(/[^\d+]/g, "").replace(/(?!^)\+/g, "");
  if (!/\d/.test(main)) return null;
  return `tel:${main}${m?.[2] ? `;ext=${m[2]}` : ""}`;
}

/** An address as a link shows it: without the scheme and a trailing slash ("www.cloudflarestatus.com"). */
export const displayUrl = (url: string): string => url.replace(/^https?:\/\//i, "").replace(/\/$/, "");
