import "server-only";
import { causeOf } from "@/lib/alert-groups";
import { alertRuleDefs, findBreaches, type RuleSettingsMap } from "@/lib/alert-rules";
import type { AlertView, RegionView } from "@/lib/fleet-view";
import { publish } from "@/server/events/bus";
import { notifyAlertChanges } from "@/server/notify/alert-webhook";
import { throttledLog } from "@/server/throttled-log";
import { followUpPages, sendDuePages } from "@/server/incidents/escalation";
import { fileAlert, regroupUnderPrimaryDown, resolveAlertInGroup, routeGroupsAfterMaintenance } from "./alert-groups";
import { fireAlert, readFiringFingerprints, readRuleSettings } from "./alert-store";

const log = throttledLog(10_000);

/**
 * Evaluates the runbook's rules on every collector pass: a breach fires once it has held for the rule's
 * `for` duration, and resolves when it no longer holds. Only the leading collector runs it.
 */
export class AlertEngine {
  private pendingSince = new Map<string, number>();
  private firing: Set<string> | null = null;
  private settings: { value: RuleSettingsMap; readAt: number } | null = null;
  private running: Promise<void> = Promise.resolve();

  /** `fence`: the collector's lease; a pass that starts without it fires and resolves nothing. */
  constructor(private readonly fence: { holds(): boolean }) {}

  /** Rule settings, re-read at most every 2 s so an admin's change applies within a pass or two. */
  async ruleSettings(): Promise<RuleSettingsMap> {
    if (!this.settings || Date.now() - this.settings.readAt > 2000)
      this.settings = { value: await readRuleSettings(), readAt: Date.now() };
    return this.settings.value;
  }

  invalidateSettings() {
    this.settings = null;
  }

  /** Serialised: passes never interleave. */
  evaluate(regions: RegionView[], now = new Date()): Promise<void> {
    this.running = this.running
      .then(() => this.pass(regions, now))
      .catch((err) => log("pass", `[alerts] ${(err as Error).message}`));
    return this.running;
  }

  private async pass(regions: RegionView[], now: Date) {
    if (!this.fence.holds()) return;
    const settings = await this.ruleSettings();
    this.firing ??= await readFiringFingerprints("rule");
    const breaches = findBreaches(regions, settings);
    const changed: AlertView[] = [];
    /** when the first page of a group opened in this pass falls due, ms from now */
    const pagesDueInMs: number[] = [];
    const holding = new Set<string>();
    for (const b of breaches) {
      holding.add(b.fingerprint);
      const since = this.pendingSince.get(b.fingerprint) ?? now.getTime();
      this.pendingSince.set(b.fingerprint, since);
      const forMs = (settings[b.ruleId]?.forSeconds ?? 0) * 1000;
      if (this.firing.has(b.fingerprint) || now.getTime() - since < forMs) continue;
      const def = alertRuleDefs.find((d) => d.id === b.ruleId)!;
      const fired = await fireAlert(
        {
          source: "rule",
          ruleId: b.ruleId,
          fingerprint: b.fingerprint,
          name: def.name,
          severity: def.severity,
          labels: b.labels,
          summary: b.summary,
          value: b.value,
          runbook: b.runbook,
        },
        now,
      );
      this.firing.add(b.fingerprint);
      if (!fired) continue;
      const filed = await fileAlert(
        { ...fired, ruleId: b.ruleId },
        causeOf({ ...b, name: def.name }, regions),
        now,
        regions,
      );
      fired.groupId = filed.groupId;
      if (filed.paging) pagesDueInMs.push(filed.firstPageInMs);
      changed.push(fired);
    }
    for (const fp of [...this.pendingSince.keys()]) if (!holding.has(fp)) this.pendingSince.delete(fp);
    for (const fp of [...this.firing]) {
      if (holding.has(fp)) continue;
      const resolved = await resolveAlertInGroup(fp, now);
      this.firing.delete(fp);
      if (!resolved.alert) continue;
      changed.push(resolved.alert);
      if (resolved.groupId !== null && resolved.closed)
        void followUpPages(
          { groupId: resolved.groupId },
          "resolve",
          resolved.acknowledged ? "" : "resolved before anyone acknowledged",
        );
    }
    const regrouped = await regroupUnderPrimaryDown(regions, now);
    if (regrouped.paging) pagesDueInMs.push(0);
    const routedAfterMaintenance = await routeGroupsAfterMaintenance(regions, now);
    if (routedAfterMaintenance) pagesDueInMs.push(0);
    // A new group's first page goes out when due, not at the escalation clock's next tick (sending is claimed
    // row by row in the store, so the clock and these never page twice).
    for (const ms of new Set(pagesDueInMs))
      setTimeout(() => void sendDuePages().catch((err) => log("page", `[alerts] ${(err as Error).message}`)), ms + 20);
    if (changed.length || regrouped.moved || routedAfterMaintenance) {
      publish("alerts");
      publish("fleet");
      notifyAlertChanges(changed);
    }
  }
}
