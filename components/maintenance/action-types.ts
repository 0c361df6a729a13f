import type * as maintenanceActions from "@/app/(console)/maintenance/actions";

/** The maintenance server actions as the client components call them; type imports only, no server module is bundled. */
export type ScheduleMaintenanceAction = typeof maintenanceActions.scheduleMaintenance;
export type CancelMaintenanceAction = typeof maintenanceActions.cancelMaintenance;
export type ScheduleFailoverTestAction = typeof maintenanceActions.scheduleFailoverTest;
