// @ts-check
// Plain JavaScript: the console's HTTP server (server.mjs) runs it as it is, before Next.js loads.

/**
 * Paths anyone may open without a session: the sign-in page, the public status page with its feed and summary, and
 * PagerDuty's webhook receiver (no session ever comes with it: its signature is its authentication, checked by the
 * route itself). server.mjs lets these through without the cookie; every other page goes to the sign-in page first.
 * (The API answers 401 itself and is never redirected; the receiver is listed so that it stays reachable if that
 * ever changes.)
 */
export const PAGERDUTY_WEBHOOK_PATH = "/api/v1/integrations/pagerduty";

/**
 * @param {string} pathname
 * @returns {boolean}
 */
export function isPublicPath(pathname) {
  return (
    pathname === "/signin" ||
    pathname === "/status" ||
    pathname.startsWith("/status/") ||
    pathname === PAGERDUTY_WEBHOOK_PATH
  );
}
