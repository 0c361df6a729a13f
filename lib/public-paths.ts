/**
 * Paths anyone may open without a session: the sign-in page, the public status page with its feed and summary, and
 * PagerDuty's webhook receiver (no session ever comes with it: its signature is its authentication, checked by the
 * route itself). proxy.ts lets these through without the cookie (they still get the Content-Security-Policy);
 * everything else goes to the sign-in page first. (The proxy's matcher leaves /api/ out today; the receiver is
 * listed so that it stays reachable if the matcher ever takes the API in.)
 */
export const PAGERDUTY_WEBHOOK_PATH = "/api/v1/integrations/pagerduty";

export function isPublicPath(pathname: string): boolean {
  return (
    pathname === "/signin" ||
    pathname === "/status" ||
    pathname.startsWith("/status/") ||
    pathname === PAGERDUTY_WEBHOOK_PATH
  );
}
