"use client";

import Link from "@/components/ui/link";
import { Timestamp } from "@/components/fleet/timestamp";
import { millis, ratio, requests } from "./format";
import { useTraffic } from "./use-traffic";

/**
 * The overview's compact "Global traffic": the global health check, and per geography who serves its users now
 * with what they see; links to the traffic page. Live, and marked stale when its figures are old.
 */
export function TrafficPanel() {
  const { data, error } = useTraffic();
  const s = data?.snapshot;
  const away = s?.geographies.filter((g) => g.servedBy && g.servedBy !== g.home) ?? [];
  const alarming = !!s && !data.stale && (!s.globalHealth.ok || away.length > 0);
  return (
    <section
      aria-labelledby="traffic-panel-heading"
      data-testid="traffic-panel"
      data-stale={data?.stale}
      className={`rounded-xl border bg-white p-4 shadow-sm dark:bg-slate-900 ${alarming ? "border-amber-300 dark:border-amber-800" : "border-slate-200 dark:border-slate-800"}`}
    >
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id="traffic-panel-heading" className="font-semibold">
          Global traffic
        </h2>
        <Link href="/traffic" className="text-sm text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
          Traffic details
        </Link>
      </div>
      {!data ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {error ? `Traffic figures could not be loaded: ${error.message}` : "Loading…"}
        </p>
      ) : !data.configured ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">This fleet has no global load balancer.</p>
      ) : !s ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No traffic figures yet.</p>
      ) : (
        <div className="space-y-2">
          {data.stale && (
            <p role="status" data-testid="traffic-panel-stale" className="text-sm font-medium">
              Stale since <Timestamp iso={s.at} show="ago" />: the figures below are the last known.
            </p>
          )}
          <p className="flex items-center gap-2 text-sm">
            <span
              aria-hidden
              className={`h-2 w-2 rounded-full ${data.stale ? "bg-slate-400" : s.globalHealth.ok ? "bg-emerald-500" : "bg-red-500"}`}
            />
            <span>
              Global health check{" "}
              <span className="font-medium">
                {s.globalHealth.ok ? "answering" : "failing"}
                {s.globalHealth.status !== null ? ` (HTTP ${s.globalHealth.status})` : ""}
              </span>
            </span>
          </p>
          <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {s.geographies.map((g) => (
              <li
                key={g.id}
                data-testid={`traffic-panel-${g.id}`}
                data-served-by={g.servedBy ?? ""}
                className="flex flex-wrap items-baseline justify-between gap-x-3 py-1.5"
              >
                <span>
                  <span className="font-medium">{g.displayName}</span> →{" "}
                  <span
                    className={
                      g.servedBy && g.servedBy !== g.home ? "font-medium text-amber-800 dark:text-amber-200" : ""
                    }
                  >
                    {g.servedBy ?? "nobody"}
                  </span>
                  {g.servedBy && g.servedBy !== g.home && <span className="sr-only"> (failed over from {g.home})</span>}
                </span>
                <span className="text-xs text-slate-600 tabular-nums dark:text-slate-400">
                  {requests(g.requestsPerSecond)} · {ratio(g.errorRate)} errors · p95 {millis(g.p95Ms)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
