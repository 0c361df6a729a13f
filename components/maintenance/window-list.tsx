import { ConfirmButton } from "@/components/admin/confirm-button";
import { Timestamp } from "@/components/fleet/timestamp";
import { muted } from "@/components/incidents/styles";
import { componentsWords, regionsWords, type MaintenanceWindowView, type WindowPhase } from "@/lib/maintenance";
import type { CancelMaintenanceAction } from "./action-types";

const phaseLabels: Record<WindowPhase, string> = {
  active: "In progress",
  upcoming: "Scheduled",
  ended: "Ended",
  cancelled: "Cancelled",
};

const phaseStyles: Record<WindowPhase, string> = {
  active: "bg-sky-100 text-sky-900 ring-sky-600/30 dark:bg-sky-900/50 dark:text-sky-100 dark:ring-sky-400/40",
  upcoming:
    "bg-slate-100 text-slate-800 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-500/40",
  ended: "bg-white text-slate-700 ring-slate-400/30 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-600/40",
  cancelled: "bg-white text-slate-700 ring-slate-400/30 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-600/40",
};

/** One window: what it covers, when, why, who scheduled it; a lead may cancel one that has not ended. */
export function WindowCard({
  window: w,
  phase,
  cancel,
}: {
  window: MaintenanceWindowView;
  phase: WindowPhase;
  /** given to leads and admins, for windows in progress or to come */
  cancel?: CancelMaintenanceAction;
}) {
  return (
    <li
      data-testid="maintenance-window"
      data-window-id={w.id}
      data-phase={phase}
      aria-labelledby={`maintenance-window-${w.id}`}
      className="space-y-1.5 py-3"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={`maintenance-window-${w.id}`} className="font-semibold">
          {w.title}
        </h3>
        <span
          data-testid="maintenance-phase"
          className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${phaseStyles[phase]}`}
        >
          {phaseLabels[phase]}
        </span>
        <span className={`text-xs ${muted}`}>{w.public ? "On the status page" : "Not on the status page"}</span>
      </div>
      <p className="text-sm" data-testid="maintenance-scope">
        {componentsWords(w.components)} · {regionsWords(w.regions)}
      </p>
      <p className="text-sm">
        <Timestamp iso={w.startsAt} show="full" /> to <Timestamp iso={w.endsAt} show="full" />
      </p>
      {w.reason && <p className="text-sm whitespace-pre-line text-slate-700 dark:text-slate-300">{w.reason}</p>}
      <p className={`text-xs ${muted}`}>
        Scheduled{w.createdBy ? ` by ${w.createdBy}` : ""} <Timestamp iso={w.createdAt} show="ago" />
        {w.cancelledAt && (
          <>
            {" "}
            · cancelled{w.cancelledBy ? ` by ${w.cancelledBy}` : ""} <Timestamp iso={w.cancelledAt} show="ago" />
          </>
        )}
      </p>
      {cancel && (phase === "active" || phase === "upcoming") && (
        <ConfirmButton
          action={cancel}
          fields={{ id: String(w.id) }}
          label="Cancel"
          ariaLabel={`Cancel the maintenance window ${w.title}`}
          question={
            phase === "active" ? "End this window now? Alerts page as usual from then on." : "Cancel this window?"
          }
          confirmLabel="Cancel window"
          pendingLabel="Cancelling…"
        />
      )}
    </li>
  );
}

/** A list of windows in one phase, or a sentence when there is none. */
export function WindowList({
  windows,
  phaseOf,
  empty,
  cancel,
  testId,
}: {
  windows: MaintenanceWindowView[];
  phaseOf: (w: MaintenanceWindowView) => WindowPhase;
  empty: string;
  cancel?: CancelMaintenanceAction;
  testId: string;
}) {
  if (!windows.length)
    return (
      <p className={`text-sm ${muted}`} data-testid={`${testId}-empty`}>
        {empty}
      </p>
    );
  return (
    <ul data-testid={testId} className="divide-y divide-slate-200 dark:divide-slate-800">
      {windows.map((w) => (
        <WindowCard key={w.id} window={w} phase={phaseOf(w)} cancel={cancel} />
      ))}
    </ul>
  );
}
