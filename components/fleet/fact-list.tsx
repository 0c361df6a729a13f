import type { ReactNode } from "react";

/** A card of labelled figures: label left, value right, readable at any width. */
export function FactCard({
  title,
  children,
  testId,
  aside,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
  aside?: ReactNode;
}) {
  return (
    <section
      data-testid={testId}
      className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        {aside}
      </div>
      <dl className="space-y-1 text-sm">{children}</dl>
    </section>
  );
}

const factStyles = {
  /** label left, value right: a card's figures */
  row: {
    item: "flex items-baseline justify-between gap-3",
    label: "shrink-0 text-slate-500 dark:text-slate-400",
    value: "min-w-0 text-right font-medium break-words tabular-nums",
  },
  /** a small capitalised label above its value: a header's grid of facts */
  stacked: {
    item: "min-w-0",
    label: "text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400",
    value: "font-medium break-words",
  },
  /** label and value on one line among others: a list item's byline */
  inline: { item: "flex gap-1", label: "", value: "text-slate-800 dark:text-slate-200" },
} as const;

/** One labelled figure of a `<dl>`; `wide` spans two columns of a stacked grid. */
export function Fact({
  label,
  children,
  testId,
  layout = "row",
  wide = false,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
  layout?: keyof typeof factStyles;
  wide?: boolean;
}) {
  const style = factStyles[layout];
  return (
    <div className={wide ? `${style.item} col-span-2` : style.item}>
      <dt className={style.label || undefined}>{label}</dt>
      <dd data-testid={testId} className={style.value}>
        {children}
      </dd>
    </div>
  );
}

/** An LSN or other long identifier: monospace, allowed to wrap on a phone. */
export function Mono({ children }: { children: ReactNode }) {
  return <span className="font-mono text-xs break-all">{children}</span>;
}
