import { NextResponse, type NextRequest } from "next/server";
import { isPublicPath } from "@/lib/public-paths";
import { contentSecurityPolicy } from "@/lib/security-headers";

/** An OpenID Connect issuer's origin: the sign-in form's post is redirected there. */
function issuerOrigin(): string[] {
  try {
    return process.env.OIDC_ISSUER ? [new URL(process.env.OIDC_ISSUER).origin] : [];
  } catch {
    return [];
  }
}

/**
 * Every page gets a Content-Security-Policy with a nonce of its own (Next.js reads it from the request and puts
 * it on its scripts). Visitors without a session cookie go to the sign-in page, except on the public pages (the
 * sign-in page itself, the status page and its feeds: lib/public-paths); that only looks at the cookie: every page,
 * action and route handler checks the session and role itself.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, {
    dev: process.env.NODE_ENV === "development",
    formTargets: issuerOrigin(),
  });
  const open = isPublicPath(request.nextUrl.pathname);
  const hasSession =
    request.cookies.has("next-auth.session-token") || request.cookies.has("__Secure-next-auth.session-token");
  let response: NextResponse;
  if (hasSession || open) {
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers } });
  } else {
    const url = request.nextUrl.clone();
    url.pathname = "/signin";
    url.search = "";
    response = NextResponse.redirect(url);
  }
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Pages only: not next-auth, the JSON API and metrics (they answer 401 themselves), or static files.
  matcher: ["/((?!api/|metrics|_next/|favicon.ico|icon.svg|robots.txt|manifest.webmanifest).*)"],
};
