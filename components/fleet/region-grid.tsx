"use client";

import { RegionCard } from "./region-card";
import { Timestamp } from "./timestamp";
import { useFleet } from "./use-fleet";

/** The live region overview: pushes land in the fleet query; it keeps showing the last answer if they stop. */
export function RegionGrid() {
  const { data, error, isError } = useFleet();
  if (!data) {
    return <p className="text-slate-500">{isError ? `Cannot load regions: ${error.message}` : "Loading regions…"}</p>;
  }
  return (
    <section aria-label="Regions" className="space-y-3">
      {data.simulated && (
        <p
          role="note"
          data-testid="simulated-banner"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-900/30 dark:text-amber-100"
        >
          The database tier is simulated: no PostgreSQL server binaries were found on the lab machine.
        </p>
      )}
      {isError && (
        <p
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-900/30 dark:text-red-100"
        >
          Live updates failed ({error.message}); showing data from <Timestamp iso={data.generatedAt} show="ago" />.
        </p>
      )}
      {data.regions.length === 0 ? (
        <p className="text-slate-500">The fleet file lists no regions.</p>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {data.regions.map((r) => (
            <RegionCard key={r.id} region={r} simulated={data.simulated} />
          ))}
        </div>
      )}
    </section>
  );
}
