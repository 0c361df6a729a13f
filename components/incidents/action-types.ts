import type { z } from "zod";
import type * as runActions from "@/app/(console)/actions/actions";
import type * as incidentActions from "@/app/(console)/incidents/actions";
import type { policyInput } from "@/server/incidents/escalation";

/**
 * The incident server actions as the client components call them, typed by the actions themselves (their input by
 * the zod schema they parse). The pages pass the real ones in (app/(console)/incidents/actions.ts); these are type
 * imports only, so client code bundles no server module.
 */
export interface IncidentActions {
  changeStatus: typeof incidentActions.changeIncidentStatus;
  handOver: typeof incidentActions.handOverIncident;
  updateDetails: typeof incidentActions.updateIncidentDetails;
  checkStep: typeof incidentActions.checkStep;
  acknowledge: typeof incidentActions.acknowledgePage;
  sendComm: typeof incidentActions.sendComm;
  postStatusUpdate: typeof incidentActions.postStatusUpdate;
  addNote: typeof incidentActions.addNote;
  draftPostmortem: typeof incidentActions.draftPostmortem;
  savePostmortem: typeof incidentActions.savePostmortem;
  /** a step's waiting runbook action, approved from its step */
  approveRun: typeof runActions.approveRun;
}

export type DeclareAction = typeof incidentActions.declareIncident;

/** One level of the escalation chain, as the policy's schema gives it (every field filled in). */
export type EscalationLevelInput = z.output<typeof policyInput>["levels"][number];

export type UpdateEscalationAction = typeof incidentActions.updateEscalationPolicy;

/** What the signed-in user may do on an incident page: viewers watch, engineers check, note and request runbook actions, leads command. */
export interface Capabilities {
  /** the signed-in user: nobody approves their own request */
  userId: string;
  canCheck: boolean;
  canLead: boolean;
  canRequestActions: boolean;
}

export type Lead = { id: string; name: string; email: string };
