import http from "node:http";
import { randomBytes } from "node:crypto";
import next from "next";
const port = Number(process.env.PORT ?? 3999);
const app = next({ dev: false, hostname: "127.0.0.1", port });
await app.prepare();
const handle = app.getRequestHandler();
const csp = (nonce) => ["default-src 'self'", `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`, "style-src 'self' 'unsafe-inline'", "frame-ancestors 'none'"].join("; ");
http.createServer((req, res) => {
  const url = req.url;
  if (!/^\/(api\/|_next\/|metrics|favicon|icon)/.test(url)) {
    const nonce = randomBytes(16).toString("base64");
    const c = csp(nonce);
    req.headers["content-security-policy"] = c;
    res.setHeader("Content-Security-Policy", c);
    if (!/next-auth\.session-token=/.test(req.headers.cookie ?? "") && !url.startsWith("/signin") && !url.startsWith("/status")) {
      res.statusCode = 307; res.setHeader("location", "/signin"); res.end(); return;
    }
  }
  handle(req, res);
}).listen(port, "127.0.0.1", () => console.log("ready", port));
