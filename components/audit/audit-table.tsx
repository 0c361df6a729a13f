import { Timestamp } from "@/components/fleet/timestamp";
import { detailPairs, shortHash, type AuditRow } from "@/lib/audit";

const th = "px-3 py-2 font-medium whitespace-nowrap first:pl-4 last:pr-4";
const td = "px-3 py-2 align-top first:pl-4 last:pr-4";

/** Values longer than this (an action's output, its pre-flight) fold away behind their first characters. */
const LONG = 120;

function Detail({ detail }: { detail: AuditRow["detail"] }) {
  const pairs = detailPairs(detail);
  if (!pairs.length) return <span className="text-slate-400 dark:text-slate-500">—</span>;
  return (
    <dl className="space-y-0.5 text-xs">
      {pairs.map(([k, v]) => (
        <div key={k} className="flex gap-1">
          <dt className="shrink-0 text-slate-500 dark:text-slate-400">{k}:</dt>
          <dd className="min-w-0 font-mono break-words">
            {v.length > LONG ? (
              <details>
                <summary className="cursor-pointer">{v.slice(0, LONG)}…</summary>
                {v}
              </details>
            ) : (
              v
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The rows, newest first; on a phone the table scrolls sideways rather than squeezing its columns. */
export function AuditTable({ rows }: { rows: AuditRow[] }) {
  if (!rows.length) {
    return (
      <p
        data-testid="audit-empty"
        className="rounded-xl border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400"
      >
        No audit rows match these filters.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <table aria-label="Audit log" className="w-full min-w-[48rem] text-left text-sm">
        <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800 dark:text-slate-400">
          <tr>
            <th scope="col" className={th}>
              #
            </th>
            <th scope="col" className={th}>
              Time
            </th>
            <th scope="col" className={th}>
              Actor
            </th>
            <th scope="col" className={th}>
              Action
            </th>
            <th scope="col" className={th}>
              Target
            </th>
            <th scope="col" className={th}>
              Detail
            </th>
            <th scope="col" className={th}>
              Hash
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.id}
              data-testid="audit-row"
              data-action={r.action}
              data-id={r.id}
              className="border-b border-slate-100 last:border-0 dark:border-slate-800"
            >
              <td className={`${td} font-mono text-xs text-slate-500 tabular-nums dark:text-slate-400`}>{r.id}</td>
              <td className={`${td} whitespace-nowrap`}>
                <Timestamp iso={r.at} stack className="text-xs" />
              </td>
              <td className={`${td} break-all`}>
                {r.actorEmail ?? <span className="text-slate-500 dark:text-slate-400">system</span>}
              </td>
              <td className={`${td} font-mono text-xs whitespace-nowrap`}>{r.action}</td>
              <td className={`${td} font-mono text-xs break-all`}>{r.target ?? "—"}</td>
              <td className={`${td} max-w-xs`}>
                <Detail detail={r.detail} />
              </td>
              <td className={td}>
                <code title={`hash ${r.hash}\nafter ${r.prevHash}`} className="font-mono text-xs">
                  {shortHash(r.hash)}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
