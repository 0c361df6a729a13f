import { phaseClocks, type Severity } from "./severity";

/**
 * A drill's score, pure: how long the response took to each of four marks, against the targets of the drill's
 * severity, each met or missed, and the share of targets met. The phase clocks (lib/severity.ts) run from the
 * declaration and give each phase a window; a drill reads them so:
 *
 * - time to declare, from the fault (injected by Switchyard, else the drill's start): the end of the Alert phase
 *   (P1: 5 min). The runbook's Alert phase is when the page is acknowledged and the incident declared; timed from the
 *   fault, detection counts too, which is what a drill is for.
 * - time to the first message, from the declaration: the end of the Communicate phase (P1: 15 min).
 * - time to mitigation verified (the incident reached Monitoring), from the declaration: the end of Mitigate (P1: 60 min).
 * - time to resolution, from the declaration: the Resolve phase has no end in the runbook; its last step holds the
 *   fleet healthy for 15 minutes (runbooks/response.yaml, monitor-stability), so the target is the end of Mitigate
 *   plus that hold (P1: 75 min).
 */

export const drillMeasures = ["declare", "firstMessage", "mitigated", "resolved"] as const;
export type DrillMeasure = (typeof drillMeasures)[number];

export const drillMeasureLabels: Record<DrillMeasure, string> = {
  declare: "Time to declare",
  firstMessage: "Time to the first message",
  mitigated: "Time to mitigation verified",
  resolved: "Time to resolution",
};

/** What each measure is timed from. */
export const drillMeasureFrom: Record<DrillMeasure, "fault" | "declaration"> = {
  declare: "fault",
  firstMessage: "declaration",
  mitigated: "declaration",
  resolved: "declaration",
};

/** The resolve phase's stability hold (runbooks/response.yaml, incident-response/monitor-stability). */
export const STABILITY_HOLD_MINUTES = 15;

const MIN = 60_000;

/** Each measure's target in milliseconds, for a severity. */
export function drillTargets(severity: Severity): Record<DrillMeasure, number> {
  const { alert, communicate, mitigate } = phaseClocks[severity].phases;
  // The runbook's windows for these three phases all have an end; the assertion keeps a future edit honest.
  const end = (w: [number, number | null]) => {
    if (w[1] === null) throw new Error(`phase window ${w.join("–")} has no end`);
    return w[1];
  };
  return {
    declare: end(alert) * MIN,
    firstMessage: end(communicate) * MIN,
    mitigated: end(mitigate) * MIN,
    resolved: (end(mitigate) + STABILITY_HOLD_MINUTES) * MIN,
  };
}

/** met: reached within the target; missed: reached late, or not reached and its time is up (or the drill ended); pending: it still can be met. */
export type MeasureState = "met" | "missed" | "pending";

export interface MeasureScore {
  measure: DrillMeasure;
  /** null: not reached (yet) */
  measuredMs: number | null;
  targetMs: number;
  state: MeasureState;
}

export interface DrillScore {
  severity: Severity;
  /** when it was scored: the drill's end, or now for a drill still running */
  at: string;
  measures: MeasureScore[];
  met: number;
  total: number;
  /** the share of targets met, 0–100 */
  percent: number;
}

export interface ScoreInput {
  severity: Severity;
  /** when the response clock started: the fault injected, else the drill's start */
  clockStart: string;
  incident: {
    declaredAt: string;
    firstCommAt: string | null;
    mitigatedAt: string | null;
    resolvedAt: string | null;
  } | null;
  /** now, or when the drill ended */
  at: string;
  /** the drill ended: whatever was not reached is missed */
  final: boolean;
}

/** Scores a drill from its real timestamps. A mark before its base (declared before the fault was in) counts as 0. */
export function scoreDrill({ severity, clockStart, incident, at, final }: ScoreInput): DrillScore {
  const targets = drillTargets(severity);
  const atMs = Date.parse(at);
  const marks: Record<DrillMeasure, { base: string | null; reached: string | null }> = {
    declare: { base: clockStart, reached: incident?.declaredAt ?? null },
    firstMessage: { base: incident?.declaredAt ?? null, reached: incident?.firstCommAt ?? null },
    mitigated: { base: incident?.declaredAt ?? null, reached: incident?.mitigatedAt ?? null },
    resolved: { base: incident?.declaredAt ?? null, reached: incident?.resolvedAt ?? null },
  };
  const measures = drillMeasures.map((measure): MeasureScore => {
    const { base, reached } = marks[measure];
    const targetMs = targets[measure];
    if (base !== null && reached !== null) {
      const measuredMs = Math.max(0, Date.parse(reached) - Date.parse(base));
      return { measure, measuredMs, targetMs, state: measuredMs <= targetMs ? "met" : "missed" };
    }
    // Not reached: it can still be met while the drill runs and its time is not up (or its clock has not started).
    const timeUp = base !== null && atMs - Date.parse(base) > targetMs;
    return { measure, measuredMs: null, targetMs, state: final || timeUp ? "missed" : "pending" };
  });
  const met = measures.filter((m) => m.state === "met").length;
  return {
    severity,
    at,
    measures,
    met,
    total: measures.length,
    percent: Math.round((met / measures.length) * 100),
  };
}

/** One drill on the trend chart: each measure as a percentage of its target (100 = on target), and the score. */
export type TrendRow = { drillId: number; label: string; startedAt: string; score: number } & Record<
  DrillMeasure,
  number | null
>;

/**
 * The trend across scored drills, oldest first. Each measure is shown as a share of its target, so drills of
 * different severities sit on one scale; a measure never reached has no point.
 */
export function drillTrend(drills: { id: number; startedAt: string; score: DrillScore | null }[]): TrendRow[] {
  return drills
    .filter((d): d is typeof d & { score: DrillScore } => d.score !== null)
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.id - b.id)
    .map((d) => {
      const share = (m: DrillMeasure) => {
        const s = d.score.measures.find((x) => x.measure === m);
        return s && s.measuredMs !== null ? Math.round((s.measuredMs / s.targetMs) * 100) : null;
      };
      return {
        drillId: d.id,
        label: `#${d.id}`,
        startedAt: d.startedAt,
        score: d.score.percent,
        declare: share("declare"),
        firstMessage: share("firstMessage"),
        mitigated: share("mitigated"),
        resolved: share("resolved"),
      };
    });
}
