"use client";

import Link from "@/components/ui/link";
import type { GeographyTraffic, RegionTraffic, TrafficSnapshot } from "@/lib/traffic";
import type { TrafficView } from "@/lib/traffic-view";
import { formatSeconds } from "@/lib/units";
import { regionColor } from "@/components/charts/metrics";
import { Fact } from "@/components/fleet/fact-list";
import { Timestamp } from "@/components/fleet/timestamp";
import { BalancerStateBadge } from "./balancer-state-badge";
import { millis, ratio, requests } from "./format";
import { ShareBar } from "./share-bar";
import { useTraffic } from "./use-traffic";

/** Each region's colour, as on the charts: by its place in the fleet. */
const regionColors = (s: TrafficSnapshot) =>
  Object.fromEntries(s.regions.map((r, i) => [r.id, regionColor(i)])) as Record<string, string>;

const card =
  "min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900";

/**
 * The traffic page's figures, live: the global health check's answer, then per geography who serves its users now
 * and what they see, then each region's state and figures in the global load balancer.
 */
export function TrafficOverview() {
  const { data, error, isError } = useTraffic();
  if (!data)
    return (
      <p className="text-slate-500 dark:text-slate-400">
        {isError ? `Cannot load traffic figures: ${error.message}` : "Loading traffic figures…"}
      </p>
    );
  if (!data.configured) return <NoBalancer />;
  const s = data.snapshot;
  if (!s)
    return (
      <p
        data-testid="traffic-none"
        className="rounded-xl border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
      >
        No traffic figures yet: the collector has not read the global load balancer.
      </p>
    );
  const colors = regionColors(s);
  return (
    <div className="space-y-6" data-testid="traffic" data-stale={data.stale}>
      {isError && (
        <p
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-900/30 dark:text-red-100"
        >
          Live updates failed ({error.message}); showing figures from <Timestamp iso={s.at} show="ago" />.
        </p>
      )}
      <TrafficStaleNotice view={data} />
      <GlobalHealth snapshot={s} stale={data.stale} />
      {!s.balancer.reachable && (
        <p
          role="alert"
          data-testid="balancer-unreachable"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-900/30 dark:text-red-100"
        >
          The global load balancer&apos;s runtime API cannot be read: {s.balancer.error ?? "no answer"}. Its
          regions&apos; states are unknown until it answers.
        </p>
      )}
      {s.usersError && (
        <p
          role="note"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-900/30 dark:text-amber-100"
        >
          The users&apos; figures cannot be read: {s.usersError}.
        </p>
      )}
      <section aria-labelledby="geographies-heading" className="space-y-3">
        <div>
          <h2 id="geographies-heading" className="text-lg font-semibold">
            Users by geography
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {s.usersWindowSeconds
              ? `As the users see it, over the last ${formatSeconds(s.usersWindowSeconds)}.`
              : "From the balancer's own figures: this fleet has no users' figures (usersUrl)."}
          </p>
        </div>
        <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-3">
          {s.geographies.map((g) => (
            <GeographyCard key={g.id} geography={g} colors={colors} stale={data.stale} />
          ))}
        </div>
      </section>
      <section aria-labelledby="balancer-regions-heading" className="space-y-3">
        <h2 id="balancer-regions-heading" className="text-lg font-semibold">
          Regions in the balancer
        </h2>
        <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-3">
          {s.regions.map((r) => (
            <RegionCard key={r.id} region={r} color={colors[r.id]!} stale={data.stale} />
          ))}
        </div>
      </section>
    </div>
  );
}

function NoBalancer() {
  return (
    <div
      data-testid="traffic-empty"
      className="space-y-2 rounded-xl border border-dashed border-slate-300 px-4 py-8 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
    >
      <p className="font-medium text-slate-800 dark:text-slate-200">This fleet has no global load balancer.</p>
      <p>
        Its fleet file has no <code className="font-mono">balancer</code> section, so there is no traffic to show. Name
        the balancer there (its frontend, its runtime API and the geographies) and this page fills in.
      </p>
    </div>
  );
}

/** Says plainly that the traffic figures are old, since when, and why that may be. */
export function TrafficStaleNotice({ view }: { view: TrafficView }) {
  if (!view.stale || !view.snapshot) return null;
  return (
    <p
      data-testid="traffic-stale"
      role="status"
      className="rounded-lg border border-dashed border-slate-400 bg-slate-50 px-3 py-2 text-sm text-slate-800 dark:border-slate-600 dark:bg-slate-950/50 dark:text-slate-200"
    >
      <strong>
        Stale since <Timestamp iso={view.snapshot.at} show="full" />
      </strong>
      : no traffic snapshot for {formatSeconds(view.ageSeconds ?? 0)}. The figures below are the last known; the
      collector may be stalled, its console frozen, or the store unreachable.
    </p>
  );
}

