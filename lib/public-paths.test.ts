import { describe, expect, it } from "vitest";
import { isPublicPath } from "./public-paths.mjs";

describe("isPublicPath", () => {
  it("lets the sign-in page and the status page with its feeds through", () => {
    for (const p of ["/signin", "/status", "/status/", "/status/feed.atom", "/status/summary.json"])
      expect(isPublicPath(p), p).toBe(true);
  });

  it("lets PagerDuty's webhook in without a session (its signature is checked by the route), and nothing beside it", () => {
    expect(isPublicPath("/api/v1/integrations/pagerduty")).toBe(true);
    for (const p of ["/api/v1/integrations", "/api/v1/integrations/pagerduty/x", "/api/v1/integrations/slack"])
      expect(isPublicPath(p), p).toBe(false);
  });

  it("keeps every console page behind the session, including look-alikes of /status", () => {
    for (const p of ["/", "/incidents", "/statuses", "/status-admin", "/admin/status", "/signin/x", "/api/v1/fleet"])
      expect(isPublicPath(p), p).toBe(false);
  });
});
