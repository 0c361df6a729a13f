import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./security-headers.mjs";

describe("contentSecurityPolicy", () => {
  it("lets only this origin's scripts with the request's nonce run, and nothing frame the console", () => {
    const csp = contentSecurityPolicy("abc123", { dev: false, formTargets: [] });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("form-action 'self'");
  });

  it("allows eval only in development (React's refresh) and an OpenID Connect issuer as a form target", () => {
    const csp = contentSecurityPolicy("n", { dev: true, formTargets: ["https://id.example.com"] });
    expect(csp).toContain("'strict-dynamic' 'unsafe-eval'");
    expect(csp).toContain("form-action 'self' https://id.example.com");
  });
});
