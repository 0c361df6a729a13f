/**
 * What people read when the console's own store cannot be reached or cannot take a write, said once for the
 * server (errors, pages) and the browser (error boundaries, banners). The digests travel with a server error to
 * the browser's error boundary, which in a production build sees no message, only the digest.
 */

export const STORE_UNREACHABLE_DIGEST = "switchyard-store-unreachable";
export const STORE_FULL_DIGEST = "switchyard-store-full";

export const storeUnreachableTitle = "Store unreachable";
export const storeUnreachableText = "Switchyard keeps retrying; live fleet data below may be stale.";
/** On a page that has no fleet data to show meanwhile. */
export const storeUnreachableBare =
  "Switchyard keeps retrying and this page comes back by itself once the store answers.";
export const storeFullMessage = "The store's disk is full: nothing was saved. Free space on the store's volume.";

/**
 * The store's trouble in a few plain words, from a driver's raw message (which stays in the log): never a host,
 * a port or an error code.
 */
export function storeTroubleInWords(raw: string): string {
  if (/ECONNREFUSED|connection refused/i.test(raw)) return "connection refused";
  if (/shutting down|administrator command|57P01/i.test(raw)) return "the store is shutting down";
  if (/starting up|in recovery mode|57P03/i.test(raw)) return "the store is starting up";
  if (/crash of another server process|57P02/i.test(raw)) return "the store is restarting after a crash";
  if (/out of memory|53200/i.test(raw)) return "the store is out of memory";
  if (/too many (connections|clients)|remaining connection slots|53300/i.test(raw))
    return "the store has no free connections";
  if (/statement timeout|57014/i.test(raw)) return "the store did not answer in time";
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(raw)) return "the store's host name does not resolve";
  if (/EHOSTUNREACH|ENETUNREACH/i.test(raw)) return "no route to the store's host";
  if (/timeout|timed out|ETIMEDOUT/i.test(raw)) return "no answer in time";
  if (/terminat|ECONNRESET|EPIPE|not queryable|closed|ended|lost/i.test(raw)) return "connection lost";
  return "no answer";
}
