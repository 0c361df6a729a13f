/**
 * Pages anyone may open without a session: the sign-in page, and the public status page with its feed and summary.
 * proxy.ts lets these through without the cookie (they still get the Content-Security-Policy); everything else
 * goes to the sign-in page first.
 */
export function isPublicPath(pathname: string): boolean {
  return pathname === "/signin" || pathname === "/status" || pathname.startsWith("/status/");
}
