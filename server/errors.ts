import "server-only";

/** The one error vocabulary services throw; the action and route boundaries turn them into answers. */
export type ErrorCode = "unauthenticated" | "forbidden" | "not_found" | "conflict" | "precondition_failed" | "invalid" | "rate_limited" | "unavailable";

const httpStatus: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  invalid: 400,
  rate_limited: 429,
  unavailable: 503,
};

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }
  get status(): number {
    return httpStatus[this.code];
  }
}

export const unauthenticated = (msg = "Sign in first.") => new ServiceError("unauthenticated", msg);
export const forbidden = (msg = "Your role does not allow this.") => new ServiceError("forbidden", msg);
export const notFound = (msg: string) => new ServiceError("not_found", msg);
export const conflict = (msg: string) => new ServiceError("conflict", msg);
export const invalid = (msg: string) => new ServiceError("invalid", msg);
export const storeUnavailable = (detail: string) =>
  new ServiceError("unavailable", `The console's store cannot be reached (${detail}).`);

/** Parses input with a zod schema; a failure is an "invalid" error naming the field, never a raw ZodError. */
export function parseInput<T>(schema: { safeParse(raw: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalid(issue ? `${issue.path.length ? `${issue.path.map(String).join(".")}: ` : ""}${issue.message}` : "Invalid request.");
}
