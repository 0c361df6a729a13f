import type * as drillActions from "@/app/(console)/drills/actions";

/** The drill server actions as the client components call them; type imports only, no server module is bundled. */
export type StartDrillAction = typeof drillActions.startDrill;
export type EndDrillAction = typeof drillActions.endDrill;
