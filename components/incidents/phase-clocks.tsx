"use client";

import { Timestamp } from "@/components/fleet/timestamp";
import { phaseWindow } from "@/lib/incident-view";
import type { PhaseClock } from "@/lib/phase-clocks";
import { formatDuration } from "@/lib/units";
import { phaseLabels, type Severity } from "@/lib/severity";
import { useHydrated } from "@/components/ui/use-server-now";

const cellStyles: Record<PhaseClock["state"], string> = {
  done: "border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950/40",
  active: "border-sky-400 bg-sky-50 ring-2 ring-sky-400/40 dark:border-sky-600 dark:bg-sky-950/40",
  overdue: "border-red-500 bg-red-50 ring-2 ring-red-500/40 dark:border-red-600 dark:bg-red-950/50",
  upcoming: "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900",
};

const stateText: Record<PhaseClock["state"], string> = {
  done: "text-emerald-800 dark:text-emerald-300",
  active: "text-sky-900 dark:text-sky-200",
  overdue: "text-red-700 dark:text-red-300",
  upcoming: "text-slate-500 dark:text-slate-400",
};

/**
 * One cell per phase: its window for this severity, a live countdown on the server's clock, a red overdue
 * state, or when it was done. Countdowns appear once the page runs in the browser.
 */
export function PhaseClocks({
  clocks,
  severity,
  declaredAt,
  now,
}: {
  clocks: PhaseClock[];
  severity: Severity;
  declaredAt: string;
  now: number;
}) {
  return (
    <section aria-labelledby="clocks-heading" data-testid="phase-clocks">
      <h2 id="clocks-heading" className="sr-only">
        Phase clocks
      </h2>
      <ol className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        {clocks.map((c) => (
          <li
            key={c.phase}
            data-testid={`clock-${c.phase}`}
            data-state={c.state}
            className={`rounded-lg border p-2.5 ${cellStyles[c.state]}`}
          >
            <div className={`text-[11px] font-semibold tracking-wide uppercase ${stateText[c.state]}`}>
              {c.state === "active" ? "now" : c.state}
            </div>
            <div className="text-sm leading-tight font-semibold">{phaseLabels[c.phase]}</div>
            <div className="text-xs text-slate-600 dark:text-slate-400">{phaseWindow(severity, c.phase)}</div>
            <div className={`mt-1 text-sm font-medium tabular-nums ${stateText[c.state]}`} data-testid="clock-value">
              <ClockValue clock={c} declaredAt={declaredAt} now={now} />
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function ClockValue({ clock: c, declaredAt, now }: { clock: PhaseClock; declaredAt: string; now: number }) {
  // Each cell goes live by itself: the page around it is not rendered again for it.
  const live = useHydrated();
  if (c.state === "done" && c.doneAt) {
    return (
      <span>
        ✓ done after{" "}
        {formatDuration(
          Date.parse(c.doneAt) - Date.parse(c.phase === "postmortem" && c.startsAt ? c.startsAt : declaredAt),
          "ticking",
        )}
        <Timestamp
          iso={c.doneAt}
          show="full"
          className="block text-xs font-normal text-slate-600 dark:text-slate-400"
        />
      </span>
    );
  }
  if (c.phase === "postmortem" && !c.startsAt) return <span>starts at resolution</span>;
  if (!live) return <span>…</span>;
  if (c.state === "upcoming" && c.startsAt)
    return <span>starts in {formatDuration(Date.parse(c.startsAt) - now, "countdown")}</span>;
  if (c.remainingMs === null)
    return (
      <span>{c.startsAt ? `running ${formatDuration(now - Date.parse(c.startsAt), "ticking")}` : "open-ended"}</span>
    );
  if (c.state === "overdue")
    return <span className="font-semibold">overdue by {formatDuration(-c.remainingMs, "countdown")}</span>;
  return <span>{formatDuration(c.remainingMs, "countdown")} left</span>;
}
