import { drillMeasureFrom, drillMeasureLabels, type DrillScore, type MeasureState } from "@/lib/drill-score";
import { formatDuration } from "@/lib/units";

const stateStyles: Record<MeasureState, string> = {
  met: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950/60 dark:text-emerald-200",
  missed: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950/60 dark:text-red-200",
  pending: "bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-200",
};

const stateWords: Record<MeasureState, string> = { met: "✓ Met", missed: "✗ Missed", pending: "Not yet" };

export function MeasureBadge({ state }: { state: MeasureState }) {
  return (
    <span
      data-testid="measure-state"
      data-state={state}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${stateStyles[state]}`}
    >
      {stateWords[state]}
    </span>
  );
}

/** "3 of 4 targets met · 75 %", coloured by how it went. */
export function ScoreSummary({ score, final }: { score: DrillScore; final: boolean }) {
  const tone =
    score.percent === 100
      ? "text-emerald-800 dark:text-emerald-300"
      : score.percent >= 50
        ? "text-amber-800 dark:text-amber-300"
        : "text-red-800 dark:text-red-300";
  return (
    <p data-testid="drill-score" data-percent={score.percent} className="text-sm">
      <span className={`text-2xl font-semibold tabular-nums ${tone}`}>{score.percent}%</span>{" "}
      <span className="text-slate-600 dark:text-slate-400">
        {score.met} of {score.total} targets met{final ? "" : " so far"} · {score.severity} targets
      </span>
    </p>
  );
}

/** Each measure: from when, measured, target, met or missed. A table on a laptop; it scrolls sideways on a phone. */
export function DrillScoreTable({ score }: { score: DrillScore }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[32rem] text-sm tabular-nums" data-testid="drill-measures">
        <thead className="border-b border-slate-200 text-left text-slate-500 dark:border-slate-800 dark:text-slate-400">
          <tr>
            <th className="py-1.5 pr-3 font-medium">Measure</th>
            <th className="py-1.5 pr-3 font-medium">From</th>
            <th className="py-1.5 pr-3 text-right font-medium">Measured</th>
            <th className="py-1.5 pr-3 text-right font-medium">Target</th>
            <th className="py-1.5 font-medium">Result</th>
          </tr>
        </thead>
        <tbody>
          {score.measures.map((m) => (
            <tr
              key={m.measure}
              data-testid="measure"
              data-measure={m.measure}
              className="border-b border-slate-100 dark:border-slate-800"
            >
              <th scope="row" className="py-1.5 pr-3 text-left font-medium">
                {drillMeasureLabels[m.measure]}
              </th>
              <td className="py-1.5 pr-3 text-slate-600 dark:text-slate-400">
                {drillMeasureFrom[m.measure] === "fault" ? "the fault" : "the declaration"}
              </td>
              <td className="py-1.5 pr-3 text-right" data-testid="measured">
                {m.measuredMs === null ? (
                  <span className="text-slate-500 dark:text-slate-400">not reached</span>
                ) : (
                  formatDuration(m.measuredMs, "ticking")
                )}
              </td>
              <td className="py-1.5 pr-3 text-right">{formatDuration(m.targetMs)}</td>
              <td className="py-1.5">
                <MeasureBadge state={m.state} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
