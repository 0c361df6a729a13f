"use server";

import { revalidatePath } from "next/cache";
import {
  drillFieldLabels,
  endDrillFromForm,
  endDrillInput,
  startDrillFromForm,
  startDrillInput,
} from "@/lib/drill-schema";
import * as drills from "@/server/drills/drill-service";
import { formAction } from "@/server/server-action";

/**
 * Drills' server actions, for incident leads and admins; the service checks the role again, validates (the region
 * against the fleet and its hooks, the participants against the console's people) and audits each change. Each work
 * function is `async`, as a "use server" file needs.
 */

const changed = (id: number) => {
  revalidatePath("/drills");
  revalidatePath(`/drills/${id}`);
  revalidatePath("/maintenance");
};

/** A lead starts a drill: scenario, severity, region, the fault Switchyard injects (lab) or none, the participants. */
export const startDrill = formAction(
  { role: "lead", input: startDrillInput, labels: drillFieldLabels, fromForm: startDrillFromForm },
  async (input, actor) => {
    const started = await drills.startDrill(actor, input);
    changed(started.id);
    return started;
  },
);

/** A lead ends a running drill: it is scored, and the injected fault cleared unless the lead leaves it. */
export const endDrill = formAction(
  { role: "lead", input: endDrillInput, labels: drillFieldLabels, fromForm: endDrillFromForm },
  async (input, actor) => {
    const ended = await drills.endDrill(actor, input);
    changed(ended.id);
    return ended;
  },
);
