import { formatTimestamp } from "@/lib/format";
import { STATUS_PAGE_NAME, maintenanceComponentNames } from "@/lib/status-feed";
import {
  asOfWords,
  componentStateLabels,
  maintenanceStatusLabels,
  publicIncidentStatusLabels,
  type ComponentState,
  type PublicComponent,
  type PublicIncident,
  type PublicMaintenance,
  type PublicStatus,
  type ServedStatus,
  worstState,
} from "@/lib/status-page";
import { AutoRefresh } from "./auto-refresh";
import { stateBadge, stateFill } from "./state-styles";
import { UptimeBars } from "./uptime-bars";

/** How often an open status page reads itself again. */
const REFRESH_SECONDS = 30;

const utc = (iso: string) => formatTimestamp(iso, "UTC");

const headline: Record<ComponentState, string> = {
  operational: "bg-emerald-700 text-white dark:bg-emerald-800",
  under_maintenance: "bg-sky-700 text-white dark:bg-sky-800",
  degraded_performance: "bg-amber-300 text-amber-950 dark:bg-amber-300",
  partial_outage: "bg-orange-700 text-white dark:bg-orange-800",
  major_outage: "bg-red-700 text-white dark:bg-red-800",
};

function StateBadge({ state }: { state: ComponentState }) {
  return (
    <span
      className={`inline-flex shrink-0 items-center gap-1.5 rounded-full px-2 py-0.5 text-sm font-medium ring-1 ring-inset ${stateBadge[state]}`}
    >
      <span aria-hidden className={`h-2 w-2 rounded-full ${stateFill[state]}`} />
      {componentStateLabels[state]}
    </span>
  );
}

function Incident({ incident, level }: { incident: PublicIncident; level: "h3" }) {
  const H = level;
  return (
    <article
      id={incident.id}
      data-testid="status-incident"
      data-status={incident.status}
      className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <H className="text-base font-semibold">{incident.title}</H>
        <span className="text-sm font-medium text-slate-700 dark:text-slate-300">
          {publicIncidentStatusLabels[incident.status]}
          {incident.impact !== "none" && ` · ${componentStateLabels[incident.impact]}`}
        </span>
      </div>
      <ol className="mt-3 space-y-3 border-l-2 border-slate-200 pl-3 dark:border-slate-700">
        {incident.updates.map((u) => (
          <li key={u.id} data-testid="status-update">
            <p className="text-sm">
              <strong>{publicIncidentStatusLabels[u.status]}</strong>
              <span className="text-slate-600 dark:text-slate-400">
                {" "}
                · <time dateTime={u.at}>{utc(u.at)}</time>
              </span>
            </p>
            <p className="mt-0.5 text-sm whitespace-pre-line">{u.body}</p>
          </li>
        ))}
      </ol>
    </article>
  );
}

/** An announced maintenance window: its public title, whether it is in progress, its components and its times. */
function Maintenance({ m, status }: { m: PublicMaintenance; status: PublicStatus }) {
  const names = maintenanceComponentNames(m, status);
  return (
    <article
      id={m.id}
      data-testid="status-maintenance"
      data-status={m.status}
      className="rounded-xl border border-sky-200 bg-sky-50 p-4 dark:border-sky-900 dark:bg-sky-950/40"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-base font-semibold">{m.title}</h3>
        <span className="text-sm font-medium text-sky-900 dark:text-sky-200">{maintenanceStatusLabels[m.status]}</span>
      </div>
      <p className="mt-1 text-sm">
        <time dateTime={m.startsAt}>{utc(m.startsAt)}</time> to <time dateTime={m.endsAt}>{utc(m.endsAt)}</time>
      </p>
      {names.length > 0 && (
        <p className="mt-1 text-sm text-slate-700 dark:text-slate-300" data-testid="status-maintenance-components">
          Components: {names.join(", ")}
        </p>
      )}
    </article>
  );
}

function ComponentRow({ c }: { c: PublicComponent }) {
  return (
    <li data-testid="status-component" data-component={c.id} data-state={c.state} className="py-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h4 className="font-medium">{c.name}</h4>
          <p className="text-sm text-slate-600 dark:text-slate-400">{c.description}</p>
        </div>
        <StateBadge state={c.state} />
      </div>
      <UptimeBars uptime={c.uptime} name={c.name} />
    </li>
  );
}

/**
 * The public status page: the summary, open incidents, maintenance in progress or scheduled, each component with its
 * uptime, and the incident history.
 */
