import { NextResponse, type NextRequest } from "next/server";

/**
 * Sends visitors without a session cookie to the sign-in page. It only looks at the cookie: every page,
 * action and route handler checks the session and role itself.
 */
export function proxy(request: NextRequest) {
  const hasSession = request.cookies.has("next-auth.session-token") || request.cookies.has("__Secure-next-auth.session-token");
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  return NextResponse.redirect(url);
}

export const config = {
  // Not the sign-in page, next-auth, the JSON API and metrics (they answer 401 themselves), or static files.
  matcher: ["/((?!signin|api/|metrics|_next/|favicon.ico|icon.svg|robots.txt).*)"],
};
