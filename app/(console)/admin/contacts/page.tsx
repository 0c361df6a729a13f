import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { forbidden } from "next/navigation";
import { ContactForm, DeleteContactButton, MoveButtons } from "@/components/contacts/contact-editor";
import { link, muted, panel } from "@/components/incidents/styles";
import { formatTimestamp } from "@/lib/format";
import { groupContacts } from "@/lib/contacts";
import { hasRole } from "@/lib/roles";
import { currentUser } from "@/server/auth/session";
import { listContacts } from "@/server/contacts/contacts-service";
import { createContact, deleteContact, moveContact, updateContact } from "./actions";

export const metadata: Metadata = { title: "Edit contacts" };

export default async function ContactsAdminPage() {
  const actor = await currentUser();
  if (!actor || !hasRole(actor.role, "admin")) forbidden();
  const groups = groupContacts(await listContacts(actor));
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">Edit contacts</h1>
        <p className={`text-sm ${muted}`}>
          The external contacts of the{" "}
          <Link href="/contacts" className={link}>
            directory
          </Link>
          , which every incident shows by what its scenario needs: the CDN providers&apos; lines for a CDN outage,
          database support and the infrastructure provider for a database failure. A field left empty shows as
          &ldquo;not set&rdquo;. People are the console&apos;s{" "}
          <Link href="/admin/users" className={link}>
            users
          </Link>{" "}
          and their{" "}
          <Link href="/admin/on-call" className={link}>
            on-call schedules
          </Link>
          . Every change is audited.
        </p>
      </div>

      {groups.length === 0 && (
        <p className={`text-sm ${muted}`} data-testid="contacts-empty">
          No external contacts yet: add the first one below.
        </p>
      )}
      {groups.map((g) => (
        <section key={g.category} aria-labelledby={`admin-contacts-${g.category}`} className="space-y-3">
          <h2 id={`admin-contacts-${g.category}`} className="text-lg font-semibold">
            {g.label}
          </h2>
          {g.contacts.map((c, i) => (
            <section
              key={c.id}
              aria-labelledby={`admin-contact-${c.id}`}
              className={`${panel} space-y-3`}
              data-testid="contact-admin"
              data-contact-id={c.id}
            >
              <header className="flex flex-wrap items-start justify-between gap-2">
                <div>
                  <h3 id={`admin-contact-${c.id}`} className="font-semibold">
                    {c.name}
                  </h3>
                  <p className={`text-xs ${muted}`}>
                    Last changed <time dateTime={c.updatedAt}>{formatTimestamp(c.updatedAt, "UTC")}</time>
                    {c.updatedBy ? ` by ${c.updatedBy}` : ""}
                  </p>
                </div>
                <MoveButtons contact={c} index={i} count={g.contacts.length} move={moveContact} />
              </header>
              <ContactForm contact={c} save={updateContact} />
              <div className="border-t border-slate-200 pt-3 dark:border-slate-800">
                <DeleteContactButton contact={c} remove={deleteContact} />
              </div>
            </section>
          ))}
        </section>
      ))}

      <section aria-labelledby="add-contact" className={`${panel} space-y-3`}>
        <h2 id="add-contact" className="text-lg font-semibold">
          Add a contact
        </h2>
        <ContactForm save={createContact} />
      </section>
    </div>
  );
}
