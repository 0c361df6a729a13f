import { QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { AlertHistory } from "@/components/alerts/alert-history";
import { RecentGroups } from "@/components/alerts/recent-groups";
import { RoutingEditor } from "@/components/alerts/routing-editor";
import { RulesTable } from "@/components/alerts/rules-table";
import { QuerySeed } from "@/components/ui/query-seed";
import { alertRuleDefs } from "@/lib/alert-rules";
import { alertGroupsQuery, fleetQuery, recentAlertsQuery } from "@/lib/queries";
import { hasRole } from "@/lib/roles";
import { listAlertGroups, listAlertRoutes } from "@/server/alerts/alert-group-service";
import { getAlertRules, listRecentAlerts } from "@/server/alerts/alerts-service";
import { requireUser } from "@/server/auth/session";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";
import { readPolicy } from "@/server/incidents/escalation";
import { updateAlertRouting, updateAlertRule } from "./actions";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const user = await requireUser();
  const caller = { kind: "user", user } as const;
  const queryClient = new QueryClient();
  const [snapshot, recent, settings, groups, routes, levels] = await Promise.all([
    getFleetSnapshot(caller),
    listRecentAlerts(caller),
    getAlertRules(caller),
    listAlertGroups(caller),
    listAlertRoutes(caller),
    readPolicy(),
  ]);
  queryClient.setQueryData(alertGroupsQuery().queryKey, { groups });
  queryClient.setQueryData(fleetQuery.queryKey, snapshot);
  queryClient.setQueryData(recentAlertsQuery.queryKey, { alerts: recent });
  const isAdmin = hasRole(user.role, "admin");
  const rules = alertRuleDefs.map((def) => ({ def, settings: settings[def.id]! }));
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Alerts</h1>
      <QuerySeed client={queryClient}>
        <AlertHistory canDeclare={hasRole(user.role, "lead")} />
        <section aria-labelledby="groups-heading" className="space-y-2">
          <h2 id="groups-heading" className="text-lg font-semibold">
            Alert groups
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Alerts with one cause form one group, which pages once and may propose a triage incident.
          </p>
          <RecentGroups />
        </section>
      </QuerySeed>
      <section aria-labelledby="routing-heading" className="space-y-2">
        <h2 id="routing-heading" className="text-lg font-semibold">
          Routing
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Whom a new alert group pages first (the escalation chain runs on from there until someone acknowledges) and
          whether it proposes a triage incident. The row for a rule wins over the one for every rule.
          {isAdmin ? "" : " Only admins can change it."}
        </p>
        <RoutingEditor
          routes={routes}
          rules={alertRuleDefs.map((r) => ({ id: r.id, name: r.name }))}
          levels={levels.map((l) => ({ level: l.level, target: l.target }))}
          save={isAdmin ? updateAlertRouting : null}
        />
      </section>
      <section aria-labelledby="rules-heading" className="space-y-2">
        <h2 id="rules-heading" className="text-lg font-semibold">
          Rules
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          The runbook&apos;s alert rules, evaluated on every collector pass. A rule fires once its condition has held
          for its <em>for</em> duration.
          {isAdmin ? " Changes apply on the next pass." : " Only admins can change them."}
        </p>
        <RulesTable rules={rules} action={isAdmin ? updateAlertRule : null} />
      </section>
    </div>
  );
}
