import type { Metadata } from "next";
import Link from "@/components/ui/link";
import { notFound } from "next/navigation";
import { DrillStatusBadge } from "@/components/drills/drill-list";
import { DrillReport } from "@/components/drills/drill-report";
import { EndDrillForm } from "@/components/drills/end-drill-form";
import { Fact } from "@/components/fleet/fact-list";
import { Timestamp } from "@/components/fleet/timestamp";
import { IncidentSeverityBadge, IncidentStatusBadge } from "@/components/incidents/badges";
import { btnPrimary, link, muted, panel } from "@/components/incidents/styles";
import { BackLink } from "@/components/ui/back-link";
import { drillFaultLabels, drillRef, type DrillView } from "@/lib/drills";
import { rowId } from "@/lib/id-schema";
import { incidentRef } from "@/lib/ids";
import { hasRole } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import { getDrill } from "@/server/drills/drill-service";
import { ServiceError } from "@/server/errors";
import { endDrill } from "../actions";

type Props = { params: Promise<{ id: string }> };

const parseId = (raw: string) => rowId.safeParse(decodeURIComponent(raw)).data ?? null;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = parseId((await params).id);
  return { title: id ? drillRef(id) : "Drill" };
}

/** Where the response clock started, in words. */
function clockWords(d: DrillView) {
  if (d.faultInjectedAt)
    return (
      <>
        the fault went in <Timestamp iso={d.faultInjectedAt} />
      </>
    );
  return (
    <>
      the drill started <Timestamp iso={d.startedAt} /> (people caused the fault)
    </>
  );
}

/** A drill's scored report: each measure against its target, the incident and its timeline; leads end it here. */
export default async function DrillPage({ params }: Props) {
  const id = parseId((await params).id);
  if (!id) notFound();
  const user = await requireUser();
  let d: DrillView;
  try {
    d = await getDrill(user, id);
  } catch (err) {
    if (err instanceof ServiceError && err.code === "not_found") notFound();
    throw err;
  }
  const canLead = hasRole(user.role, "lead");
  const running = d.status === "running";
  const toClear = d.fault && d.faultInjectedAt && !d.faultClearedAt ? d.fault : null;
  return (
    <div className="space-y-4">
      <BackLink href="/drills" label="Drills" />
      <header className={`${panel} space-y-3`}>
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-semibold text-slate-600 dark:text-slate-300" data-testid="drill-id">
            {drillRef(d.id)}
          </span>
          <IncidentSeverityBadge severity={d.severity} long />
          <DrillStatusBadge status={d.status} />
        </p>
        <h1 className="text-xl font-semibold break-words sm:text-2xl">{d.scenarioTitle}</h1>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:gap-x-6 lg:grid-cols-4">
          <Fact layout="stacked" label="Region">
            {d.region}
          </Fact>
          <Fact layout="stacked" label="Fault" testId="drill-fault">
            {d.fault ? drillFaultLabels[d.fault] : <span className={muted}>caused by hand, or none</span>}
          </Fact>
          <Fact layout="stacked" label="Started">
            <Timestamp iso={d.startedAt} stack />
            {d.startedBy && <span className={`block text-xs ${muted}`}>by {d.startedBy}</span>}
          </Fact>
          <Fact layout="stacked" label={d.status === "cancelled" ? "Cancelled" : "Ended"}>
            {d.endedAt ? (
              <>
                <Timestamp iso={d.endedAt} stack />
                {d.endedBy && <span className={`block text-xs ${muted}`}>by {d.endedBy}</span>}
              </>
            ) : (
              <span className={muted}>still running</span>
            )}
          </Fact>
          <Fact layout="stacked" label="Participants (paged)" wide>
            <span data-testid="drill-participants">{d.participants.map((p) => p.name).join(", ")}</span>
          </Fact>
          {d.fault && (
            <Fact layout="stacked" label="Fault injected">
              {d.faultInjectedAt ? <Timestamp iso={d.faultInjectedAt} stack /> : <span className={muted}>no</span>}
            </Fact>
          )}
          {d.fault && (
            <Fact layout="stacked" label="Fault cleared">
              {d.faultClearedAt ? <Timestamp iso={d.faultClearedAt} stack /> : <span className={muted}>no</span>}
            </Fact>
          )}
        </dl>
        {d.faultNote && (
          <p
            role="note"
            data-testid="drill-fault-note"
            className="rounded bg-amber-50 px-2 py-1 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
          >
            {d.faultNote}
          </p>
        )}
      </header>

      <section aria-labelledby="drill-incident" className={`${panel} space-y-2`}>
        <h2 id="drill-incident" className="text-lg font-semibold">
          Incident
        </h2>
        {d.incident ? (
          <>
            <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="drill-incident">
              <Link href={`/incidents/${d.incident.id}`} className={`${link} font-mono font-semibold`}>
                {incidentRef(d.incident.id)}
              </Link>
              <IncidentSeverityBadge severity={d.incident.severity} />
              <IncidentStatusBadge status={d.incident.status} />
              <span className="min-w-0 break-words">{d.incident.title}</span>
            </p>
            <p className={`text-sm ${muted}`}>
              Declared <Timestamp iso={d.incident.declaredAt} />.{" "}
              <Link href={`/incidents/${d.incident.id}#timeline`} className={link}>
                Its timeline
              </Link>{" "}
              has every step, message and page of the response.
              {d.incident.severity !== d.severity &&
                ` Declared as ${d.incident.severity}; scored against the drill's ${d.severity} targets.`}
            </p>
          </>
        ) : running ? (
          <div className="space-y-2">
            <p className={`text-sm ${muted}`}>
              Not declared yet. The clock runs from when {clockWords(d)}: declare the drill&apos;s incident as soon as
              the team would declare a real one.
            </p>
            {canLead && (
              <Link href={`/incidents/new?drill=${d.id}`} className={btnPrimary} data-testid="declare-drill-incident">
                Declare the drill&apos;s incident
              </Link>
            )}
          </div>
        ) : (
          <p className={`text-sm ${muted}`}>No incident was declared for this drill.</p>
        )}
      </section>

      <section aria-labelledby="drill-report" className={`${panel} space-y-3`}>
        <h2 id="drill-report" className="text-lg font-semibold">
          {running ? "Score so far" : "Score"}
        </h2>
        {d.status === "cancelled" ? (
          <p className={`text-sm ${muted}`}>Cancelled before it began: not scored.</p>
        ) : (
          <>
            <p className={`text-sm ${muted}`}>
              Against the {d.severity} phase targets: declaring is timed from when {clockWords(d)}; the first message,
              mitigation verified (the incident reached Monitoring) and resolution from the declaration.
            </p>
            <DrillReport drill={d} serverNow={new Date().toISOString()} />
          </>
        )}
      </section>

      {running && canLead && (
        <section aria-labelledby="end-drill" className={`${panel} space-y-3`}>
          <h2 id="end-drill" className="text-lg font-semibold">
            End the drill
          </h2>
          <p className={`text-sm ${muted}`}>
            Its alerts stay expected for five more minutes while they resolve; anything still firing after that pages as
            usual.
          </p>
          <EndDrillForm
            id={d.id}
            fault={toClear}
            incidentOpen={!!d.incident && d.incident.status !== "resolved"}
            end={endDrill}
          />
        </section>
      )}
    </div>
  );
}
