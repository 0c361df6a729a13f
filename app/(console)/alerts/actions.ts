"use server";

import { revalidatePath } from "next/cache";
import { alertRouteInput } from "@/lib/alert-groups";
import {
  acknowledgeGroup,
  confirmTriage,
  dismissTriage,
  groupIdInput,
  updateAlertRoute,
} from "@/server/alerts/alert-group-service";
import { ruleSettingsInput, updateRuleSettings } from "@/server/alerts/alerts-service";
import { runningAlertEngine } from "@/server/fleet/collector";
import { formAction, serverAction } from "@/server/server-action";

/**
 * An admin changes one alert rule's threshold, `for` duration or switch; the running engine applies it on its next
 * pass. The work function is `async`: in a "use server" file Next.js refuses a synchronous function passed in an
 * export's initializer.
 */
export const updateAlertRule = formAction(
  {
    role: "admin",
    input: ruleSettingsInput,
    labels: { ruleId: "Rule", threshold: "Threshold", forSeconds: "For", enabled: "Enabled" },
    fromForm: (form) => {
      const threshold = form.get("threshold");
      return {
        ruleId: form.get("ruleId"),
        // A rule without a threshold sends none; an emptied field is "no threshold", which the service refuses for rules that need one.
        threshold: typeof threshold === "string" && threshold.trim() !== "" ? threshold : null,
        forSeconds: form.get("forSeconds") ?? 0,
        enabled: form.get("enabled") === "on",
      };
    },
  },
  async (settings, actor) => {
    await updateRuleSettings(actor, settings);
    runningAlertEngine()?.invalidateSettings();
    revalidatePath("/alerts");
    return settings;
  },
);

/** An engineer acknowledges an alert group's page: its escalation stops, and PagerDuty hears it. */
export const acknowledgeAlertGroup = serverAction({ role: "engineer", input: groupIdInput }, async (input, actor) =>
  acknowledgeGroup(actor, input),
);

/** One click: a lead declares the triage incident an alert group proposed, as proposed; answers the incident's id. */
export const confirmTriageIncident = serverAction({ role: "lead", input: groupIdInput }, async (input, actor) => {
  const incident = await confirmTriage(actor, input);
  return { id: incident.id };
});

/** A lead dismisses the proposed triage incident: not an incident; the group's escalation stops. */
export const dismissTriageIncident = serverAction({ role: "lead", input: groupIdInput }, async (input, actor) =>
  dismissTriage(actor, input),
);

/** An admin sets whom a rule's groups page and whether they propose a triage incident. */
export const updateAlertRouting = serverAction({ role: "admin", input: alertRouteInput }, async (input, actor) => {
  const route = await updateAlertRoute(actor, input);
  revalidatePath("/alerts");
  return route;
});
