import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { UserRoleForm } from "@/components/admin/user-role-form";
import { UserEndSessionsButton } from "@/components/admin/user-end-sessions-button";
import { UserUnlockButton } from "@/components/admin/user-unlock-button";
import { Timestamp } from "@/components/fleet/timestamp";
import { ContactMethodsEditor } from "@/components/oncall/contact-methods-editor";
import type { ContactMethodView } from "@/lib/contact-methods";
import { hasRole } from "@/lib/roles";
import { currentUser } from "@/server/auth/session";
import { listAccountLocks, listUsers } from "@/server/auth/user-service";
import { listAllContactMethods } from "@/server/notify/contact-methods-service";
import { addUserContactMethod, endUserSessions, removeUserContactMethod, setUserRole, unlockUser } from "./actions";

export const metadata: Metadata = { title: "Users" };

/** "None", or "2 (PagerDuty, Email)". */
const contactSummary = (methods: ContactMethodView[]) =>
  methods.length ? `${methods.length} (${[...new Set(methods.map((m) => m.kindLabel))].join(", ")})` : "None";

export default async function UsersPage() {
  const actor = await currentUser();
  if (!actor || !hasRole(actor.role, "admin")) forbidden();
  const [users, locks, contacts] = await Promise.all([
    listUsers(actor),
    listAccountLocks(actor),
    listAllContactMethods(actor),
  ]);
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Users and roles</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Viewers watch; engineers request actions and check steps; incident leads command incidents and approve; admins
        also manage users. Contact methods are where a person&apos;s pages go; everyone keeps their own on the On call
        page.
      </p>
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th className="px-4 py-2 font-medium">Name</th>
              <th className="px-4 py-2 font-medium">Email</th>
              <th className="px-4 py-2 font-medium">Created</th>
              <th className="px-4 py-2 font-medium">Role</th>
              <th className="px-4 py-2 font-medium">Sign-in</th>
              <th className="px-4 py-2 font-medium">Sessions</th>
              <th className="px-4 py-2 font-medium">Contact methods</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr
                key={u.id}
                data-testid={`user-${u.email}`}
                className="border-b border-slate-100 last:border-0 dark:border-slate-800"
              >
                <td className="px-4 py-2">
                  {u.name}
                  {u.demo && <span className="ml-2 rounded bg-slate-100 px-1.5 text-xs dark:bg-slate-800">demo</span>}
                </td>
                <td className="px-4 py-2">{u.email}</td>
                <td className="px-4 py-2">
                  <Timestamp iso={u.createdAt.toISOString()} show="ago" />
                </td>
                <td className="px-4 py-2">
                  <UserRoleForm userId={u.id} email={u.email} role={u.role} action={setUserRole} />
                </td>
                <td className="px-4 py-2" data-testid={`signin-state-${u.email}`}>
                  {locks.has(u.id) ? (
                    <UserUnlockButton
                      userId={u.id}
                      email={u.email}
                      lockedUntil={locks.get(u.id)!.toISOString()}
                      action={unlockUser}
                    />
                  ) : (
                    <span className="text-slate-500 dark:text-slate-400">Not locked</span>
                  )}
                </td>
                <td className="px-4 py-2" data-testid={`sessions-${u.email}`}>
                  <UserEndSessionsButton userId={u.id} email={u.email} action={endUserSessions} />
                </td>
                <td className="px-4 py-2 align-top" data-testid={`contacts-${u.email}`}>
                  <details className="group">
                    <summary className="cursor-pointer rounded text-sky-700 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-sky-400">
                      {contactSummary(contacts.get(u.id) ?? [])}
                      <span className="sr-only"> — contact methods of {u.email}</span>
                    </summary>
                    <div className="mt-2 min-w-[32rem]">
                      <ContactMethodsEditor
                        userId={u.id}
                        owner={u.email}
                        methods={contacts.get(u.id) ?? []}
                        add={addUserContactMethod}
                        remove={removeUserContactMethod}
                      />
                    </div>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
