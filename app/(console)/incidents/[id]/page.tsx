import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { IncidentContactsPanel } from "@/components/contacts/incident-contacts-panel";
import { IncidentCommand } from "@/components/incidents/incident-command";
import { OnCallNowPanel } from "@/components/oncall/on-call-board";
import { BackLink } from "@/components/ui/back-link";
import { QuerySeed } from "@/components/ui/query-seed";
import { incidentRowId } from "@/lib/id-schema";
import { incidentRef } from "@/lib/ids";
import type { IncidentDetail } from "@/lib/incident";
import { actionsQuery, incidentQuery } from "@/lib/queries";
import { hasRole } from "@/lib/roles";
import { listActions } from "@/server/actions/action-service";
import { getAlertRules } from "@/server/alerts/alerts-service";
import { requireUser } from "@/server/auth/session";
import { listIncidentLeads } from "@/server/auth/users";
import { readIncidentContacts } from "@/server/contacts/contacts-service";
import { ServiceError } from "@/server/errors";
import { getIncident } from "@/server/incidents/incident-service";
import { readOnCallBoard } from "@/server/oncall/oncall-service";
import { approveRun } from "../../actions/actions";
import {
  acknowledgePage,
  addNote,
  changeIncidentStatus,
  checkStep,
  draftPostmortem,
  handOverIncident,
  postStatusUpdate,
  savePostmortem,
  sendComm,
  updateIncidentDetails,
} from "../actions";

type Props = { params: Promise<{ id: string }> };

/** "12" or "INC-12"; anything else is no incident. */
const parseId = (raw: string) => incidentRowId.safeParse(decodeURIComponent(raw)).data ?? null;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = parseId((await params).id);
  return { title: id ? incidentRef(id) : "Incident" };
}

export default async function IncidentPage({ params }: Props) {
  const id = parseId((await params).id);
  if (!id) notFound();
  const user = await requireUser();
  let detail: IncidentDetail;
  try {
    detail = await getIncident({ kind: "user", user }, id);
  } catch (err) {
    if (err instanceof ServiceError && err.code === "not_found") notFound();
    throw err;
  }
  const canLead = hasRole(user.role, "lead");
  const [leads, ruleSettings, onCall, contacts] = await Promise.all([
    canLead ? listIncidentLeads(user) : [],
    getAlertRules({ kind: "user", user }),
    readOnCallBoard(user),
    readIncidentContacts(user, detail.incident.scenarioId),
  ]);
  const queryClient = new QueryClient();
  queryClient.setQueryData(incidentQuery(id).queryKey, detail);
  // The checklist shows each step's latest action run.
  if (detail.steps.some((s) => s.action))
    queryClient.setQueryData(actionsQuery({ incidentId: id }).queryKey, {
      runs: await listActions({ kind: "user", user }, { incidentId: id }),
    });
  return (
    <div className="space-y-3">
      <BackLink href="/incidents" label="Incidents" />
      <QuerySeed client={queryClient}>
        <IncidentCommand
          id={id}
          caps={{
            userId: user.id,
            canCheck: hasRole(user.role, "engineer"),
            canLead,
            canRequestActions: hasRole(user.role, "engineer"),
          }}
          leads={leads}
          ruleSettings={ruleSettings}
          actions={{
            changeStatus: changeIncidentStatus,
            handOver: handOverIncident,
            updateDetails: updateIncidentDetails,
            checkStep,
            acknowledge: acknowledgePage,
            sendComm,
            postStatusUpdate,
            addNote,
            draftPostmortem,
            savePostmortem,
            approveRun,
          }}
        />
      </QuerySeed>
      <div className="grid items-start gap-3 lg:grid-cols-2">
        <OnCallNowPanel levels={onCall.levels} />
        <IncidentContactsPanel {...contacts} canEdit={hasRole(user.role, "admin")} />
      </div>
    </div>
  );
}
