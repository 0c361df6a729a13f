import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { parseRunStatusFilter, runsQueryFilter } from "@/components/actions/run-filter";
import { RunFilters } from "@/components/actions/run-filters";
import { RunList } from "@/components/actions/run-list";
import { btnPrimary } from "@/components/incidents/styles";
import { QuerySeed } from "@/components/ui/query-seed";
import { actionsQuery } from "@/lib/queries";
import { hasRole } from "@/lib/roles";
import { listActions } from "@/server/actions/action-service";
import { requireUser } from "@/server/auth/session";

export const metadata: Metadata = { title: "Actions" };

export default async function ActionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const status = parseRunStatusFilter((await searchParams).status);
  const filter = runsQueryFilter(status);
  const queryClient = new QueryClient();
  queryClient.setQueryData(actionsQuery(filter).queryKey, { runs: await listActions({ kind: "user", user }, filter) });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Runbook actions</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Every request, with its pre-flight, approval, output and verification.
          </p>
        </div>
        {hasRole(user.role, "engineer") && (
          <Link href="/actions/new" className={btnPrimary}>
            Request an action
          </Link>
        )}
      </div>
      <RunFilters status={status} />
      <QuerySeed client={queryClient}>
        <RunList status={status} />
      </QuerySeed>
    </div>
  );
}
