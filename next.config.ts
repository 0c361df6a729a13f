import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./lib/security-headers";

const config: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package directory at run time; nodemailer (email pages)
  // is loaded as the integration tests load it, from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "nodemailer"],
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  // Pages get their Content-Security-Policy (with a nonce) from proxy.ts.
  async headers() {
    return [{ source: "/:path*", headers: [...staticSecurityHeaders] }];
  },
  // `npm test` type-checks the whole project itself; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};

export default config;
