// Plain JavaScript, not TypeScript: Next.js compiles a next.config.ts with SWC each time the server starts, which
// keeps SWC's native library (~23 MB resident) in the console's memory for as long as it runs.

/** Headers every answer carries, pages and JSON alike (the Content-Security-Policy, with a nonce, comes from server.mjs). */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];

/** @type {import("next").NextConfig} */
const config = {
  // PGlite loads its WebAssembly and data files from its own package directory at run time; nodemailer (email pages)
  // is loaded as the integration tests load it, from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "nodemailer"],
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
  // `npm test` type-checks the whole project itself; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};

export default config;
