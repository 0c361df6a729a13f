import type { Metadata } from "next";
import Link from "@/components/ui/link";
import type { Runbook } from "@/lib/runbook-schema";
import { requireUser } from "@/server/auth/session";
import { runbookCatalog } from "@/server/runbooks/catalog";

export const metadata: Metadata = { title: "Runbooks" };

const groups: { kind: Runbook["kind"]; title: string }[] = [
  { kind: "response", title: "Incident response" },
  { kind: "scenario", title: "Scenarios" },
  { kind: "procedure", title: "Maintenance procedures" },
  { kind: "troubleshooting", title: "Troubleshooting guides" },
];

export default async function RunbooksPage() {
  await requireUser();
  const runbooks = runbookCatalog();
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Runbooks</h1>
      {groups.map((g) => (
        <section key={g.kind} aria-labelledby={`group-${g.kind}`} className="space-y-2">
          <h2 id={`group-${g.kind}`} className="text-lg font-semibold">
            {g.title}
          </h2>
          <ul className="grid gap-3 sm:grid-cols-2">
            {runbooks
              .filter((r) => r.kind === g.kind)
              .map((r) => (
                <li
                  key={r.id}
                  className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
                >
                  <Link
                    href={`/runbooks/${r.id}`}
                    className="font-medium text-sky-800 hover:underline dark:text-sky-300"
                  >
                    {r.title}
                  </Link>
                  <p className="text-sm text-slate-600 dark:text-slate-400">{r.summary}</p>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
