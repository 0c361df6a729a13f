// @ts-check
/**
 * The console's HTTP server: `node server.mjs [-p PORT] [-H HOST] [--dev]`, as `npm start` (scripts/start.ts),
 * `npm run dev` and the consoles of the tests and the bench run it. Plain JavaScript, run as it is.
 *
 * Before Next.js handles a request it does what every page needs first:
 * - a Content-Security-Policy with a nonce of its own, on every answer and on the request (Next.js reads the nonce
 *   there and puts it on its scripts);
 * - a visitor without a session cookie asking for a page goes to the sign-in page, except on the public paths
 *   (lib/public-paths.mjs). That only looks at the cookie: every page, action and route handler checks the session
 *   and the role itself.
 * A Next.js proxy (middleware) did this before: its per-request machinery cost a server-rendered page about a tenth
 * of its throughput (issue 14's `GET /` figure), for a random nonce, a string and a cookie look-up.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { isPublicPath } from "./lib/public-paths.mjs";
import { contentSecurityPolicy } from "./lib/security-headers.mjs";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", short: "p", default: "3000" },
    hostname: { type: "string", short: "H", default: "127.0.0.1" },
    dev: { type: "boolean", default: false },
  },
});
const dev = args.dev ?? false;
const port = Number(args.port);
const hostname = args.hostname ?? "127.0.0.1";
// React and Next.js pick their production or development code by NODE_ENV, as `next start` and `next dev` set it.
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
const { default: next } = await import("next");

/** Not pages: the JSON API and metrics (they answer 401 themselves), Next.js's own files, static files. */
const NOT_A_PAGE = /^\/(?:api\/|metrics|_next\/|favicon\.ico|icon\.svg|robots\.txt|manifest\.webmanifest)/;
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?next-auth\.session-token=/;

/** An OpenID Connect issuer's origin: the sign-in form's post is redirected there. */
function issuerOrigin() {
  try {
    return process.env.OIDC_ISSUER ? [new URL(process.env.OIDC_ISSUER).origin] : [];
  } catch {
    return [];
  }
}
const formTargets = issuerOrigin();

const app = next({ dev, hostname, port, dir: import.meta.dirname });
const handle = app.getRequestHandler();
await app.prepare();

createServer((req, res) => {
  const csp = contentSecurityPolicy(randomBytes(16).toString("base64"), { dev, formTargets });
  req.headers["content-security-policy"] = csp;
  res.setHeader("Content-Security-Policy", csp);
  const pathname = (req.url ?? "/").split("?", 1)[0] ?? "/";
  if (!NOT_A_PAGE.test(pathname) && !isPublicPath(pathname) && !SESSION_COOKIE.test(req.headers.cookie ?? "")) {
    res.writeHead(307, { Location: "/signin" }).end();
    return;
  }
  void handle(req, res);
}).listen(port, hostname, () => console.log(`[switchyard] console serving on http://${hostname}:${port}`));
