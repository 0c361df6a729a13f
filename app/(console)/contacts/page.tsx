import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { ContactCard } from "@/components/contacts/contact-details";
import { PeopleList } from "@/components/contacts/people-list";
import { link, muted, panel } from "@/components/incidents/styles";
import { OnCallNowPanel } from "@/components/oncall/on-call-board";
import { groupContacts } from "@/lib/contacts";
import { hasRole } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import { readContactDirectory } from "@/server/contacts/contacts-service";

export const metadata: Metadata = { title: "Contacts" };

export default async function ContactsPage() {
  const user = await requireUser();
  const { contacts, people, onCall } = await readContactDirectory(user);
  const isAdmin = hasRole(user.role, "admin");
  const groups = groupContacts(contacts);
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">Contacts</h1>
        <p className={`text-sm ${muted}`}>
          Who to call: who is on call at every level of the escalation chain, the external contacts (CDN providers,
          database support, the infrastructure provider), and everyone on the console. Each incident shows the contacts
          its scenario needs.
          {isAdmin && (
            <>
              {" "}
              <Link href="/admin/contacts" className={link}>
                Edit contacts
              </Link>
            </>
          )}
        </p>
      </div>

      <OnCallNowPanel levels={onCall.levels} />

      <section aria-labelledby="external-contacts" className="space-y-4">
        <h2 id="external-contacts" className="text-lg font-semibold">
          External contacts
        </h2>
        {groups.length ? (
          groups.map((g) => (
            <section
              key={g.category}
              aria-labelledby={`contacts-${g.category}`}
              className="space-y-2"
              data-testid="contact-group"
              data-category={g.category}
            >
              <h3 id={`contacts-${g.category}`} className={`text-sm font-medium tracking-wide uppercase ${muted}`}>
                {g.label}
              </h3>
              <div className="grid gap-3 md:grid-cols-2">
                {g.contacts.map((c) => (
                  <ContactCard key={c.id} contact={c} />
                ))}
              </div>
            </section>
          ))
        ) : (
          <p className={`text-sm ${muted}`} data-testid="contacts-empty">
            No external contacts yet.{" "}
            {isAdmin ? (
              <Link href="/admin/contacts" className={link}>
                Add the first one
              </Link>
            ) : (
              "An admin adds them."
            )}
          </p>
        )}
      </section>

      <section aria-labelledby="people" className={`${panel} space-y-2`}>
        <h2 id="people" className="text-lg font-semibold">
          People
        </h2>
        <p className={`text-xs ${muted}`}>
          Everyone with a console account, their role and the on-call levels whose rotation has them.
        </p>
        <PeopleList people={people} />
      </section>
    </div>
  );
}
