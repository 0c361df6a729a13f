import "server-only";
import { STORE_FULL_DIGEST, STORE_UNREACHABLE_DIGEST, storeFullMessage, storeTroubleInWords } from "@/lib/store-status";

/** The one error vocabulary services throw; the action and route boundaries turn them into answers. */
export type ErrorCode =
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "invalid"
  | "rate_limited"
  | "unavailable"
  | "store_full";

const httpStatus: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  invalid: 400,
  rate_limited: 429,
  unavailable: 503,
  store_full: 507,
};

/**
 * Next.js bundles server modules more than once (instrumentation, each route, each page), and the store's driver is
 * shared between the copies: a ServiceError made by one copy must still be a ServiceError to another.
 */
const BRAND = Symbol.for("switchyard.ServiceError");

export class ServiceError extends Error {
  readonly [BRAND] = true;
  /** What a person is shown: the message, unless that carries details meant for the log only (a store's address). */
  readonly shown: string;
  /** Store errors only: how an error page recognises them once a production build has stripped the message. */
  readonly digest?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { shown?: string; digest?: string } = {},
  ) {
    super(message);
    this.name = "ServiceError";
    this.shown = options.shown ?? message;
    if (options.digest) this.digest = options.digest;
  }

  get status(): number {
    return httpStatus[this.code];
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}

export const unauthenticated = (msg = "Sign in first.") => new ServiceError("unauthenticated", msg);
export const forbidden = (msg = "Your role does not allow this.") => new ServiceError("forbidden", msg);
export const notFound = (msg: string) => new ServiceError("not_found", msg);
export const conflict = (msg: string) => new ServiceError("conflict", msg);
export const invalid = (msg: string) => new ServiceError("invalid", msg);

/**
 * The store does not answer (refused, lost mid-query, timed out, restarting). The message keeps the driver's own
 * words for the log and operator commands; people are shown plain words and that Switchyard keeps trying.
 */
export const storeUnavailable = (detail: string, words = storeTroubleInWords(detail)) =>
  new ServiceError("unavailable", `The console's store cannot be reached (${detail}).`, {
    shown: `The console's store cannot be reached (${words}). Switchyard keeps retrying; try again in a moment.`,
    digest: STORE_UNREACHABLE_DIGEST,
  });

/** The store's volume is full (SQLSTATE 53100): the transaction was rolled back, nothing of it was written. */
export const storeFull = (detail: string) =>
  new ServiceError("store_full", `${storeFullMessage} (${detail})`, {
    shown: storeFullMessage,
    digest: STORE_FULL_DIGEST,
  });

/** The store's errors, which a caller may retry once the store answers again or has room. */
export const isStoreTrouble = (err: unknown): err is ServiceError =>
  err instanceof ServiceError && (err.code === "unavailable" || err.code === "store_full");

/** Parses input with a zod schema; a failure is an "invalid" error naming the field, never a raw ZodError. */
export function parseInput<T>(
  schema: {
    safeParse(
      raw: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  raw: unknown,
): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalid(
    issue ? `${issue.path.length ? `${issue.path.map(String).join(".")}: ` : ""}${issue.message}` : "Invalid request.",
  );
}
