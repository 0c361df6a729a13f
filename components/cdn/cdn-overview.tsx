"use client";

import Link from "@/components/ui/link";
import { cdnHitRateByProvider } from "@/lib/alert-rules";
import type { CdnSample } from "@/lib/fleet-sample";
import { cdnView } from "@/lib/fleet-view";
import { formatBytesPerSecond, formatPercent, formatRate, formatUsd, formatUsdPerHour } from "@/lib/units";
import { ComponentStatus } from "@/components/fleet/component-status";
import { Fact } from "@/components/fleet/fact-list";
import { useFleet } from "@/components/fleet/use-fleet";

const categoryLabels: Record<string, string> = { direct: "Direct serving", interRegion: "Inter-region transfer" };

/** Fleet totals, then each region's CDN: provider, status, cache hit rate, bandwidth and what it costs. */
export function CdnOverview() {
  const { data, error, isError } = useFleet();
  if (!data)
    return (
      <p className="text-slate-500">{isError ? `Cannot load CDN figures: ${error.message}` : "Loading CDN figures…"}</p>
    );
  const view = cdnView(data);
  const full = view.regions.filter(
    (r): r is CdnSample & { regionId: string; ageSeconds: number | null } => "costRateUsdPerHour" in r,
  );
  const byProvider = Object.entries(cdnHitRateByProvider(data.regions));
  const sum = (f: (r: CdnSample) => number) => full.reduce((a, r) => a + f(r), 0);

  return (
    <div className="space-y-4">
      <section aria-label="Fleet totals" data-testid="cdn-totals" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Total label="Total cost" testId="cdn-total-cost" value={formatUsd(view.totalCostUsd)} />
        <Total label="Cost rate" value={full.length ? formatUsdPerHour(sum((r) => r.costRateUsdPerHour)) : "—"} />
        <Total
          label="CDN bandwidth"
          value={full.length ? formatBytesPerSecond(sum((r) => r.bandwidthBytesPerSecond)) : "—"}
        />
        <Total
          label="Direct serving"
          value={full.length ? formatBytesPerSecond(sum((r) => r.directBytesPerSecond)) : "—"}
        />
      </section>
      {byProvider.length > 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Cache hit rate by provider (weighted by requests):{" "}
          {byProvider.map(([p, rate], i) => (
            <span key={p}>
              {i > 0 && ", "}
              <span className="font-medium text-slate-800 dark:text-slate-200">{p}</span> {formatPercent(rate)}
            </span>
          ))}
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-3">
        {view.regions.map((r) => {
          const c = "costRateUsdPerHour" in r ? r : null;
          const region = data.regions.find((x) => x.id === r.regionId);
          return (
            <article
              key={r.regionId}
              data-testid={`cdn-${r.regionId}`}
              data-provider={r.provider}
              data-status={r.status}
              data-hit-rate={r.cacheHitRate ?? ""}
              aria-labelledby={`cdn-${r.regionId}-name`}
              className="min-w-0 space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
            >
              <header className="flex items-start justify-between gap-2">
                <div>
                  <h2 id={`cdn-${r.regionId}-name`} className="font-semibold">
                    <Link href={`/regions/${r.regionId}`} className="hover:underline">
                      {r.regionId}
                    </Link>
                  </h2>
                  {region && <p className="text-sm text-slate-500 dark:text-slate-400">{region.displayName}</p>}
                </div>
                <ComponentStatus status={c && !c.enabled ? "disabled" : r.status} testId="cdn-status" />
              </header>
              <dl className="space-y-1 text-sm">
                <Fact label="Provider" testId="cdn-provider">
                  {r.provider}
                </Fact>
                <Fact label="Enabled">{c ? (c.enabled ? "yes" : "no") : "—"}</Fact>
                <Fact label="Cache hit rate" testId="cdn-hit-rate">
                  {r.cacheHitRate == null ? "—" : formatPercent(r.cacheHitRate)}
                </Fact>
                {c && (
                  <>
                    <Fact label="Requests/s">{formatRate(c.requestsPerSecond)}</Fact>
                    <Fact label="Error rate">{formatPercent(c.errorRate, 2)}</Fact>
                    <Fact label="Edge latency">
                      {c.edgeLatencyMs == null ? "—" : `${Math.round(c.edgeLatencyMs)} ms`}
                    </Fact>
                    <Fact label="Bandwidth">{formatBytesPerSecond(c.bandwidthBytesPerSecond)}</Fact>
                    <Fact label="Direct serving">{formatBytesPerSecond(c.directBytesPerSecond)}</Fact>
                    <Fact label="Cost rate">{formatUsdPerHour(c.costRateUsdPerHour)}</Fact>
                    <Fact label="Total cost">{formatUsd(c.costTotalUsd)}</Fact>
                  </>
                )}
              </dl>
              {c && Object.keys(c.costByCategory).length > 0 && (
                <div>
                  <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
                    Costs by category
                  </h3>
                  <dl className="space-y-0.5 text-sm">
                    {Object.entries(c.costByCategory)
                      .sort((a, b) => b[1] - a[1])
                      .map(([k, v]) => (
                        <Fact key={k} label={categoryLabels[k] ?? k}>
                          {formatUsd(v)}
                        </Fact>
                      ))}
                  </dl>
                </div>
              )}
              {!c && <p className="text-sm text-slate-500 dark:text-slate-400">Not yet checked.</p>}
            </article>
          );
        })}
      </div>
    </div>
  );
}

function Total({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-3 py-2 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <p className="text-xs text-slate-500 dark:text-slate-400">{label}</p>
      <p data-testid={testId} className="text-lg font-semibold tabular-nums">
        {value}
      </p>
    </div>
  );
}
