"use server";

import { z } from "zod";
import * as session from "@/server/auth/session";
import { serverAction } from "@/server/server-action";

/**
 * Ends every session of the signed-in account (other browsers and devices are signed out on their next
 * request); the page then signs this browser out too. It takes no input: it only ever acts on the caller. The work
 * function is `async`: in a "use server" file Next.js refuses a synchronous function passed in an export's initializer.
 */
export const signOutEverywhere = serverAction({ role: "viewer", input: z.undefined() }, async (_input, actor) =>
  session.signOutEverywhere(actor),
);
