import type { ChecklistStep } from "./checklist";
import type { Severity } from "./severity";

/** Incidents as the command view, the list and the JSON API see them. */

export const incidentStatuses = ["investigating", "mitigating", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export const statusLabels: Record<IncidentStatus, string> = {
  investigating: "Investigating",
  mitigating: "Mitigating",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

/** The moves the runbook's flow allows; a resolved incident can be reopened. */
export const statusTransitions: Record<IncidentStatus, IncidentStatus[]> = {
  investigating: ["mitigating", "monitoring", "resolved"],
  mitigating: ["investigating", "monitoring", "resolved"],
  monitoring: ["mitigating", "resolved"],
  resolved: ["investigating"],
};

export interface Incident {
  id: number;
  title: string;
  scenarioId: string | null;
  scenarioTitle: string | null;
  severity: Severity;
  impact: string;
  regions: string[];
  lead: { id: string; name: string; email: string };
  status: IncidentStatus;
  fromAlertId: number | null;
  declaredBy: string | null;
  declaredAt: string;
  acknowledgedAt: string | null;
  firstCommAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  eta: string;
  rootCause: string;
  postmortem: string | null;
  version: number;
  /** the drill this incident is the exercise of (pages go to its participants only); null for a real incident */
  drillId: number | null;
}

export interface StepState extends ChecklistStep {
  checked: boolean;
  checkedBy: string | null;
  checkedAt: string | null;
  observed: string | null;
  version: number;
  /** a stability timer running: since when its check has held without a break */
  holdingSince: string | null;
}

export interface TimelineEvent {
  id: number;
  at: string;
  actor: string;
  kind:
    | "declared"
    | "status"
    | "lead"
    | "severity"
    | "details"
    | "step"
    | "comm"
    | "escalation"
    | "ack"
    | "action"
    | "note"
    | "postmortem";
  message: string;
  data: Record<string, unknown>;
  /** the figures that mattered at a decision: region status, replication lag, hit rates */
  snapshot: FiguresSnapshot | null;
}

export interface FiguresSnapshot {
  at: string;
  regions: {
    id: string;
    status: string | null;
    lagSeconds: number | null;
    mirrorHitRate: number | null;
    cdnHitRate: number | null;
  }[];
}

export interface PageState {
  level: number;
  target: string;
  contact: string;
  dueAt: string;
  onlyIfUnacknowledged: boolean;
  sentAt: string | null;
  cancelledAt: string | null;
  delivery: string | null;
}

export interface IncidentDetail {
  incident: Incident;
  steps: StepState[];
  events: TimelineEvent[];
  pages: PageState[];
  /** the server's clock when this was read, so every browser shows the same phase clocks */
  serverNow: string;
}
