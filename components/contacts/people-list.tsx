import { link, muted } from "@/components/incidents/styles";
import type { DirectoryPerson } from "@/lib/contacts";
import { roleLabels } from "@/lib/roles";

/** The directory's people: every console user, with their role, their on-call levels and whether they are on call now. */
export function PeopleList({ people }: { people: DirectoryPerson[] }) {
  if (!people.length) return <p className={`text-sm ${muted}`}>No console users yet.</p>;
  return (
    <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-label="People">
      {people.map((p) => (
        <li key={p.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2" data-testid="person">
          <span className="font-medium">{p.name}</span>
          <a href={`mailto:${p.email}`} className={`${link} min-w-0 break-words`}>
            {p.email}
          </a>
          <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs whitespace-nowrap text-slate-700 dark:bg-slate-800 dark:text-slate-300">
            {roleLabels[p.role]}
          </span>
          <span className={`basis-full text-xs sm:basis-auto ${muted}`} data-testid="person-levels">
            {p.levels.length ? (
              <>On-call levels: {p.levels.map((l) => l.target).join(", ")}</>
            ) : (
              "In no on-call rotation"
            )}
          </span>
          {p.onCallNow.length > 0 && (
            <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-200">
              on call now: {p.onCallNow.map((l) => l.target).join(", ")}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
