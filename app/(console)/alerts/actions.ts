"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action-result";
import { ruleSettingsInput, updateRuleSettings } from "@/server/alerts/alert-store";
import { requireUser } from "@/server/auth/session";
import { toActionResult } from "@/server/boundary";
import { invalid } from "@/server/errors";
import { runningAlertEngine } from "@/server/fleet/collector";

type Result = ActionResult<{ ruleId: string; threshold: number | null; forSeconds: number; enabled: boolean }>;

const fieldNames: Record<string, string> = { ruleId: "Rule", threshold: "Threshold", forSeconds: "For", enabled: "Enabled" };

/** An admin changes one alert rule's threshold, `for` duration or switch; the running engine applies it on its next pass. */
export async function updateAlertRuleAction(_prev: Result | null, form: FormData): Promise<Result> {
  return toActionResult(async () => {
    const actor = await requireUser("admin");
    const threshold = form.get("threshold");
    const parsed = ruleSettingsInput.safeParse({
      ruleId: form.get("ruleId"),
      // A rule without a threshold sends none; an emptied field is "no threshold", which the service refuses for rules that need one.
      threshold: typeof threshold === "string" && threshold.trim() !== "" ? threshold : null,
      forSeconds: form.get("forSeconds") ?? 0,
      enabled: form.get("enabled") === "on",
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue ? (fieldNames[String(issue.path[0])] ?? String(issue.path[0])) : "";
      throw invalid(issue ? `${field}: ${issue.message}` : "Invalid request.");
    }
    await updateRuleSettings(actor, parsed.data);
    runningAlertEngine()?.invalidateSettings();
    revalidatePath("/alerts");
    return parsed.data;
  });
}
