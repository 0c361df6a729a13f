"use server";

import { revalidatePath } from "next/cache";
import { ruleSettingsInput, updateRuleSettings } from "@/server/alerts/alerts-service";
import { runningAlertEngine } from "@/server/fleet/collector";
import { formAction } from "@/server/server-action";

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
