import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import type { FleetGeography, FleetRegion } from "@/components/actions/action-types";
import { RequestForm, type RequestContext } from "@/components/actions/request/request-form";
import { isActionId } from "@/lib/actions/catalog";
import { rowId } from "@/lib/id-schema";
import { hasRole } from "@/lib/roles";
import type { User } from "@/server/auth/users";
import { requireUser } from "@/server/auth/session";
import { getFleetConfig } from "@/server/fleet/config";
import { loadCurrentPrimary } from "@/server/fleet/topology";
import { getIncident } from "@/server/incidents/incident-service";
import { previewRequest, requestRun } from "../actions";
import { BackLink } from "@/components/ui/back-link";

export const metadata: Metadata = { title: "Request an action" };

type SearchParams = Record<string, string | string[] | undefined>;

/** The fleet's regions with the primary Switchyard last recorded (after a promotion, not the file's). */
async function fleetRegions(): Promise<FleetRegion[]> {
  try {
    await loadCurrentPrimary();
    return getFleetConfig().regions.map((r) => ({
      id: r.id,
      displayName: r.displayName,
      role: r.role,
      cdnProvider: r.cdn.provider,
    }));
  } catch (err) {
    console.error(`[actions] cannot read the fleet: ${(err as Error).message}`);
    return [];
  }
}

/** The global balancer's geographies, for the traffic actions; none when the fleet has no balancer. */
function fleetGeographies(): FleetGeography[] {
  try {
    return (getFleetConfig().balancer?.geographies ?? []).map((g) => ({
      id: g.id,
      displayName: g.displayName,
      home: g.home,
    }));
  } catch {
    return []; // fleetRegions says why
  }
}

/** The incident and step the request is for, named as the incident page names them. */
async function requestContext(
  user: User,
  incident: string | undefined,
  step: string | undefined,
): Promise<RequestContext> {
  const incidentId = rowId.safeParse(incident).data ?? null;
  const stepKey = incidentId && step ? step.slice(0, 200) : null;
  if (!incidentId) return { incidentId: null, incidentTitle: null, stepKey: null, stepTitle: null };
  try {
    const detail = await getIncident({ kind: "user", user }, incidentId);
    return {
      incidentId,
      incidentTitle: detail.incident.title,
      stepKey,
      stepTitle: detail.steps.find((s) => s.key === stepKey)?.title ?? null,
    };
  } catch {
    // The service names a missing incident when the request is made.
    return { incidentId, incidentTitle: null, stepKey, stepTitle: null };
  }
}

export default async function NewActionPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  if (!hasRole(user.role, "engineer")) forbidden();
  const sp = await searchParams;
  const query = Object.fromEntries(
    Object.entries(sp).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(",") : v]])),
  ) as Record<string, string>;
  const actionId = query.action && isActionId(query.action) ? query.action : null;
  const [fleet, context] = await Promise.all([fleetRegions(), requestContext(user, query.incident, query.step)]);

  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <BackLink href="/actions" label="Actions" />
      <h1 className="text-xl font-semibold">Request an action</h1>
      {query.action && !actionId && (
        <p
          role="alert"
          className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
        >
          There is no action <span className="font-mono">{query.action}</span>; choose one below.
        </p>
      )}
      {/* A link to other parameters (a proposal) opens a fresh form, with its own idempotency key. */}
      <RequestForm
        key={new URLSearchParams(query).toString()}
        fleet={fleet}
        geographies={fleetGeographies()}
        initialActionId={actionId}
        query={query}
        context={context}
        actions={{ preview: previewRequest, request: requestRun }}
      />
    </div>
  );
}
