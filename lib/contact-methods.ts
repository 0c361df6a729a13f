/**
 * A person's contact methods: how a page reaches them (PagerDuty Events v2, a JSON webhook, email). Types, names and
 * the masked form people are shown, with no zod, so client components may import it; the input rules are in
 * ./contact-method-schema.
 */

export const contactKinds = ["pagerduty", "webhook", "email"] as const;
export type ContactKind = (typeof contactKinds)[number];

export const contactKindLabels: Record<ContactKind, string> = {
  pagerduty: "PagerDuty",
  webhook: "Webhook",
  email: "Email",
};

/** What each kind's address is, for forms. */
export const contactAddressHints: Record<ContactKind, string> = {
  pagerduty: "The 32-character Integration Key of a PagerDuty service's Events API v2 integration.",
  webhook: "An http(s) URL that takes Switchyard's page as a JSON POST.",
  email: "An email address; pages, acknowledgements and resolutions are mailed to it.",
};

/** One stored method (migration 0016). */
export interface ContactMethod {
  id: number;
  userId: string;
  kind: ContactKind;
  address: string;
  label: string;
  position: number;
  createdAt: Date;
}

/** A method as pages and the audit log show it: no secret in it. */
export interface ContactMethodView {
  id: number;
  kind: ContactKind;
  kindLabel: string;
  shown: string;
  label: string;
}

/**
 * An address as people are shown it. A PagerDuty integration key lets anyone who has it open incidents on that
 * service, and a webhook URL often carries a token in its path or query, so both are shown only enough to be
 * recognised; an email address is shown whole.
 */
export function maskAddress(kind: ContactKind, address: string): string {
  if (kind === "email") return address;
  if (kind === "pagerduty") return `…${address.slice(-4)}`;
  try {
    const url = new URL(address);
    return url.pathname === "/" && !url.search ? url.origin : `${url.origin}/…`;
  } catch {
    return "(not a URL)";
  }
}

export function contactMethodView(m: Pick<ContactMethod, "id" | "kind" | "address" | "label">): ContactMethodView {
  return {
    id: m.id,
    kind: m.kind,
    kindLabel: contactKindLabels[m.kind],
    shown: maskAddress(m.kind, m.address),
    label: m.label,
  };
}

/** At most this many methods per person. */
export const MAX_CONTACT_METHODS = 10;
