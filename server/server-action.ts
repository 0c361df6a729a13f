import "server-only";
import { z } from "zod";
import type { ActionResult } from "@/lib/action-result";
import { rowId } from "@/lib/id-schema";
import { rowIdRule } from "@/lib/ids";
import type { Role } from "@/lib/roles";
import { requireUser } from "@/server/auth/session";
import type { User } from "@/server/auth/users";
import { toActionResult } from "@/server/boundary";

/**
 * The one way a server action is made: the least role it needs, the zod schema of its input, and the work. The
 * caller's role is checked first (a page's check does not protect a direct POST), then the input is parsed; a
 * refused or invalid call never reaches the work, so it changes nothing. The work's expected errors become results
 * as toActionResult makes them; the service behind it still checks the role and validates again.
 */

interface Spec<S extends z.ZodType> {
  role: Role;
  input: S;
  /**
   * Field names as the form labels them, for the sentence a person reads ("Threshold: …"); else the field's key. An
   * empty label leaves the problem's own words alone, for schemas whose messages already name the field.
   */
  labels?: Record<string, string>;
}

type Work<S extends z.ZodType, T> = (input: z.output<S>, actor: User) => Promise<T>;

type Refusal = Extract<ActionResult, { ok: false }>;

/** The row a call is about, by its id: a number a row can have (beyond int4 the store would fail, not answer "none"). */
export const byId = z.object({
  id: z.number({ error: `must be ${rowIdRule}` }).refine((n) => rowId.safeParse(n).success, `must be ${rowIdRule}`),
});

/** A refused input: "invalid", the first problem in words, and each field's first problem under its key (`levels.0.target`). */
export function invalidInput(error: z.ZodError, labels: Record<string, string> = {}): Refusal {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    if (key) fieldErrors[key] ??= issue.message;
  }
  const first = error.issues[0];
  if (!first) return { ok: false, code: "invalid", message: "Invalid request.", fieldErrors };
  const key = first.path.map(String).join(".");
  const field = labels[key] ?? key;
  return { ok: false, code: "invalid", message: field ? `${field}: ${first.message}` : first.message, fieldErrors };
}

async function perform<S extends z.ZodType, T>(
  spec: Spec<S>,
  read: () => unknown,
  work: Work<S, T>,
): Promise<ActionResult<T>> {
  const caller = await toActionResult(() => requireUser(spec.role));
  if (!caller.ok) return caller;
  const parsed = await spec.input.safeParseAsync(read());
  if (!parsed.success) return invalidInput(parsed.error, spec.labels);
  return toActionResult(() => work(parsed.data, caller.data));
}

/** An input that may be left out (a schema that takes `undefined`) is an optional argument. */
type Args<S extends z.ZodType> = undefined extends z.input<S> ? [input?: z.input<S>] : [input: z.input<S>];

/** A server action called with one plain object, typed by its schema's input. */
export function serverAction<S extends z.ZodType, T>(
  spec: Spec<S>,
  work: Work<S, T>,
): (...args: Args<S>) => Promise<ActionResult<T>> {
  return async (input?: unknown) => perform(spec, () => input, work);
}

const isFormData = (v: unknown): v is FormData =>
  typeof v === "object" && v !== null && typeof (v as FormData).getAll === "function";

/**
 * A server action for `useActionState` (previous result, form data): `fromForm` turns the posted fields into the
 * schema's input, after the role check. Anything but form data (a hand-made POST) is an invalid input. The previous
 * result is not read.
 */
export function formAction<S extends z.ZodType, T>(
  spec: Spec<S> & { fromForm: (form: FormData) => unknown },
  work: Work<S, T>,
): (prev: unknown, form: FormData) => Promise<ActionResult<T>> {
  return async (_prev, form) => perform(spec, () => (isFormData(form) ? spec.fromForm(form) : undefined), work);
}
