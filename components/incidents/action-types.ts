import type { ActionResult } from "@/lib/action-result";
import type { CommKind } from "@/lib/comm-templates";
import type { Incident, IncidentStatus } from "@/lib/incident";
import type { Severity } from "@/lib/severity";

/**
 * The incident server actions as the client components call them; the pages pass the real ones in
 * (app/(console)/incidents/actions.ts), so client code imports no server module.
 */
export interface IncidentActions {
  changeStatus: (input: { id: number; status: IncidentStatus; expectedStatus: IncidentStatus }) => Promise<ActionResult<Incident>>;
  handOver: (input: { id: number; leadId: string }) => Promise<ActionResult<Incident>>;
  updateDetails: (input: { id: number; impact: string; eta: string; rootCause: string; severity: Severity }) => Promise<ActionResult<Incident>>;
  checkStep: (input: { id: number; stepKey: string; checked: boolean; expectedVersion: number }) => Promise<ActionResult>;
  acknowledge: (input: { id: number }) => Promise<ActionResult>;
  sendComm: (input: { id: number; kind: CommKind; body: string }) => Promise<ActionResult<{ delivered: boolean; detail: string }>>;
  addNote: (input: { id: number; text: string }) => Promise<ActionResult>;
  draftPostmortem: (input: { id: number }) => Promise<ActionResult<string>>;
  savePostmortem: (input: { id: number; markdown: string }) => Promise<ActionResult>;
}

export type DeclareAction = (input: {
  title: string;
  scenarioId: string | null;
  severity: Severity;
  impact: string;
  regions: string[];
  leadId: string;
  fromAlertId: number | null;
}) => Promise<ActionResult<Incident>>;

export type EscalationLevelInput = {
  level: number;
  afterSeconds: number;
  target: string;
  contact: string;
  severities: Severity[] | null;
  onlyIfUnacknowledged: boolean;
};

export type UpdateEscalationAction = (input: { levels: EscalationLevelInput[] }) => Promise<ActionResult>;

/** What the signed-in user may do on an incident page: viewers watch, engineers check, note and request runbook actions, leads command. */
export interface Capabilities {
  canCheck: boolean;
  canLead: boolean;
  canRequestActions: boolean;
}

export type Lead = { id: string; name: string; email: string };
