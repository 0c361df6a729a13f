import { Timestamp } from "@/components/fleet/timestamp";
import { link, muted, panel } from "@/components/incidents/styles";
import type { ActionRun, Check } from "@/lib/actions/run";
import { CheckList } from "@/components/actions/check-list";
import { PlanList } from "@/components/actions/plan-list";

/**
 * The pre-flight as last observed (at the request, and again right before the start), a lead's override of it
 * with the failing checks it covers (what its author saw), and a re-check before the start that found something
 * the override did not cover: what changed, and for a lead, a way to the override form again.
 */
export function RunPreflight({ run, canOverride = false }: { run: ActionRun; canOverride?: boolean }) {
  const failing = run.preflight.filter((c) => !c.ok).length;
  return (
    <section
      aria-labelledby="preflight-heading"
      data-testid="preflight"
      data-ok={failing === 0}
      className={`${panel} space-y-3`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="preflight-heading" className="text-lg font-semibold">
          Pre-flight
        </h2>
        {run.preflightAt && (
          <span className={`text-xs ${muted}`}>
            observed <Timestamp iso={run.preflightAt} show="ago" />
          </span>
        )}
      </div>
      <p className={`text-sm ${muted}`}>
        {run.preflight.length
          ? failing
            ? `${failing} of ${run.preflight.length} checks failed.`
            : `All ${run.preflight.length} checks passed.`
          : "No pre-flight checks."}
      </p>
      <CheckList checks={run.preflight} />
      {run.override && (
        <div
          data-testid="override"
          className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100"
        >
          <p className="font-medium">
            Overridden by {run.override.by.name} · <Timestamp iso={run.override.at} />
          </p>
          <p className="mt-1 whitespace-pre-wrap">{run.override.reason}</p>
          {run.override.covers.length > 0 && (
            <div data-testid="override-covers" className="mt-2">
              <p className="text-xs font-medium">
                It covers these failing checks, as {run.override.by.name} saw them; anything else failing before the
                start voids it:
              </p>
              <CoveredList checks={run.override.covers} />
            </div>
          )}
        </div>
      )}
      <RecheckNotice run={run} canOverride={canOverride} />
    </section>
  );
}

/** The dry run recorded with the request: exactly what it does, in order. */
export function RunPlan({ run }: { run: ActionRun }) {
  return (
    <section aria-labelledby="plan-heading" className={`${panel} space-y-3`}>
      <h2 id="plan-heading" className="text-lg font-semibold">
        Plan
      </h2>
      <PlanList plan={run.plan} />
    </section>
  );
}

/** Failing checks as they were seen: label, id and the value observed then. */
function CoveredList({ checks }: { checks: Check[] }) {
  return (
    <ul className="mt-1 space-y-1">
      {checks.map((c) => (
        <li key={c.id} data-testid="covered-check" data-check-id={c.id} className="text-sm">
          <span className="font-medium">{c.label}</span> <span className="font-mono text-xs">[{c.id}]</span>
          <span className="block font-mono text-xs break-words opacity-90">
            <span className="sr-only">Observed then: </span>
            {c.observed}
            {c.confirm && ` · confirmed by typing ${c.confirm}`}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The last re-check before the start that found failing checks nothing covered, while it is the latest word:
 * it stopped the run (still waiting) and cleared the override it voided. Gone once a new override is given.
 */
function RecheckNotice({ run, canOverride }: { run: ActionRun; canOverride: boolean }) {
  const r = run.recheck;
  if (!r || run.status !== "pending" || (run.override && Date.parse(run.override.at) > Date.parse(r.at))) return null;
  const lapsed = r.lapsed;
  return (
    <div
      role="status"
      data-testid="preflight-recheck"
      className="space-y-2 rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-950 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100"
    >
      <p className="font-medium">
        Re-checked before the start · <Timestamp iso={r.at} />:{" "}
        {lapsed
          ? `the pre-flight differed from what ${lapsed.by.name}'s override covered, so nothing ran and the override was cleared.`
          : "the pre-flight differed from the one recorded, so nothing ran."}
      </p>
      <div>
        <p className="text-xs font-medium">Failing now and not covered:</p>
        <CoveredList checks={r.changed} />
      </div>
      {lapsed && (
        <div>
          <p className="text-xs font-medium">The cleared override ({lapsed.reason}) covered only:</p>
          {lapsed.covers.length ? <CoveredList checks={lapsed.covers} /> : <p className="text-xs">nothing recorded</p>}
        </div>
      )}
      {canOverride ? (
        <p>
          <a href="#override-form" className={`${link} font-medium`} data-testid="override-again">
            Override again
          </a>{" "}
          if it is still safe to go ahead with what fails now.
        </p>
      ) : (
        <p className="text-xs">A lead must override again, covering what fails now, before it can run.</p>
      )}
    </div>
  );
}
