import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildChecklist } from "@/lib/checklist";
import { loadRunbooks } from "./catalog";

describe("the runbook files", () => {
  const runbooks = loadRunbooks();

  it("are all valid, and cover every scenario, procedure and guide of the operations runbook", () => {
    const ids = (kind: string) =>
      runbooks
        .filter((r) => r.kind === kind)
        .map((r) => r.id)
        .sort();
    expect(ids("response")).toEqual(["incident-response"]);
    expect(ids("scenario")).toEqual([
      "cdn-provider-outage",
      "mirror-storage-failure",
      "primary-database-failure",
      "primary-region-degraded",
    ]);
    expect(ids("procedure")).toEqual(["cdn-provider-rotation", "failover-test", "mirror-resync", "read-replica-setup"]);
    expect(ids("troubleshooting")).toEqual([
      "high-cache-miss-rate",
      "high-cdn-costs",
      "low-mirror-hit-rate",
      "replication-lag-increasing",
      "replication-stopped",
    ]);
  });

  it("keep the runbook's commands", () => {
    const commands = runbooks
      .flatMap((r) => r.sections.flatMap((s) => s.steps.map((st) => st.command ?? "")))
      .join("\n");
    for (const c of [
      "pg_ctl promote -D /var/lib/postgresql/data",
      'psql -h eu-west-1.db.clipper.gg -c "SELECT pg_is_in_recovery();"',
      "export CDN_PROVIDER=bunny",
      "curl -X POST https://api.clipper.gg/v1/mirrors/test-failover",
      "curl -X POST https://api.clipper.gg/v1/admin/mirrors/cleanup",
      "pg_basebackup -h primary.db.clipper.gg",
      "SELECT pg_create_physical_replication_slot('replica_slot');",
      "curl https://api.clipper.gg/v1/cdn/costs?breakdown=region",
      "curl https://api.clipper.gg/v1/mirrors/stats?region=all",
    ]) {
      expect(commands).toContain(c);
    }
  });

  it("give a P0 'primary database failure' incident every phase, with the backup page and the live checks", () => {
    const response = runbooks.find((r) => r.id === "incident-response")!;
    const scenario = runbooks.find((r) => r.id === "primary-database-failure")!;
    const p0 = buildChecklist(response, scenario, "P0");
    expect([...new Set(p0.map((s) => s.phase))]).toEqual([
      "alert",
      "assess",
      "communicate",
      "mitigate",
      "resolve",
      "postmortem",
    ]);
    expect(p0.map((s) => s.key)).toContain("incident-response/page-backup");
    expect(p0.find((s) => s.key === "primary-database-failure/verify-new-primary")).toMatchObject({
      phase: "mitigate",
      check: "replica-promoted",
      action: "db.verify-primary",
    });
    expect(buildChecklist(response, scenario, "P1").map((s) => s.key)).not.toContain("incident-response/page-backup");
  });

  it("offer the failover plan on 'initiate manual failover', covering the three steps it does, and the way back on the restore step", () => {
    const response = runbooks.find((r) => r.id === "incident-response")!;
    const scenario = runbooks.find((r) => r.id === "primary-database-failure")!;
    const steps = buildChecklist(response, scenario, "P1");
    expect(steps.find((s) => s.key === "primary-database-failure/manual-failover")).toMatchObject({
      action: "db.failover",
      covers: [
        "primary-database-failure/promote-replica",
        "primary-database-failure/update-connection-strings",
        "primary-database-failure/verify-new-primary",
      ],
    });
    expect(steps.find((s) => s.key === "primary-database-failure/restore-original-primary")).toMatchObject({
      action: "db.failback",
      covers: ["primary-database-failure/reestablish-replication"],
    });
  });
});

describe("the traffic actions in the checklists", () => {
  const runbooks = loadRunbooks();
  const response = runbooks.find((r) => r.id === "incident-response")!;

  it("Scenario 1 offers draining the degraded region to mitigate and restoring it to resolve", () => {
    const scenario = runbooks.find((r) => r.id === "primary-region-degraded")!;
    const steps = buildChecklist(response, scenario, "P2");
    expect(steps.find((s) => s.key === "primary-region-degraded/move-users-off-degraded-region")).toMatchObject({
      phase: "mitigate",
      action: "traffic.drain-region",
    });
    expect(steps.find((s) => s.key === "primary-region-degraded/bring-users-back")).toMatchObject({
      phase: "resolve",
      action: "traffic.restore-region",
    });
  });

  it("a P1 (a single region failed) offers them in every incident; other severities do not", () => {
    const p1 = buildChecklist(response, null, "P1");
    expect(p1.find((s) => s.key === "incident-response/drain-failed-region")).toMatchObject({
      phase: "mitigate",
      action: "traffic.drain-region",
    });
    expect(p1.find((s) => s.key === "incident-response/restore-failed-region")).toMatchObject({
      phase: "resolve",
      action: "traffic.restore-region",
    });
    for (const sev of ["P0", "P2", "P3"] as const)
      expect(buildChecklist(response, null, sev).some((s) => s.action?.startsWith("traffic."))).toBe(false);
  });
});

describe("a malformed runbook file", () => {
  const write = (name: string, text: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "runbooks-"));
    mkdirSync(path.join(dir, "scenarios"));
    writeFileSync(path.join(dir, "scenarios", name), text);
    return dir;
  };

  /** A scenario file with one mitigate section of these steps (YAML lines, indented as steps). */
  const scenario = (id: string, steps: string) => `id: ${id}
kind: scenario
title: ${id}
summary: x
source: y
defaultSeverity: P1
sections:
  - phase: mitigate
    title: Actions
    steps:
${steps}
`;

  it("fails with the file, the step and the problem", () => {
    const dir = write(
      "broken.yaml",
      scenario(
        "broken",
        `      - id: promote
        title: Promote
        check: { id: pg-is-magic }`,
      ),
    );
    expect(() => loadRunbooks(dir)).toThrow(
      /runbooks\/scenarios\/broken\.yaml: step promote \(sections\.0\.steps\.0\.check\.id\) Invalid option/,
    );
  });

  it("refuses a step that covers a step the runbook does not have, or covers without an action", () => {
    const file = (step: string) => scenario("covers", `${step}\n      - { id: promote, title: Promote }`);
    expect(() =>
      loadRunbooks(write("a.yaml", file("      - { id: plan, title: Plan, action: db.failover, covers: [promte] }"))),
    ).toThrow(/covers unknown step promte/);
    expect(() => loadRunbooks(write("b.yaml", file("      - { id: plan, title: Plan, covers: [promote] }")))).toThrow(
      /covers without an action/,
    );
    expect(
      loadRunbooks(
        write("c.yaml", file("      - { id: plan, title: Plan, action: db.failover, covers: [promote] }")),
      )[0]?.sections[0]?.steps[0]?.covers,
    ).toEqual(["promote"]);
  });

  it("names a section without a phase and invalid YAML", () => {
    const noPhase = write(
      "a.yaml",
      "id: a\nkind: scenario\ntitle: A\nsummary: s\nsource: s\ndefaultSeverity: P2\nsections:\n  - title: T\n    steps:\n      - id: x\n        title: X\n",
    );
    expect(() => loadRunbooks(noPhase)).toThrow(
      /a\.yaml: \(sections\.0\.phase\) a scenario section needs an incident phase/,
    );
    expect(() => loadRunbooks(write("b.yaml", "id: [unclosed"))).toThrow(/b\.yaml: not valid YAML/);
  });
});
