import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { notFound } from "next/navigation";
import { RunbookChecklist } from "@/components/runbooks/runbook-checklist";
import { severityLabels } from "@/lib/severity";
import { getAlertRules } from "@/server/alerts/alerts-service";
import { requireUser } from "@/server/auth/session";
import { findRunbook } from "@/server/runbooks/catalog";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: findRunbook((await params).id)?.title ?? "Runbook" };
}

export default async function RunbookPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const runbook = findRunbook((await params).id);
  if (!runbook) notFound();
  const ruleSettings = await getAlertRules({ kind: "user", user });
  return (
    <div className="space-y-4">
      <Link href="/runbooks" className="text-sm text-sky-800 hover:underline dark:text-sky-300">
        ← Runbooks
      </Link>
      <header className="space-y-1">
        <h1 className="text-xl font-semibold">{runbook.title}</h1>
        <p className="text-slate-600 dark:text-slate-400">{runbook.summary}</p>
        <p className="text-xs text-slate-500">From the operations runbook: {runbook.source}</p>
        {runbook.defaultSeverity && (
          <p className="text-sm">Usual severity: {severityLabels[runbook.defaultSeverity]}</p>
        )}
      </header>
      {runbook.symptoms.length > 0 && (
        <section
          aria-labelledby="symptoms"
          className="rounded-xl border border-amber-200 bg-amber-50 p-4 dark:border-amber-900 dark:bg-amber-950/40"
        >
          <h2 id="symptoms" className="font-semibold">
            Symptoms
          </h2>
          <ul className="list-disc pl-5 text-sm">
            {runbook.symptoms.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </section>
      )}
      {runbook.kind === "scenario" && (
        <p className="text-sm">
          During an incident this scenario&apos;s steps join the response checklist:{" "}
          <Link href="/incidents/new" className="text-sky-800 underline dark:text-sky-300">
            declare an incident
          </Link>
          .
        </p>
      )}
      <RunbookChecklist runbook={runbook} ruleSettings={ruleSettings} />
    </div>
  );
}
