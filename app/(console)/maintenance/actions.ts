"use server";

import { revalidatePath } from "next/cache";
import { maintenanceFieldLabels, maintenanceFromForm, maintenanceId, maintenanceInput } from "@/lib/maintenance-schema";
import { failoverTestFieldLabels, failoverTestFromForm, failoverTestInput } from "@/lib/failover-test-schema";
import * as failoverTests from "@/server/failover-tests/failover-test-service";
import * as maintenance from "@/server/maintenance/maintenance-service";
import { formAction } from "@/server/server-action";

/**
 * Maintenance windows' server actions, for incident leads and admins; the service checks the role again, validates
 * (the regions against the fleet, a public title against what the status page must not show) and audits each change
 * in its transaction. Each work function is `async`, as a "use server" file needs.
 */

const changed = () => {
  revalidatePath("/maintenance");
  revalidatePath("/incidents");
};

/** A lead schedules a window: title, reason, start and end in a time zone, regions and components, public or not. */
export const scheduleMaintenance = formAction(
  { role: "lead", input: maintenanceInput, labels: maintenanceFieldLabels, fromForm: maintenanceFromForm },
  async (input, actor) => {
    const scheduled = await maintenance.scheduleMaintenance(actor, input);
    changed();
    return scheduled;
  },
);

/** A lead cancels a window that has not ended (from the two-step confirm button). */
export const cancelMaintenance = formAction(
  { role: "lead", input: maintenanceId, fromForm: (form) => ({ id: form.get("id") }) },
  async (input, actor) => {
    const cancelled = await maintenance.cancelMaintenance(actor, input);
    changed();
    return cancelled;
  },
);

/** A lead schedules the monthly failover test: the replica to promote, the window's start, length and reminder. */
export const scheduleFailoverTest = formAction(
  { role: "lead", input: failoverTestInput, labels: failoverTestFieldLabels, fromForm: failoverTestFromForm },
  async (input, actor) => {
    const scheduled = await failoverTests.scheduleFailoverTest(actor, input);
    changed();
    return scheduled;
  },
);
