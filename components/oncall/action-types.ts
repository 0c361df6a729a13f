import type * as oncallActions from "@/app/(console)/admin/on-call/actions";

/** The on-call server actions as the client components call them; type imports only, no server module is bundled. */
export type SaveRotationAction = typeof oncallActions.saveOnCallRotation;
export type AddOverrideAction = typeof oncallActions.addOnCallOverride;
export type RemoveOverrideAction = typeof oncallActions.removeOnCallOverride;
