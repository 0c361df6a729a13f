/** Severities and the phase clocks of the runbook's Incident Response section. */

export const severities = ["P0", "P1", "P2", "P3"] as const;
export type Severity = (typeof severities)[number];

export const severityLabels: Record<Severity, string> = {
  P0: "P0 · Critical",
  P1: "P1 · High",
  P2: "P2 · Medium",
  P3: "P3 · Low",
};

export const severityMeaning: Record<Severity, string> = {
  P0: "Complete service outage, data loss risk or security breach",
  P1: "Major functionality broken, a single region failed, or performance degraded by more than 50 %",
  P2: "Minor functionality issues, performance degraded by less than 50 %, non-critical errors",
  P3: "Cosmetic issues, minor bugs, enhancement requests",
};

export const incidentPhases = ["alert", "assess", "communicate", "mitigate", "resolve", "postmortem"] as const;
export type IncidentPhase = (typeof incidentPhases)[number];

export const phaseLabels: Record<IncidentPhase, string> = {
  alert: "Alert",
  assess: "Assess",
  communicate: "Communicate",
  mitigate: "Mitigate",
  resolve: "Resolve",
  postmortem: "Post-mortem",
};

/**
 * Minutes from the declaration: [start, end) of each phase; end null = no deadline. The post-mortem is due
 * `postmortemDueHours` after resolution. P0 and P1 are the runbook's; P2 and P3 are Switchyard's, scaled
 * for issues that are real but not urgent:
 * - P2: alert 0–15 min, assess 15–30, communicate 30–60, mitigate 1–4 h, resolve after; post-mortem within 5 days.
 * - P3: alert 0–1 h, assess 1–4 h, communicate 4–8 h, mitigate 8 h–2 days, resolve after; post-mortem within 10 days.
 */
export const phaseClocks: Record<
  Severity,
  { phases: Record<Exclude<IncidentPhase, "postmortem">, [number, number | null]>; postmortemDueHours: number }
> = {
  P0: {
    phases: { alert: [0, 2], assess: [2, 5], communicate: [5, 10], mitigate: [10, 30], resolve: [30, null] },
    postmortemDueHours: 48,
  },
  P1: {
    phases: { alert: [0, 5], assess: [5, 10], communicate: [10, 15], mitigate: [15, 60], resolve: [60, null] },
    postmortemDueHours: 48,
  },
  P2: {
    phases: { alert: [0, 15], assess: [15, 30], communicate: [30, 60], mitigate: [60, 240], resolve: [240, null] },
    postmortemDueHours: 120,
  },
  P3: {
    phases: {
      alert: [0, 60],
      assess: [60, 240],
      communicate: [240, 480],
      mitigate: [480, 2880],
      resolve: [2880, null],
    },
    postmortemDueHours: 240,
  },
};
