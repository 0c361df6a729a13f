import { z } from "zod";
import { rowId } from "./id-schema";
import { contactKinds, type ContactKind } from "./contact-methods";

/**
 * What a contact method takes, for the server actions and the service (client components never load zod). The
 * address is checked for its kind, and each refusal says what that kind's address must be.
 */

/** A PagerDuty service's Events API v2 integration key (its "routing key"): 32 letters and digits. */
const PAGERDUTY_KEY = /^[A-Za-z0-9]{32}$/;
const MAX_ADDRESS = 2000;

const emailAddress = z.email();

/** Why an address is not one for its kind, or null when it is. */
function addressProblem(kind: ContactKind, address: string): string | null {
  if (!address) return "is required";
  if (address.length > MAX_ADDRESS) return `must be at most ${MAX_ADDRESS} characters`;
  switch (kind) {
    case "pagerduty":
      return PAGERDUTY_KEY.test(address)
        ? null
        : "must be a PagerDuty Integration Key: the 32 letters and digits of a service's Events API v2 integration";
    case "webhook": {
      let url: URL;
      try {
        url = new URL(address);
      } catch {
        return "must be a URL, e.g. https://hooks.example.com/page";
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http:// or https:// URL";
      if (!url.hostname) return "must name a host";
      return null;
    }
    case "email":
      return emailAddress.safeParse(address).success ? null : "must be an email address, e.g. ana@example.com";
  }
}

const methodFields = {
  kind: z.enum(contactKinds, { error: "must be PagerDuty, webhook or email" }),
  address: z.string({ error: "is required" }).trim(),
  label: z.string({ error: "must be text" }).trim().max(60, "must be at most 60 characters").default(""),
};

/**
 * The address checked for its kind (the problem under `address`), and an email address in lower case, as the users
 * table keeps them, so one address is one method.
 */
const withAddressCheck = <S extends z.ZodType<{ kind: ContactKind; address: string }>>(schema: S) =>
  schema
    .superRefine((v, ctx) => {
      const problem = addressProblem(v.kind, v.address);
      if (problem) ctx.addIssue({ code: "custom", path: ["address"], message: problem });
    })
    .transform((v) => (v.kind === "email" ? { ...v, address: v.address.toLowerCase() } : v));

/** One method as a person adds it for themselves: its kind, its address and an optional label. */
export const contactMethodInput = withAddressCheck(z.object(methodFields));
export type ContactMethodInput = z.output<typeof contactMethodInput>;

const userId = z.uuid({ error: "must be a console user" });

/** A method added for a named person (their own, or anyone's by an admin). */
export const userContactMethodInput = withAddressCheck(z.object({ userId, ...methodFields }));
export type UserContactMethodInput = z.output<typeof userContactMethodInput>;

/** A method removed: its id, and whose it is (a person's own, unless an admin names someone else). */
export const contactMethodRef = z.object({ id: rowId, userId });

/** Whose methods to read. */
export const contactMethodOwner = z.object({ userId });
