import type { ReactNode } from "react";

/** A card of labelled figures: label left, value right, readable at any width. */
export function FactCard({ title, children, testId, aside }: { title: string; children: ReactNode; testId?: string; aside?: ReactNode }) {
  return (
    <section data-testid={testId} className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        {aside}
      </div>
      <dl className="space-y-1 text-sm">{children}</dl>
    </section>
  );
}

export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-3">
      <dt className="shrink-0 text-slate-500 dark:text-slate-400">{label}</dt>
      <dd data-testid={testId} className="min-w-0 text-right font-medium break-words tabular-nums">
        {children}
      </dd>
    </div>
  );
}

/** An LSN or other long identifier: monospace, allowed to wrap on a phone. */
export function Mono({ children }: { children: ReactNode }) {
  return <span className="font-mono text-xs break-all">{children}</span>;
}
