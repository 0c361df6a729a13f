import { afterEach, describe, expect, it, vi } from "vitest";

/** productionRefusal reads the environment parsed once at import: each case imports it afresh. */
async function refusalWith(vars: Record<string, string | undefined>, demoUsersInStore = 0): Promise<string | null> {
  for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
  vi.resetModules();
  const { productionRefusal } = await import("./secret");
  return productionRefusal(demoUsersInStore);
}

const strong = { NEXTAUTH_SECRET: "x3r9Qv7LmN2pT8sKwZ4yB6cD1fG5hJ0a", DEMO_USERS: "false", HOST: undefined };

afterEach(() => vi.unstubAllEnvs());

describe("METRICS_TOKEN in production", () => {
  it("is required in strict production (NODE_ENV=production with DATABASE_URL), and named in the refusal", async () => {
    const refusal = await refusalWith({
      ...strong,
      NODE_ENV: "production",
      DATABASE_URL: "postgres://u@db.example/switchyard",
      METRICS_TOKEN: undefined,
    });
    expect(refusal).toMatch(
      /^Refusing to start in production \(NODE_ENV=production with DATABASE_URL\): .*METRICS_TOKEN is not set \(GET \/metrics would be open to anyone/,
    );
  });

  it("lets strict production start once it is set", async () => {
    // Other production requirements may still refuse; this one no longer does.
    const refusal = await refusalWith({
      ...strong,
      NODE_ENV: "production",
      DATABASE_URL: "postgres://u@db.example/switchyard",
      METRICS_TOKEN: "m".repeat(32),
    });
    expect(refusal ?? "").not.toMatch(/METRICS_TOKEN/);
  });

  it("is listed with the other problems", async () => {
    const refusal = await refusalWith({
      NODE_ENV: "production",
      DATABASE_URL: "postgres://u@db.example/switchyard",
      NEXTAUTH_SECRET: undefined,
      DEMO_USERS: "true",
      HOST: undefined,
      METRICS_TOKEN: undefined,
    });
    expect(refusal).toMatch(/NEXTAUTH_SECRET is not set.*DEMO_USERS is on.*METRICS_TOKEN is not set/);
  });

  it("is not required on the embedded store or outside production", async () => {
    expect(
      (await refusalWith({ ...strong, NODE_ENV: "production", DATABASE_URL: undefined, METRICS_TOKEN: undefined })) ??
        "",
    ).not.toMatch(/METRICS_TOKEN/);
    expect(
      (await refusalWith({
        ...strong,
        NODE_ENV: "development",
        DATABASE_URL: "postgres://u@db.example/switchyard",
        METRICS_TOKEN: undefined,
      })) ?? "",
    ).not.toMatch(/METRICS_TOKEN/);
  });
});
