import { z } from "zod";
import { roles } from "./roles";

/** A role as a form or the store gives it. Apart from lib/roles so that pages in the browser never load zod. */
export const roleSchema = z.enum(roles);
