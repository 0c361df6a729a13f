import type { ReactNode } from "react";

/**
 * A table on wide screens that becomes one card per row on a phone: each cell then shows its column's name
 * (from `label`) beside its value. One DOM for both, so tests and screen readers see the same thing.
 */
export function StackTable({ label, columns, children }: { label: string; columns: string[]; children: ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <table aria-label={label} className="block w-full text-left text-sm md:table">
        <thead className="hidden border-b border-slate-200 text-slate-500 md:table-header-group dark:border-slate-800 dark:text-slate-400">
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" className="px-3 py-2 font-medium whitespace-nowrap first:pl-4 last:pr-4">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="block md:table-row-group">{children}</tbody>
      </table>
    </div>
  );
}

export function StackRow({
  children,
  ...rest
}: { children: ReactNode } & Record<`data-${string}`, string | number | boolean | undefined>) {
  return (
    <tr
      {...rest}
      className="block border-b border-slate-100 py-2 last:border-0 md:table-row md:py-0 dark:border-slate-800"
    >
      {children}
    </tr>
  );
}

/** A cell; on a phone its column name shows on the left. `head` cells lead the card instead. */
export function StackCell({
  label,
  head,
  children,
  testId,
}: {
  label: string;
  head?: boolean;
  children: ReactNode;
  testId?: string;
}) {
  if (head) {
    return (
      <th
        scope="row"
        data-testid={testId}
        className="block px-4 pt-1 pb-1.5 text-left font-medium md:table-cell md:px-3 md:py-2 md:pl-4"
      >
        {children}
      </th>
    );
  }
  return (
    <td
      data-label={label}
      data-testid={testId}
      className="flex items-baseline justify-between gap-4 px-4 py-0.5 text-right tabular-nums before:shrink-0 before:text-slate-500 before:content-[attr(data-label)] md:table-cell md:px-3 md:py-2 md:text-left md:last:pr-4 md:before:content-none dark:before:text-slate-400"
    >
      {children}
    </td>
  );
}
