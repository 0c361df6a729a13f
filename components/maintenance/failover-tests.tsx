import Link from "@/components/ui/link";
import { Timestamp } from "@/components/fleet/timestamp";
import { link, muted } from "@/components/incidents/styles";
import {
  failoverTestPhase,
  failoverTestPhaseLabels,
  monitorWords,
  type FailoverTestRun,
  type FailoverTestView,
} from "@/lib/failover-test";
import { formatSeconds } from "@/lib/units";

const runWords = (r: FailoverTestRun) =>
  `${r.actionId} #${r.id}, requested by ${r.requestedBy}${r.approvedBy ? `, approved by ${r.approvedBy}` : ""}`;

function RunLink({ run }: { run: FailoverTestRun }) {
  return (
    <>
      <Link href={`/actions/${run.id}`} className={link}>
        {runWords(run)}
      </Link>
      {run.finishedAt && (
        <>
          {" "}
          · <Timestamp iso={run.finishedAt} show="full" />
        </>
      )}
    </>
  );
}

/** What to do next, for a test whose window is open or whose failback is due; null when nothing is. */
function NextStep({ t, at, canRequest }: { t: FailoverTestView; at: Date; canRequest: boolean }) {
  const phase = failoverTestPhase(t, at);
  const request = (action: string, param: string, value: string, words: string) =>
    canRequest ? (
      <Link href={`/actions/new?action=${action}&${param}=${value}`} className={link}>
        {words}
      </Link>
    ) : (
      <span>{words} (engineers request it)</span>
    );
  if (phase === "due")
    return request("db.switchover", "candidate", t.candidate, `Request the switchover to ${t.candidate}`);
  if (phase === "fail-back" || phase === "monitoring")
    return request("db.failback", "region", t.primaryRegion, `Request the failback to ${t.primaryRegion}`);
  return null;
}

/** The monthly failover tests: each with its window, reminder and the record Switchyard kept of it. */
export function FailoverTests({ tests, at, canRequest }: { tests: FailoverTestView[]; at: Date; canRequest: boolean }) {
  if (!tests.length)
    return (
      <p className={`text-sm ${muted}`} data-testid="failover-tests-empty">
        No failover test on record. The runbook asks for one a month.
      </p>
    );
  return (
    <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="failover-tests">
      {tests.map((t) => {
        const phase = failoverTestPhase(t, at);
        return (
          <li
            key={t.id}
            id={`failover-test-${t.id}`}
            data-testid="failover-test"
            data-phase={phase}
            className="space-y-2 py-3"
          >
            <div className="flex flex-wrap items-center gap-2">
              <h3 className="font-semibold">
                Failover test #{t.id}: {t.primaryRegion} → {t.candidate} → {t.primaryRegion}
              </h3>
              <span
                data-testid="failover-test-phase"
                className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-800 ring-1 ring-slate-500/30 ring-inset dark:bg-slate-800 dark:text-slate-100"
              >
                {failoverTestPhaseLabels[phase]}
              </span>
            </div>
            <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
              <dt className={muted}>Window</dt>
              <dd>
                <Timestamp iso={t.startsAt} show="full" /> to <Timestamp iso={t.endsAt} show="full" />
                {t.cancelledAt && " · cancelled"}
              </dd>
              <dt className={muted}>Scheduled</dt>
              <dd>
                by {t.scheduledBy ?? "a former user"} <Timestamp iso={t.scheduledAt} show="ago" />
              </dd>
              <dt className={muted}>Reminder</dt>
              <dd data-testid="failover-test-reminder">
                {t.remindedAt ? (
                  <>
                    <Timestamp iso={t.remindedAt} show="full" />: {t.reminderNote}
                  </>
                ) : t.remindMinutes ? (
                  `${t.remindMinutes} min before the start`
                ) : (
                  "none"
                )}
              </dd>
              <dt className={muted}>Switchover</dt>
              <dd data-testid="failover-test-switchover">
                {t.switchover ? <RunLink run={t.switchover} /> : "not yet"}
              </dd>
              <dt className={muted}>Write gap</dt>
              <dd data-testid="failover-test-write-gap">
                {t.writeGapMs !== null ? formatSeconds(t.writeGapMs / 1000) : t.switchover ? "not measured" : "—"}
              </dd>
              <dt className={muted}>Monitoring (30 min)</dt>
              <dd data-testid="failover-test-monitor">{monitorWords(t, at)}</dd>
              <dt className={muted}>Failback</dt>
              <dd data-testid="failover-test-failback">{t.failback ? <RunLink run={t.failback} /> : "not yet"}</dd>
            </dl>
            <p className="text-sm">
              <NextStep t={t} at={at} canRequest={canRequest} />
            </p>
          </li>
        );
      })}
    </ul>
  );
}
