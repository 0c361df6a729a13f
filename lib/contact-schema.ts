import { z } from "zod";
import { contactCategories } from "./contacts";
import { rowId } from "./id-schema";

/**
 * What a contact's edits take, for the server actions and the service; client components never load it. Every text
 * field but the name may be empty ("not set"); a field that is set must be well-formed. Each problem names its field.
 */

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

/** An http(s) address with a host, or nothing. */
export const isHttpUrl = (v: string): boolean => {
  if (/\s/.test(v)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0;
  } catch {
    return false;
  }
};
const httpUrl = text(500).refine((v) => v === "" || isHttpUrl(v), "must be an http:// or https:// address");

const emailShape = z.email();
const email = text(254).refine((v) => v === "" || emailShape.safeParse(v).success, "must be an email address");

/** Digits with the usual separators, an optional leading +, and an optional extension ("x 12", "ext. 12"). */
const PHONE = /^\+?[\d\s().\/-]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$/i;
const phone = text(40).refine(
  (v) => v === "" || (PHONE.test(v) && (v.match(/\d/g)?.length ?? 0) >= 3),
  "must be a phone number: digits, spaces, + ( ) - . /, and an optional extension (ext. 12)",
);

export const contactFields = z.object({
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  category: z.enum(contactCategories, { error: `must be one of ${contactCategories.join(", ")}` }),
  provider: text(100).default(""),
  purpose: text(500).default(""),
  phone: phone.default(""),
  email: email.default(""),
  url: httpUrl.default(""),
  statusPageUrl: httpUrl.default(""),
  notes: text(2000).default(""),
});
export type ContactFields = z.output<typeof contactFields>;

/** A new contact. */
export const contactInput = contactFields;
/** A change to a contact: all its fields (a form posts them all). */
export const contactUpdate = contactFields.extend({ id: rowId });
export type ContactUpdate = z.output<typeof contactUpdate>;

export const contactId = z.object({ id: rowId });

/** Moves a contact one place up or down within its category. */
export const contactMove = z.object({
  id: rowId,
  direction: z.enum(["up", "down"], { error: "must be up or down" }),
});

/** The form's field names as their labels read, for the sentence a person is shown ("Status page: …"). */
export const contactFieldLabels: Record<string, string> = {
  name: "Name",
  category: "Category",
  provider: "Provider",
  purpose: "Purpose",
  phone: "Phone",
  email: "Email",
  url: "Support portal",
  statusPageUrl: "Status page",
  notes: "Notes",
};

/** A contact's fields from a posted form; a field left out is undefined (so the schema's default or refusal applies). */
export function contactFromForm(form: FormData): Record<string, unknown> {
  const get = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : undefined;
  };
  return {
    id: get("id"),
    name: get("name"),
    category: get("category"),
    provider: get("provider"),
    purpose: get("purpose"),
    phone: get("phone"),
    email: get("email"),
    url: get("url"),
    statusPageUrl: get("statusPageUrl"),
    notes: get("notes"),
  };
}