export function StatusView({ served }: { served: ServedStatus | null }) {
  // Ages are told as of the moment the view was served.
  const nowMs = served ? Date.parse(served.servedAt) : 0;
  const s = served?.status;
  const open = s?.incidents.filter((i) => i.status !== "resolved") ?? [];
  const past = s?.incidents.filter((i) => i.status === "resolved") ?? [];
  const groups = [...new Set(s?.components.map((c) => c.group) ?? [])];
  const worst = worstState(s?.components.map((c) => c.state) ?? []);
  return (
    <>
      <AutoRefresh seconds={REFRESH_SECONDS} />
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-2 px-4 py-3">
          <p className="text-lg font-semibold">{STATUS_PAGE_NAME}</p>
          <nav aria-label="Subscribe" className="flex gap-3 text-sm">
            <a href="/status/feed.atom" className="text-sky-800 underline underline-offset-2 dark:text-sky-300">
              Atom feed
            </a>
            <a href="/status/summary.json" className="text-sky-800 underline underline-offset-2 dark:text-sky-300">
              JSON summary
            </a>
          </nav>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-3xl space-y-8 px-4 py-6">
        {!s || !served ? (
          <section aria-labelledby="status-heading" className="space-y-2">
            <h1 id="status-heading" className="text-2xl font-semibold">
              Status unavailable
            </h1>
            <p className="text-slate-700 dark:text-slate-300">
              The status cannot be read right now. This page tries again by itself every {REFRESH_SECONDS} seconds.
            </p>
          </section>
        ) : (
          <>
            <section aria-labelledby="status-heading" className="space-y-2">
              <h1
                id="status-heading"
                data-testid="status-summary"
                data-indicator={s.indicator}
                className={`rounded-xl px-4 py-4 text-xl font-semibold ${headline[worst]}`}
              >
                {s.description}
              </h1>
              <p data-testid="status-as-of" className="text-sm text-slate-700 dark:text-slate-300">
                Status <time dateTime={s.asOf}>{asOfWords(s.asOf, nowMs)}</time>. All times are UTC.
              </p>
              {served.fromMemory && (
                <p
                  role="status"
                  data-testid="status-from-memory"
                  className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:bg-amber-950/60 dark:text-amber-100"
                >
                  We cannot refresh the status right now; this is the last status we know, {asOfWords(s.asOf, nowMs)}.
                </p>
              )}
            </section>

            {open.length > 0 && (
              <section aria-labelledby="active-heading" className="space-y-3">
                <h2 id="active-heading" className="text-lg font-semibold">
                  Active incidents
                </h2>
                {open.map((i) => (
                  <Incident key={i.id} incident={i} level="h3" />
                ))}
              </section>
            )}

            {s.maintenances.length > 0 && (
              <section aria-labelledby="maintenance-heading" className="space-y-3">
                <h2 id="maintenance-heading" className="text-lg font-semibold">
                  Scheduled maintenance
                </h2>
                {s.maintenances.map((m) => (
                  <Maintenance key={m.id} m={m} status={s} />
                ))}
              </section>
            )}

            <section aria-labelledby="components-heading">
              <h2 id="components-heading" className="text-lg font-semibold">
                Components
              </h2>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                Uptime per day over the last 90 days; grey days have no data.
              </p>
              {groups.map((g) => (
                <div key={g} className="mt-4">
                  <h3 className="text-base font-semibold">{g}</h3>
                  <ul className="divide-y divide-slate-200 dark:divide-slate-800">
                    {s.components
                      .filter((c) => c.group === g)
                      .map((c) => (
                        <ComponentRow key={c.id} c={c} />
                      ))}
                  </ul>
                </div>
              ))}
            </section>

            <section aria-labelledby="history-heading" className="space-y-3">
              <h2 id="history-heading" className="text-lg font-semibold">
                Past incidents
              </h2>
              {past.length ? (
                past.map((i) => <Incident key={i.id} incident={i} level="h3" />)
              ) : (
                <p className="text-sm text-slate-700 dark:text-slate-300">No incidents in the last 90 days.</p>
              )}
            </section>
          </>
        )}
      </main>
      <footer className="mx-auto max-w-3xl px-4 pb-8 text-sm text-slate-600 dark:text-slate-400">
        {served && <>Served {utc(served.servedAt)}.</>}
      </footer>
    </>
  );
}
