/** What went wrong, in the error's own words: an AggregateError's first cause (node's connect to several addresses), else the message or name. */
export function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return errorMessage(err.errors[0]);
  return err instanceof Error ? err.message || err.name : String(err);
}
