import { describe, expect, it } from "vitest";
import { instantOf, maintenanceFromForm, maintenanceId, maintenanceInput } from "./maintenance-schema";

const ok = {
  title: "Monthly failover test",
  startsAt: "2026-11-25T22:00",
  endsAt: "2026-11-26T00:00",
};

describe("a maintenance window's input", () => {
  it("reads a form's local date-times in UTC by default, and fills the defaults", () => {
    expect(maintenanceInput.parse(ok)).toEqual({
      title: "Monthly failover test",
      reason: "",
      timeZone: "UTC",
      startsAt: "2026-11-25T22:00:00.000Z",
      endsAt: "2026-11-26T00:00:00.000Z",
      regions: [],
      components: [],
      public: true,
    });
  });

  it("reads them in the chosen zone, across a daylight-saving change", () => {
    const v = maintenanceInput.parse({
      ...ok,
      timeZone: "Europe/Berlin",
      startsAt: "2026-03-29T01:00",
      endsAt: "2026-03-29T04:00",
    });
    expect(v.startsAt).toBe("2026-03-29T00:00:00.000Z");
    // 02:00–03:00 does not exist that night in Berlin: three wall-clock hours are two real ones.
    expect(v.endsAt).toBe("2026-03-29T02:00:00.000Z");
  });

  it("takes ISO instants with their offset whatever the zone, and a parsed input parses to itself", () => {
    const v = maintenanceInput.parse({
      ...ok,
      timeZone: "America/New_York",
      startsAt: "2026-11-25T23:00:00+01:00",
      endsAt: "2026-11-25T23:30:00Z",
    });
    expect([v.startsAt, v.endsAt]).toEqual(["2026-11-25T22:00:00.000Z", "2026-11-25T23:30:00.000Z"]);
    expect(maintenanceInput.parse(v)).toEqual(v);
  });

  it("trims, keeps each region and component once, and takes public: false", () => {
    const v = maintenanceInput.parse({
      ...ok,
      title: "  Failover test ",
      regions: ["eu-west-1", "eu-west-1", "us-east-1"],
      components: ["api", "database", "api"],
      public: false,
    });
    expect(v).toMatchObject({
      title: "Failover test",
      regions: ["eu-west-1", "us-east-1"],
      components: ["api", "database"],
      public: false,
    });
  });

  it("refuses an end not after the start, a window over 7 days, and times that are not times", () => {
    const issue = (raw: Record<string, unknown>) => maintenanceInput.safeParse({ ...ok, ...raw }).error?.issues[0];
    expect(issue({ endsAt: ok.startsAt })).toMatchObject({ path: ["endsAt"], message: "must be after the start" });
    expect(issue({ endsAt: "2026-12-02T22:00" })).toBeUndefined();
    expect(issue({ endsAt: "2026-12-02T22:01" })).toMatchObject({
      path: ["endsAt"],
      message: "must be at most 7 days after the start",
    });
    expect(issue({ startsAt: "tonight" })).toMatchObject({ path: ["startsAt"], message: "must be a date and time" });
    expect(issue({ endsAt: "2026-02-30T10:00" })).toMatchObject({ path: ["endsAt"] });
    expect(issue({ startsAt: "" })).toMatchObject({ path: ["startsAt"], message: "is required" });
  });

  it("refuses an empty or long title, a long reason, a bad zone, component or region id", () => {
    const issue = (raw: Record<string, unknown>) => maintenanceInput.safeParse({ ...ok, ...raw }).error?.issues[0];
    expect(issue({ title: "  " })).toMatchObject({ path: ["title"], message: "is required" });
    expect(issue({ title: "x".repeat(121) })).toMatchObject({ path: ["title"] });
    expect(issue({ title: "x".repeat(120) })).toBeUndefined();
    expect(issue({ reason: "x".repeat(2001) })).toMatchObject({ path: ["reason"] });
    expect(issue({ timeZone: "Mars/Olympus_Mons" })).toMatchObject({ path: ["timeZone"] });
    expect(issue({ components: ["api", "kitchen"] })).toMatchObject({ path: ["components", 1] });
    expect(issue({ regions: ["Europe"] })).toMatchObject({ path: ["regions", 0] });
  });
});

describe("the form", () => {
  it("posts ticked regions and components, and public only when its box is ticked", () => {
    const form = new FormData();
    form.set("title", "Failover test");
    form.set("startsAt", ok.startsAt);
    form.set("endsAt", ok.endsAt);
    form.set("timeZone", "UTC");
    form.append("regions", "eu-west-1");
    form.append("components", "api");
    form.append("components", "database");
    expect(maintenanceFromForm(form)).toMatchObject({
      regions: ["eu-west-1"],
      components: ["api", "database"],
      public: false,
    });
    form.set("public", "on");
    expect(maintenanceInput.parse(maintenanceFromForm(form))).toMatchObject({ public: true, reason: "" });
  });

  it("refuses a window id that no row can have", () => {
    expect(maintenanceId.safeParse({ id: "12" }).data).toEqual({ id: 12 });
    expect(maintenanceId.safeParse({ id: "0" }).success).toBe(false);
  });

  it("instantOf needs an offset or a zone it knows", () => {
    expect(instantOf("2026-11-25T12:00", "Nowhere/Else")).toBeNull();
    expect(instantOf("2026-11-25T12:00:00.5Z", "Nowhere/Else")?.toISOString()).toBe("2026-11-25T12:00:00.500Z");
  });
});
