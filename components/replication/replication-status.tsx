"use client";

import Link from "@/components/ui/link";
import { replicationView } from "@/lib/fleet-view";
import { formatBytes, formatSeconds } from "@/lib/units";
import { ComponentStatus } from "@/components/fleet/component-status";
import { Fact, Mono } from "@/components/fleet/fact-list";
import { Timestamp } from "@/components/fleet/timestamp";
import { StatusBadge } from "@/components/ui/status-badge";
import { useFleet } from "@/components/fleet/use-fleet";

type Replica = ReturnType<typeof replicationView>["replicas"][number];

const yesNo = (b: boolean | null | undefined) => (b == null ? "—" : b ? "yes" : "no");
const seconds = (s: number | null | undefined) => (s == null ? "—" : formatSeconds(s));
const bytes = (b: number | null | undefined) => (b == null ? "—" : formatBytes(b));

/** What a replica is doing, in one word. */
function replicaState(r: Replica): string {
  if (r.up === null) return "unknown";
  if (!r.up) return "down";
  if (r.inRecovery === false) return "promoted";
  if (r.streaming) return "streaming";
  return "stopped";
}

/** Which server is primary now, and one card per replica: lag, LSNs, receiver, slot and the primary's view of the link. */
export function ReplicationStatus() {
  const { data, error, isError } = useFleet();
  if (!data)
    return (
      <p className="text-slate-500">{isError ? `Cannot load replication: ${error.message}` : "Loading replication…"}</p>
    );
  const view = replicationView(data);
  const primaryRegion = data.regions.find((r) => r.id === view.primary?.regionId);

  return (
    <div className="space-y-4">
      {data.simulated && (
        <p
          role="note"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-900/30 dark:text-amber-100"
        >
          The database tier is simulated: there are no real replication figures to show.
        </p>
      )}
      {isError && (
        <p
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-900/30 dark:text-red-100"
        >
          Live updates failed ({error.message}); showing data from <Timestamp iso={data.generatedAt} />.
        </p>
      )}

      <section
        data-testid="primary"
        data-region={view.primary?.regionId ?? ""}
        aria-label="Primary"
        className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        {!view.primary ? (
          <p className="text-slate-600 dark:text-slate-400">No server is serving as primary.</p>
        ) : (
          <div className="flex flex-wrap items-start justify-between gap-x-8 gap-y-3">
            <div>
              <p className="text-sm text-slate-500 dark:text-slate-400">Primary now</p>
              <p className="text-lg font-semibold">
                <Link href={`/regions/${view.primary.regionId}`} className="hover:underline">
                  {view.primary.regionId}
                </Link>
                {primaryRegion && primaryRegion.role !== "primary" && (
                  <span className="ml-2 text-sm font-normal text-amber-700 dark:text-amber-300">
                    (configured as a replica: promoted)
                  </span>
                )}
              </p>
              {primaryRegion && (
                <p className="text-sm text-slate-500 dark:text-slate-400">{primaryRegion.displayName}</p>
              )}
            </div>
            <dl className="grid grow grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grow-0 sm:grid-cols-4">
              <div>
                <dt className="text-slate-500 dark:text-slate-400">Database</dt>
                <dd className="font-medium" data-testid="primary-db">
                  {view.primary.up === null ? "not yet checked" : view.primary.up ? "up" : "down"}
                </dd>
              </div>
              <div>
                <dt className="text-slate-500 dark:text-slate-400">Timeline</dt>
                <dd className="font-medium tabular-nums" data-testid="primary-timeline">
                  {view.primary.timeline ?? "—"}
                </dd>
              </div>
              <div className="col-span-2 sm:col-span-1">
                <dt className="text-slate-500 dark:text-slate-400">Current LSN</dt>
                <dd className="font-medium" data-testid="primary-lsn">
                  {view.primary.currentLsn ? <Mono>{view.primary.currentLsn}</Mono> : "—"}
                </dd>
              </div>
              <div>
                <dt className="text-slate-500 dark:text-slate-400">Slots active</dt>
                <dd className="font-medium tabular-nums">
                  {view.primary.slots.length
                    ? `${view.primary.slots.filter((s) => s.active).length} of ${view.primary.slots.length}`
                    : "—"}
                </dd>
              </div>
            </dl>
          </div>
        )}
      </section>

      {view.replicas.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400">
          The fleet has no replicas.
        </p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {view.replicas.map((r) => (
            <ReplicaCard key={r.regionId} replica={r} />
          ))}
        </div>
      )}
    </div>
  );
}

