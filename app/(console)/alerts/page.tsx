import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { AlertHistory } from "@/components/alerts/alert-history";
import { RulesTable } from "@/components/alerts/rules-table";
import { alertRuleDefs } from "@/lib/alert-rules";
import { fleetQuery, recentAlertsQuery } from "@/lib/queries";
import { hasRole } from "@/lib/roles";
import { getAlertRules, listRecentAlerts } from "@/server/alerts/alerts-service";
import { requireUser } from "@/server/auth/session";
import { getFleetSnapshot } from "@/server/fleet/fleet-service";
import { updateAlertRule } from "./actions";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const user = await requireUser();
  const caller = { kind: "user", user } as const;
  const queryClient = new QueryClient();
  const [snapshot, recent, settings] = await Promise.all([
    getFleetSnapshot(caller),
    listRecentAlerts(caller),
    getAlertRules(caller),
  ]);
  queryClient.setQueryData(fleetQuery.queryKey, snapshot);
  queryClient.setQueryData(recentAlertsQuery.queryKey, { alerts: recent });
  const isAdmin = hasRole(user.role, "admin");
  const rules = alertRuleDefs.map((def) => ({ def, settings: settings[def.id]! }));
  return (
    <div className="space-y-6">
      <h1 className="text-xl font-semibold">Alerts</h1>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <AlertHistory canDeclare={hasRole(user.role, "lead")} />
      </HydrationBoundary>
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
