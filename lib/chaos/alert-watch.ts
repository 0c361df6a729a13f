import { defaultRuleSettings, findBreaches, type RuleSettingsMap } from "../alert-rules";
import type { AlertView, FleetSnapshot } from "../fleet-view";

/**
 * Invariant 2 of the chaos soak: no alert stays firing after its cause cleared. The cause of a rule's alert is
 * its breach (lib/alert-rules findBreaches), read from the same snapshot the pages get: an alert firing in a
 * snapshot while its breach has held in none of the snapshots of the last STUCK_AFTER_MS is stuck. The time counts
 * from its first sighting at the earliest: the live stream sends an alert change at once and figures alone every
 * few seconds, so a new alert may reach a page before the figures that breach. An alert on a stale region is left
 * out (its rule cannot be evaluated; the pages say so).
 */

export const STUCK_AFTER_MS = 10_000;

/** The engine's fingerprint of a rule's alert, from its rule and labels (lib/alert-rules names them so). */
export function alertFingerprint(a: Pick<AlertView, "ruleId" | "labels">): string {
  return `${a.ruleId}/${a.labels.region ?? a.labels.provider ?? a.labels.regions ?? ""}`;
}

export interface StuckAlert {
  fingerprint: string;
  name: string;
  summary: string;
  startedAt: string;
  /** how long its breach had not held, at the snapshot that showed it still firing */
  clearedForMs: number;
  /** when the soak saw it (its own clock, ms) */
  seenAtMs: number;
}

export class AlertWatch {
  private readonly lastBreach = new Map<string, number>();
  /** when each firing (fingerprint@startedAt) was first seen */
  private readonly firstSeen = new Map<string, number>();
  private readonly reported = new Set<string>();
  readonly stuck: StuckAlert[] = [];
  /** every fingerprint seen firing, with how many snapshots showed it */
  readonly seenFiring = new Map<string, number>();

  constructor(private readonly settings: RuleSettingsMap = defaultRuleSettings()) {}

  /** One snapshot as a page got it at `atMs`; returns the alerts it shows stuck (each reported once per firing). */
  observe(snapshot: FleetSnapshot, atMs: number): StuckAlert[] {
    for (const b of findBreaches(snapshot.regions, this.settings)) this.lastBreach.set(b.fingerprint, atMs);
    const out: StuckAlert[] = [];
    for (const a of snapshot.alerts) {
      if (a.source !== "rule" || a.state !== "firing" || a.unevaluated) continue;
      const fp = alertFingerprint(a);
      const key = `${fp}@${a.startedAt}`;
      this.seenFiring.set(fp, (this.seenFiring.get(fp) ?? 0) + 1);
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, atMs);
      const since = Math.max(this.lastBreach.get(fp) ?? -Infinity, this.firstSeen.get(key)!);
      if (atMs - since <= STUCK_AFTER_MS || this.reported.has(key)) continue;
      this.reported.add(key);
      const s: StuckAlert = {
        fingerprint: fp,
        name: a.name,
        summary: a.summary,
        startedAt: a.startedAt,
        clearedForMs: atMs - since,
        seenAtMs: atMs,
      };
      this.stuck.push(s);
      out.push(s);
    }
    return out;
  }
}