function ReplicaCard({ replica: r }: { replica: Replica }) {
  const state = replicaState(r);
  const rx = r.receiver;
  return (
    <article
      data-testid={`replica-${r.regionId}`}
      data-state={state}
      data-streaming={String(r.streaming)}
      data-up={r.up === null ? "unknown" : String(r.up)}
      data-replay-paused={r.replayPaused === null ? "unknown" : String(r.replayPaused)}
      data-lag-seconds={r.lagSeconds ?? ""}
      data-lag-bytes={r.lagBytes ?? ""}
      aria-labelledby={`replica-${r.regionId}-name`}
      className="min-w-0 space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <header className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={`replica-${r.regionId}-name`} className="font-semibold">
          <Link href={`/regions/${r.regionId}`} className="hover:underline">
            {r.regionId}
          </Link>
        </h2>
        <div className="flex items-center gap-2">
          <ComponentStatus status={state} testId="replica-state" />
          <StatusBadge status={r.status} />
        </div>
      </header>

      <div className="grid grid-cols-2 gap-3">
        <div className="rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-950/50">
          <p className="text-xs text-slate-500 dark:text-slate-400">Lag</p>
          <p
            data-testid="replica-lag-seconds"
            className={`text-xl font-semibold tabular-nums ${r.lagSeconds != null && r.lagSeconds > 5 ? "text-red-700 dark:text-red-300" : ""}`}
          >
            {r.lagSeconds == null ? "unknown" : formatSeconds(r.lagSeconds)}
          </p>
        </div>
        <div className="rounded-lg bg-slate-50 px-3 py-2 dark:bg-slate-950/50">
          <p className="text-xs text-slate-500 dark:text-slate-400">Behind by</p>
          <p data-testid="replica-lag-bytes" className="text-xl font-semibold tabular-nums">
            {r.lagBytes == null ? "unknown" : formatBytes(r.lagBytes)}
          </p>
        </div>
      </div>

      <div className="grid gap-3 sm:grid-cols-2">
        <FactCardInline title="On the replica">
          <Fact label="Database">
            {r.up === null
              ? "not yet checked"
              : r.up
                ? r.inRecovery
                  ? "up, in recovery"
                  : "up, not in recovery"
                : "down"}
          </Fact>
          <Fact label="Replay" testId="replica-replay">
            {r.replayPaused == null ? (
              "—"
            ) : r.replayPaused ? (
              <span className="text-amber-700 dark:text-amber-300">paused</span>
            ) : (
              "running"
            )}
          </Fact>
          <Fact label="Timeline">{r.timeline ?? "—"}</Fact>
          <Fact label="Receive LSN">{r.receiveLsn ? <Mono>{r.receiveLsn}</Mono> : "—"}</Fact>
          <Fact label="Replay LSN">{r.replayLsn ? <Mono>{r.replayLsn}</Mono> : "—"}</Fact>
          <Fact label="Last replayed">
            {r.lastReplayAt ? <Timestamp iso={r.lastReplayAt} show="full" className="text-xs" /> : "—"}
          </Fact>
          <Fact label="WAL receiver" testId="replica-receiver">
            {rx ? rx.status : r.up ? "none" : "—"}
          </Fact>
          {rx && <Fact label="Silence">{seconds(rx.silenceSeconds)}</Fact>}
          {rx?.senderHost && (
            <Fact label="Sender">
              <Mono>
                {rx.senderHost}:{rx.senderPort ?? "?"}
              </Mono>
            </Fact>
          )}
        </FactCardInline>

        <div className="space-y-3">
          <FactCardInline
            title="Slot on the primary"
            testId="replica-slot"
            empty={r.slot ? undefined : "No slot found on the primary."}
          >
            {r.slot && (
              <>
                <Fact label="Name">
                  <Mono>{r.slot.name}</Mono>
                </Fact>
                <Fact label="Active" testId="replica-slot-active">
                  {yesNo(r.slot.active)}
                </Fact>
                <Fact label="WAL status">{r.slot.walStatus ?? "—"}</Fact>
                <Fact label="Retained">{bytes(r.slot.retainedBytes)}</Fact>
              </>
            )}
          </FactCardInline>
          <FactCardInline
            title="Link as the primary sees it"
            testId="replica-link"
            empty={r.link ? undefined : "Not connected to the primary."}
          >
            {r.link && (
              <>
                <Fact label="State">{r.link.state}</Fact>
                <Fact label="Sync state">{r.link.syncState}</Fact>
                <Fact label="Reply age">{seconds(r.link.replyAgeSeconds)}</Fact>
                <Fact label="Replay lag">{seconds(r.link.replayLagSeconds)}</Fact>
              </>
            )}
          </FactCardInline>
        </div>
      </div>
    </article>
  );
}

function FactCardInline({
  title,
  children,
  testId,
  empty,
}: {
  title: string;
  children?: React.ReactNode;
  testId?: string;
  empty?: string;
}) {
  return (
    <section data-testid={testId} className="min-w-0">
      <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">{title}</h3>
      {empty ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">{empty}</p>
      ) : (
        <dl className="space-y-0.5 text-sm">{children}</dl>
      )}
    </section>
  );
}
