"use client";

import type { RegionView } from "@/lib/fleet-view";
import {
  formatBytes,
  formatBytesPerSecond,
  formatPercent,
  formatRate,
  formatSeconds,
  formatUsd,
  formatUsdPerHour,
} from "@/lib/units";
import { StatusBadge } from "@/components/ui/status-badge";
import { ComponentStatus } from "./component-status";
import { StaleNotice } from "./stale-notice";
import { Fact, FactCard, Mono } from "./fact-list";
import { Timestamp } from "./timestamp";
import { useFleet } from "./use-fleet";

const ms = (n: number) => `${Math.round(n)} ms`;

/** Everything the console knows about one region now, live: status and reasons, API, database, mirrors, CDN. */
export function RegionDetail({ id }: { id: string }) {
  const { data, error, isError } = useFleet();
  if (!data)
    return <p className="text-slate-500">{isError ? `Cannot load the region: ${error.message}` : "Loading region…"}</p>;
  const region = data.regions.find((r) => r.id === id);
  if (!region) return <p role="alert">{id} is no longer in the fleet file.</p>;
  return (
    <div className="space-y-4">
      <header data-testid={`region-${region.id}`} className="space-y-2">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <h1 className="text-xl font-semibold">{region.id}</h1>
          <StatusBadge status={region.status} />
        </div>
        <p className="text-sm text-slate-500 dark:text-slate-400">{region.displayName}</p>
        <StaleNotice region={region} />
        {region.reasons.length > 0 && (
          <ul
            data-testid="region-reasons"
            className="list-disc space-y-0.5 rounded-lg bg-amber-50 py-2 pr-3 pl-8 text-sm text-amber-950 dark:bg-amber-900/20 dark:text-amber-100"
          >
            {region.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
      </header>
      {isError && (
        <p
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-900/30 dark:text-red-100"
        >
          Live updates failed ({error.message}); showing data from <Timestamp iso={data.generatedAt} />.
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-2 lg:grid-cols-3">
        <RegionFacts region={region} />
        <ApiFacts region={region} />
        <DatabaseFacts region={region} simulated={data.simulated} />
        <MirrorFacts region={region} />
        <CdnFacts region={region} />
      </div>
    </div>
  );
}

function RegionFacts({ region }: { region: RegionView }) {
  return (
    <FactCard title="Region">
      <Fact label="Role configured">
        <span className="capitalize">{region.role}</span>
      </Fact>
      <Fact label="Role observed" testId="observed-role">
        {region.observedRole ?? "unknown"}
        {region.observedRole && region.observedRole !== region.role && (
          <span className="text-amber-700 dark:text-amber-300"> (differs)</span>
        )}
      </Fact>
      <Fact label="Last seen">{region.lastSeenAt ? <Timestamp iso={region.lastSeenAt} stack /> : "never"}</Fact>
      <Fact label="Last checked">
        {region.checkedAt ? <Timestamp iso={region.checkedAt} stack /> : "not yet checked"}
      </Fact>
      <Fact label="Status since">{region.changedAt ? <Timestamp iso={region.changedAt} stack /> : "—"}</Fact>
      <Fact label="API URL">
        <Mono>{region.apiUrl}</Mono>
      </Fact>
    </FactCard>
  );
}

function ApiFacts({ region }: { region: RegionView }) {
  const api = region.sample?.api;
  return (
    <FactCard
      title="Region API"
      testId="region-api"
      aside={<ComponentStatus status={api ? (api.up ? "up" : "down") : null} />}
    >
      {!api ? (
        <Fact label="Status">not yet checked</Fact>
      ) : api.up ? (
        <>
          <Fact label="Latency">{ms(api.latencyMs)}</Fact>
          <Fact label="Its own status">{api.health.status}</Fact>
          {api.health.db && (
            <>
              <Fact label="Database connected">
                {api.health.db.connected == null ? "—" : api.health.db.connected ? "yes" : "no"}
              </Fact>
              <Fact label="Database writable">
                {api.health.db.writable == null ? "—" : api.health.db.writable ? "yes" : "no"}
              </Fact>
              {api.health.db.lastError && <Fact label="Last error">{api.health.db.lastError}</Fact>}
            </>
          )}
        </>
      ) : (
        <>
          <Fact label="Problem">{api.timedOut ? `no answer within ${ms(api.latencyMs)}` : api.error}</Fact>
        </>
      )}
    </FactCard>
  );
}

function DatabaseFacts({ region, simulated }: { region: RegionView; simulated: boolean }) {
  const db = region.sample?.db;
  const lag = region.sample?.lag;
  if (simulated || db === null) {
    return (
      <FactCard title="Database" testId="region-db">
        <Fact label="Status">simulated</Fact>
      </FactCard>
    );
  }
  return (
    <FactCard
      title="Database"
      testId="region-db"
      aside={<ComponentStatus status={db ? (db.up ? "up" : "down") : null} />}
    >
      {!db ? (
        <Fact label="Status">not yet checked</Fact>
      ) : !db.up ? (
        <>
          <Fact label="Error">{db.error}</Fact>
          <LastKnown region={region} />
        </>
      ) : (
        <>
          <Fact label="Latency">{ms(db.latencyMs)}</Fact>
          <Fact label="In recovery">{db.inRecovery ? "yes (replica)" : "no (primary)"}</Fact>
          <Fact label="Timeline">{db.timeline}</Fact>
          {!db.inRecovery ? (
            <>
              <Fact label="Current LSN">
                <Mono>{db.currentLsn}</Mono>
              </Fact>
              <Fact label="Replicas connected">{db.links.length}</Fact>
              <Fact label="Slots active">
                {db.slots.length ? `${db.slots.filter((s) => s.active).length} of ${db.slots.length}` : "none"}
              </Fact>
            </>
          ) : (
            <>
              <Fact label="Lag" testId="region-lag-seconds">
                {lag?.seconds == null ? "unknown" : formatSeconds(lag.seconds)}
              </Fact>
              <Fact label="Behind by">{lag?.bytes == null ? "unknown" : formatBytes(lag.bytes)}</Fact>
              <Fact label="WAL receiver">{db.receiver ? db.receiver.status : "none"}</Fact>
              {db.receiver && (
                <Fact label="Receiver silence">
                  {db.receiver.silenceSeconds == null ? "—" : formatSeconds(db.receiver.silenceSeconds)}
                </Fact>
              )}
              <Fact label="Replay">
                {db.replayPaused ? <span className="text-amber-700 dark:text-amber-300">paused</span> : "running"}
              </Fact>
              <Fact label="Receive LSN">{db.receiveLsn ? <Mono>{db.receiveLsn}</Mono> : "—"}</Fact>
              <Fact label="Replay LSN">{db.replayLsn ? <Mono>{db.replayLsn}</Mono> : "—"}</Fact>
            </>
          )}
        </>
      )}
    </FactCard>
  );
}

function MirrorFacts({ region }: { region: RegionView }) {
  const m = region.sample?.mirrors;
  return (
    <FactCard title="Mirrors" testId="region-mirrors" aside={<ComponentStatus status={m?.status} />}>
      {!m ? (
        <Fact label="Status">not yet checked</Fact>
      ) : (
        <>
          <Fact label="Hit rate">{formatPercent(m.hitRate)}</Fact>
          <Fact label="Requests/s">{formatRate(m.requestsPerSecond)}</Fact>
          <Fact label="Error rate">{formatPercent(m.errorRate, 2)}</Fact>
          <Fact label="Last sync">{m.lastSyncAt ? <Timestamp iso={m.lastSyncAt} stack /> : "never"}</Fact>
          <Fact label="Resync">
            {m.resyncProgress == null ? "not running" : formatPercent(m.resyncProgress * 100, 0)}
          </Fact>
        </>
      )}
    </FactCard>
  );
}

function CdnFacts({ region }: { region: RegionView }) {
  const c = region.sample?.cdn;
  return (
    <FactCard
      title="CDN"
      testId="region-cdn"
      aside={<ComponentStatus status={c ? (c.enabled ? c.status : "disabled") : null} />}
    >
      {!c ? (
        <>
          <Fact label="Provider">{region.cdnProvider}</Fact>
          <Fact label="Status">not yet checked</Fact>
        </>
      ) : (
        <>
          <Fact label="Provider">{c.provider}</Fact>
          <Fact label="Enabled">{c.enabled ? "yes" : "no"}</Fact>
          <Fact label="Cache hit rate">{formatPercent(c.cacheHitRate)}</Fact>
          <Fact label="Bandwidth">{formatBytesPerSecond(c.bandwidthBytesPerSecond)}</Fact>
          <Fact label="Direct serving">{formatBytesPerSecond(c.directBytesPerSecond)}</Fact>
          <Fact label="Cost rate">{formatUsdPerHour(c.costRateUsdPerHour)}</Fact>
          <Fact label="Total cost">{formatUsd(c.costTotalUsd)}</Fact>
        </>
      )}
    </FactCard>
  );
}

/** What the console last read of a database it cannot read now, with when: never shown as current. */
function LastKnown({ region }: { region: RegionView }) {
  const last = region.sample?.lastUp;
  if (!last) return <Fact label="Last known">nothing read yet</Fact>;
  const { db } = last;
  return (
    <Fact label="Last known" testId="region-db-last-known">
      {db.inRecovery ? "replica" : "primary"}, timeline {db.timeline}, at{" "}
      <Mono>{db.inRecovery ? (db.receiveLsn ?? "—") : db.currentLsn}</Mono>{" "}
      <span className="text-slate-500 dark:text-slate-400">
        (<Timestamp iso={last.at} show="ago" />)
      </span>
    </Fact>
  );
}
