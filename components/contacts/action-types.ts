import type * as contactActions from "@/app/(console)/admin/contacts/actions";

/** The contacts server actions as the client components call them; type imports only, no server module is bundled. */
export type DeleteContactAction = typeof contactActions.deleteContact;
export type MoveContactAction = typeof contactActions.moveContact;
