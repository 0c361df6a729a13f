import type { AuditChain } from "@/lib/audit";

/** The verifier's verdict on the whole log, whatever the filters show. */
export function AuditChainVerdict({ chain }: { chain: AuditChain }) {
  if (chain.ok) {
    return (
      <p
        data-testid="audit-chain"
        data-ok="true"
        className="rounded-xl border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm font-medium text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-200"
      >
        Chain intact: {chain.rows} {chain.rows === 1 ? "row" : "rows"}
        <span className="block text-xs font-normal text-emerald-800 dark:text-emerald-300">
          Every row&apos;s hash matches its content and the row before it.
        </span>
      </p>
    );
  }
  return (
    <p
      role="alert"
      data-testid="audit-chain"
      data-ok="false"
      className="rounded-xl border border-red-300 bg-red-50 px-4 py-3 text-sm font-medium text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-200"
    >
      Chain broken at row #{chain.brokenAt}: {chain.reason}
      <span className="block text-xs font-normal text-red-800 dark:text-red-300">
        A row was changed or removed outside Switchyard; rows from #{chain.brokenAt} on cannot be trusted until this is
        explained.
      </span>
    </p>
  );
}
