import type { Metadata } from "next";
import { AuditChainVerdict } from "@/components/audit/audit-chain-verdict";
import { AuditFilterForm } from "@/components/audit/audit-filter-form";
import { AuditTable } from "@/components/audit/audit-table";
import { link, muted } from "@/components/incidents/styles";
import { auditExportHref, auditFilterParams, auditFilters, type AuditRow } from "@/lib/audit";
import { auditChainStatus, listAudit } from "@/server/audit/audit-service";
import type { Caller } from "@/server/auth/caller";
import { requireUser } from "@/server/auth/session";
import { ServiceError } from "@/server/errors";

export const metadata: Metadata = { title: "Audit log" };

/** Bad filters are shown beside the form instead of failing the page. */
async function rowsOrProblem(
  caller: Caller,
  params: ReturnType<typeof auditFilterParams>,
): Promise<{ rows: AuditRow[]; problem: string | null }> {
  try {
    return { rows: await listAudit(caller, params), problem: null };
  } catch (err) {
    if (err instanceof ServiceError && err.code === "invalid") return { rows: [], problem: err.message };
    throw err;
  }
}

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const caller: Caller = { kind: "user", user: await requireUser() };
  const params = auditFilterParams(await searchParams);
  const { rows, problem } = await rowsOrProblem(caller, params);
  const chain = await auditChainStatus(caller);
  const limit = auditFilters.safeParse(params).data?.limit;
  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold">Audit log</h1>
        <p className={`text-sm ${muted}`}>
          Every sign-in, incident change, alert received, role change, token change and runbook action, with who and
          when. Each row carries a keyed hash (HMAC) of its content and of the row before it, and the newest row is
          checkpointed with the same key, so a row changed or removed afterwards, or cut off the end, breaks the chain.
        </p>
      </div>
      <AuditChainVerdict chain={chain} />
      <AuditFilterForm params={params} />
      {problem ? (
        <p
          role="alert"
          data-testid="audit-filter-error"
          className="rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-200"
        >
          These filters cannot be used: {problem}
        </p>
      ) : (
        <>
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <p className={muted} data-testid="audit-count">
              {rows.length === limit
                ? `The newest ${rows.length} matching rows; older ones may match too (raise Rows).`
                : `${rows.length} matching ${rows.length === 1 ? "row" : "rows"}, newest first.`}
            </p>
            <p className={muted}>
              Export these rows:{" "}
              <a href={auditExportHref(params, "csv")} download className={link} data-testid="audit-export-csv">
                Export CSV
              </a>{" "}
              ·{" "}
              <a href={auditExportHref(params, "json")} download className={link} data-testid="audit-export-json">
                Export JSON
              </a>
            </p>
          </div>
          <AuditTable rows={rows} />
        </>
      )}
    </div>
  );
}
