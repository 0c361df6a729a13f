import Link from "@/components/ui/link";
import type { RegionView } from "@/lib/fleet-view";
import { formatSeconds } from "@/lib/units";
import { StatusBadge } from "@/components/ui/status-badge";
import { Fact } from "./fact-list";
import { StaleNotice } from "./stale-notice";
import { Timestamp } from "./timestamp";

export function RegionCard({ region, simulated }: { region: RegionView; simulated: boolean }) {
  const s = region.sample;
  const roleNote =
    region.observedRole && region.observedRole !== region.role ? ` (serving as ${region.observedRole})` : "";
  return (
    <article
      data-testid={`region-${region.id}`}
      aria-labelledby={`region-${region.id}-name`}
      className="flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <header className="flex items-start justify-between gap-2">
        <div>
          <h2 id={`region-${region.id}-name`} className="font-semibold">
            <Link href={`/regions/${region.id}`} className="hover:underline">
              {region.id}
            </Link>
          </h2>
          <p className="text-sm text-slate-500 dark:text-slate-400">{region.displayName}</p>
        </div>
        <StatusBadge status={region.status} />
      </header>
      <StaleNotice region={region} />
      {region.reasons.length > 0 && (
        <ul
          data-testid="region-reasons"
          className="list-disc space-y-0.5 pl-5 text-sm text-slate-700 dark:text-slate-300"
        >
          {region.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      <dl className="space-y-1 text-sm">
        <Fact label="Role">
          <span className="capitalize">{region.role}</span>
          {roleNote}
        </Fact>
        <Fact label="Database">{simulated ? "simulated" : s?.db ? (s.db.up ? "up" : "down") : "—"}</Fact>
        <Fact label="Region API">{s ? (s.api.up ? `up · ${Math.round(s.api.latencyMs)} ms` : "down") : "—"}</Fact>
        {s?.lag && (
          <Fact label="Replication lag">{s.lag.seconds === null ? "unknown" : formatSeconds(s.lag.seconds)}</Fact>
        )}
        <Fact label="Sampled">{region.checkedAt ? <Timestamp iso={region.checkedAt} show="ago" /> : "never"}</Fact>
        <Fact label="Last seen">{region.lastSeenAt ? <Timestamp iso={region.lastSeenAt} show="ago" /> : "never"}</Fact>
      </dl>
    </article>
  );
}
