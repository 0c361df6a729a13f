import Link from "@/components/ui/link";
import { link, muted, panel } from "@/components/incidents/styles";
import type { ContactCategory, ContactView } from "@/lib/contacts";
import { ContactLine } from "./contact-details";

/**
 * The incident page's contacts: those its scenario needs (lib/contact-needs.ts), each category it needs even when
 * the directory has nobody for it yet; without a scenario, every contact.
 */
export function IncidentContactsPanel({
  narrowed,
  groups,
  canEdit,
}: {
  narrowed: boolean;
  groups: { category: ContactCategory; label: string; contacts: ContactView[] }[];
  canEdit: boolean;
}) {
  return (
    <section aria-labelledby="incident-contacts-heading" className={panel} data-testid="incident-contacts">
      <div className="mb-1 flex items-baseline justify-between gap-2">
        <h2 id="incident-contacts-heading" className="font-semibold">
          Contacts
        </h2>
        <Link href="/contacts" className={`text-sm ${link}`}>
          Directory
        </Link>
      </div>
      <p className={`mb-3 text-xs ${muted}`}>
        {narrowed
          ? `What this scenario needs: ${groups.map((g) => g.label).join(", ")}.`
          : "The incident names no scenario: every external contact."}
      </p>
      {groups.length ? (
        <div className="space-y-4">
          {groups.map((g) => (
            <section
              key={g.category}
              aria-labelledby={`incident-contacts-${g.category}`}
              data-testid="contact-group"
              data-category={g.category}
            >
              <h3
                id={`incident-contacts-${g.category}`}
                className={`mb-1.5 text-xs font-medium tracking-wide uppercase ${muted}`}
              >
                {g.label}
              </h3>
              {g.contacts.length ? (
                <ul className="space-y-2">
                  {g.contacts.map((c) => (
                    <ContactLine key={c.id} contact={c} />
                  ))}
                </ul>
              ) : (
                <p className={`text-sm ${muted}`}>
                  No {g.label} contacts in the directory yet
                  {canEdit ? (
                    <>
                      {" "}
                      (
                      <Link href="/admin/contacts" className={link}>
                        add one
                      </Link>
                      ).
                    </>
                  ) : (
                    "."
                  )}
                </p>
              )}
            </section>
          ))}
        </div>
      ) : (
        <p className={`text-sm ${muted}`}>The directory has no external contacts yet.</p>
      )}
    </section>
  );
}
