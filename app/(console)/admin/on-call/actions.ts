"use server";

import { revalidatePath } from "next/cache";
import { overrideFields, overrideId, rotationInput } from "@/lib/oncall-schema";
import * as oncall from "@/server/oncall/oncall-service";
import { formAction, serverAction } from "@/server/server-action";

/**
 * The on-call schedules' server actions, for admins only; the service checks the role again, validates, and audits
 * each change in its transaction. Each work function is `async`, as a "use server" file needs.
 */

const changed = () => {
  revalidatePath("/admin/on-call");
  revalidatePath("/on-call");
};

/** An admin creates or replaces a level's rotation: members in order, hand-off time and day, zone, daily or weekly. */
export const saveOnCallRotation = serverAction(
  {
    role: "admin",
    input: rotationInput,
    labels: {
      handoffTime: "Hand-off time",
      handoffDay: "Hand-off day",
      timeZone: "Time zone",
      startDate: "Start date",
      members: "Members",
    },
  },
  async (input, actor) => {
    await oncall.saveRotation(actor, input);
    changed();
  },
);

/** An admin puts someone on call for a level over an interval ("I take Friday night"), times in the level's zone. */
export const addOnCallOverride = formAction(
  {
    role: "admin",
    input: overrideFields,
    labels: { userId: "Who", start: "From", end: "Until", note: "Note", timeZone: "Time zone" },
    fromForm: (form) => ({
      level: Number(form.get("level")),
      userId: form.get("userId"),
      timeZone: form.get("timeZone"),
      start: form.get("start"),
      end: form.get("end"),
      note: form.get("note") ?? "",
    }),
  },
  async (input, actor) => {
    const added = await oncall.addOverride(actor, input);
    changed();
    return added;
  },
);

/** An admin removes an override; the rotation decides again for its interval. */
export const removeOnCallOverride = serverAction({ role: "admin", input: overrideId }, async (input, actor) => {
  await oncall.removeOverride(actor, input);
  changed();
});
