"use client";

import Link from "@/components/ui/link";
import { mirrorsView } from "@/lib/fleet-view";
import { formatPercent, formatRate } from "@/lib/units";
import { ComponentStatus } from "@/components/fleet/component-status";
import { StackCell, StackRow, StackTable } from "@/components/fleet/stack-table";
import { Timestamp } from "@/components/fleet/timestamp";
import { useFleet } from "@/components/fleet/use-fleet";

/** Each region's mirror storage: status, hit rate, traffic, last sync and resync progress. A table, or cards on a phone. */
export function MirrorsTable() {
  const { data, error, isError } = useFleet();
  if (!data)
    return <p className="text-slate-500">{isError ? `Cannot load mirrors: ${error.message}` : "Loading mirrors…"}</p>;
  const view = mirrorsView(data);
  if (view.regions.length === 0) return <p className="text-slate-500">The fleet file lists no regions.</p>;
  return (
    <StackTable
      label="Mirrors by region"
      columns={["Region", "Status", "Hit rate", "Requests/s", "Error rate", "Last sync", "Resync"]}
    >
      {view.regions.map((m) => {
        const region = data.regions.find((r) => r.id === m.regionId);
        const full = "requestsPerSecond" in m ? m : null;
        return (
          <StackRow
            key={m.regionId}
            data-testid={`mirror-${m.regionId}`}
            data-status={m.status}
            data-hit-rate={m.hitRate ?? ""}
          >
            <StackCell label="Region" head>
              <Link href={`/regions/${m.regionId}`} className="hover:underline">
                {m.regionId}
              </Link>
              {region && (
                <span className="block text-xs font-normal text-slate-500 dark:text-slate-400">
                  {region.displayName}
                </span>
              )}
            </StackCell>
            <StackCell label="Status">
              <ComponentStatus status={m.status} testId="mirror-status" />
            </StackCell>
            <StackCell label="Hit rate" testId="mirror-hit-rate">
              <span
                className={`font-semibold ${m.hitRate != null && m.hitRate < 60 ? "text-red-700 dark:text-red-300" : ""}`}
              >
                {m.hitRate == null ? "—" : formatPercent(m.hitRate)}
              </span>
            </StackCell>
            <StackCell label="Requests/s">{full ? formatRate(full.requestsPerSecond) : "—"}</StackCell>
            <StackCell label="Error rate">{full ? formatPercent(full.errorRate, 2) : "—"}</StackCell>
            <StackCell label="Last sync">
              {full?.lastSyncAt ? <Timestamp iso={full.lastSyncAt} show="full" className="text-xs" /> : "—"}
            </StackCell>
            <StackCell label="Resync">
              {full?.resyncProgress != null ? formatPercent(full.resyncProgress * 100, 0) : "—"}
            </StackCell>
          </StackRow>
        );
      })}
    </StackTable>
  );
}
