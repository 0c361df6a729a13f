// @ts-check
// Plain JavaScript: the console's HTTP server (server.mjs) runs it as it is, before Next.js loads.

/**
 * The console's Content-Security-Policy. Scripts run only from this origin and only when they carry the
 * request's nonce (Next.js puts it on its own scripts; 'strict-dynamic' lets those load their chunks); styles
 * allow inline (React's style attributes); nothing may frame the console. `formTargets`: origins a form may
 * be redirected to after posting (an OpenID Connect issuer's sign-in page).
 *
 * @param {string} nonce
 * @param {{ dev: boolean; formTargets: string[] }} opts
 * @returns {string}
 */
export function contentSecurityPolicy(nonce, opts) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${opts.formTargets.map((o) => ` ${o}`).join("")}`,
    "frame-ancestors 'none'",
  ].join("; ");
}
