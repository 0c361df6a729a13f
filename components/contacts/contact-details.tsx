import type { ReactNode } from "react";
import { link, muted, panel } from "@/components/incidents/styles";
import { displayUrl, telHref, type ContactView } from "@/lib/contacts";

/** An external contact as the directory and the incident page show it: every way to reach them, or "not set". */

export function NotSet() {
  return <span className={`italic ${muted}`}>not set</span>;
}

const out = { target: "_blank", rel: "noopener noreferrer" } as const;

function Methods({ c }: { c: ContactView }) {
  const tel = c.phone ? telHref(c.phone) : null;
  const rows: [string, ReactNode][] = [
    [
      "Phone",
      c.phone ? (
        tel ? (
          <a href={tel} className={`${link} tabular-nums`}>
            {c.phone}
          </a>
        ) : (
          c.phone
        )
      ) : (
        <NotSet />
      ),
    ],
    [
      "Email",
      c.email ? (
        <a href={`mailto:${c.email}`} className={link}>
          {c.email}
        </a>
      ) : (
        <NotSet />
      ),
    ],
    [
      "Support",
      c.url ? (
        <a href={c.url} {...out} className={link}>
          {displayUrl(c.url)}
        </a>
      ) : (
        <NotSet />
      ),
    ],
    [
      "Status page",
      c.statusPageUrl ? (
        <a href={c.statusPageUrl} {...out} className={link}>
          {displayUrl(c.statusPageUrl)}
        </a>
      ) : (
        <NotSet />
      ),
    ],
  ];
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
      {rows.map(([term, value]) => (
        <div key={term} className="contents" data-testid={`contact-${term.toLowerCase().replace(" ", "-")}`}>
          <dt className={muted}>{term}</dt>
          <dd className="min-w-0 break-words">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A contact's card in the directory: name, provider, what to call them for, how, and notes. */
export function ContactCard({ contact: c }: { contact: ContactView }) {
  return (
    <article
      className={`${panel} space-y-2`}
      aria-labelledby={`contact-card-${c.id}`}
      data-testid="contact"
      data-contact-id={c.id}
    >
      <header>
        <h4 id={`contact-card-${c.id}`} className="font-semibold">
          {c.name}
        </h4>
        <p className={`text-xs ${muted}`}>
          Provider: {c.provider ? <span className="text-slate-800 dark:text-slate-200">{c.provider}</span> : <NotSet />}
        </p>
      </header>
      {c.purpose && <p className="text-sm">{c.purpose}</p>}
      <Methods c={c} />
      {c.notes && (
        <p className={`text-sm whitespace-pre-wrap ${muted}`}>
          <span className="font-medium">Notes:</span> {c.notes}
        </p>
      )}
    </article>
  );
}

/** A contact in the incident page's compact list. */
export function ContactLine({ contact: c }: { contact: ContactView }) {
  return (
    <li
      className="space-y-1 border-t border-slate-200 pt-2 first:border-t-0 first:pt-0 dark:border-slate-800"
      data-testid="contact"
      data-contact-id={c.id}
    >
      <p className="text-sm">
        <span className="font-medium">{c.name}</span>
        {c.provider && <span className={muted}> · {c.provider}</span>}
      </p>
      <Methods c={c} />
    </li>
  );
}