function GlobalHealth({ snapshot, stale }: { snapshot: TrafficSnapshot; stale: boolean }) {
  const h = snapshot.globalHealth;
  return (
    <section
      aria-labelledby="global-health-heading"
      data-testid="global-health"
      data-ok={h.ok}
      className={`${card} flex flex-wrap items-start justify-between gap-x-8 gap-y-3`}
    >
      <div className="space-y-1">
        <h2 id="global-health-heading" className="font-semibold">
          Global health check
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          <code className="font-mono">GET /health</code> through the global load balancer, as users would get it.
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Checked <Timestamp iso={snapshot.at} />
        </p>
      </div>
      <div className="space-y-1 text-right">
        <span
          className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-sm font-medium ring-1 ring-inset ${
            stale
              ? "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300"
              : h.ok
                ? "bg-emerald-100 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-900/40 dark:text-emerald-200"
                : "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200"
          }`}
        >
          {h.ok ? "answering" : "failing"}
          {stale ? " (stale)" : ""}
        </span>
        <p className="text-sm tabular-nums">
          {h.status !== null ? `HTTP ${h.status}` : (h.error ?? "no answer")}
          {h.latencyMs !== null && ` · ${millis(h.latencyMs)}`}
          {h.servedBy && ` · served by ${h.servedBy}`}
        </p>
        {h.status !== null && h.error && <p className="text-sm text-red-700 dark:text-red-300">{h.error}</p>}
      </div>
    </section>
  );
}

function GeographyCard({
  geography: g,
  colors,
  stale,
}: {
  geography: GeographyTraffic;
  colors: Record<string, string>;
  stale: boolean;
}) {
  const away = g.servedBy !== null && g.servedBy !== g.home;
  return (
    <article
      data-testid={`traffic-geography-${g.id}`}
      data-served-by={g.servedBy ?? ""}
      aria-labelledby={`geography-${g.id}-name`}
      className={`${card} space-y-3 ${away && !stale ? "border-amber-300 dark:border-amber-800" : ""}`}
    >
      <header>
        <h3 id={`geography-${g.id}-name`} className="font-semibold">
          {g.displayName}
        </h3>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Home <span className="font-medium">{g.home}</span>
        </p>
      </header>
      <div>
        <p className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">
          {stale ? "Last known served by" : "Served by now"}
        </p>
        <p className="text-lg font-semibold" data-testid="served-by">
          {g.servedBy ?? "nobody"}
        </p>
        {away && (
          <p className="text-sm text-amber-800 dark:text-amber-200" data-testid="failed-over">
            Failed over from {g.home}
          </p>
        )}
      </div>
      <ShareBar shares={g.shares} colors={colors} />
      <dl className="space-y-1 text-sm">
        <Fact label="Requests/s" testId="geography-rps">
          {requests(g.requestsPerSecond)}
        </Fact>
        <Fact label="Error rate" testId="geography-error-rate">
          {ratio(g.errorRate)}
        </Fact>
        <Fact label="p95 latency" testId="geography-p95">
          {millis(g.p95Ms)}
        </Fact>
        <Fact label="p50 latency">{millis(g.p50Ms)}</Fact>
        <Fact label="Fails over to">{g.order.slice(1).join(" → ") || "—"}</Fact>
      </dl>
    </article>
  );
}

function RegionCard({ region: r, color, stale }: { region: RegionTraffic; color: string; stale: boolean }) {
  return (
    <article
      data-testid={`traffic-region-${r.id}`}
      data-state={r.state}
      aria-labelledby={`traffic-region-${r.id}-name`}
      className={`${card} space-y-3`}
    >
      <header className="flex items-start justify-between gap-2">
        <h3 id={`traffic-region-${r.id}-name`} className="flex items-center gap-2 font-semibold">
          <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full" style={{ backgroundColor: color }} />
          <Link href={`/regions/${r.id}`} className="hover:underline">
            {r.id}
          </Link>
        </h3>
        <BalancerStateBadge state={r.state} stale={stale} />
      </header>
      <dl className="space-y-1 text-sm">
        <Fact label="Weight" testId="region-weight">
          {r.weight ?? "—"}
        </Fact>
        <Fact label="Requests/s" testId="region-rps">
          {requests(r.requestsPerSecond)}
        </Fact>
        <Fact label="Error rate">{ratio(r.errorRate)}</Fact>
        <Fact label="Avg response">{millis(r.avgResponseMs)}</Fact>
        <Fact label="Health check">{r.check ?? "—"}</Fact>
      </dl>
    </article>
  );
}
