import { statusComponents, type MaintenanceWindow } from "./status-page";

/**
 * Maintenance windows (issue 13 part 3), pure: what a window covers, whether one is in progress, which window makes
 * an alert expected, and what the public status page shows of it. A window names regions (none: every region) and
 * components (none: all four); it covers the pairs region × component of both. The store and the policy are
 * server/maintenance; the alert engine asks `windowCovering` when a new alert group opens.
 */

/** What a window can take down: a region's API, its clip mirrors, its CDN delivery, its database. */
export const maintenanceComponents = ["api", "mirrors", "cdn", "database"] as const;
export type MaintenanceComponent = (typeof maintenanceComponents)[number];

export const maintenanceComponentLabels: Record<MaintenanceComponent, string> = {
  api: "API",
  mirrors: "Clip mirrors",
  cdn: "CDN",
  database: "Database",
};

/** Longest window that can be scheduled: a week. */
export const MAX_WINDOW_MS = 7 * 86_400_000;

/** How far ahead the incident list announces a window that has not started. */
export const ANNOUNCE_AHEAD_MS = 24 * 3_600_000;

/** A window as the console shows it. Times are ISO instants; `regions` and `components` empty mean "all". */
export interface MaintenanceWindowView {
  id: number;
  title: string;
  reason: string;
  startsAt: string;
  endsAt: string;
  regions: string[];
  components: MaintenanceComponent[];
  /** announced on the public status page */
  public: boolean;
  createdBy: string | null;
  createdAt: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
}

/** What the rules here read of a window. */
export type WindowScope = Pick<MaintenanceWindowView, "startsAt" | "endsAt" | "regions" | "components" | "cancelledAt">;

export type WindowPhase = "upcoming" | "active" | "ended" | "cancelled";

/** Where a window stands at an instant: cancelled, not started, in progress (start inclusive, end exclusive), ended. */
export function windowPhase(w: Pick<WindowScope, "startsAt" | "endsAt" | "cancelledAt">, at: Date): WindowPhase {
  if (w.cancelledAt) return "cancelled";
  const t = at.getTime();
  if (t < Date.parse(w.startsAt)) return "upcoming";
  if (t < Date.parse(w.endsAt)) return "active";
  return "ended";
}

export const isActive = (w: Pick<WindowScope, "startsAt" | "endsAt" | "cancelledAt">, at: Date) =>
  windowPhase(w, at) === "active";

/** One thing an alert is about: a component of a region. */
export interface ScopePair {
  region: string;
  component: MaintenanceComponent;
}

/** The regions as the alert rules see them: an id and the CDN provider it serves through. */
export type ScopeRegion = { id: string; cdnProvider?: string; sample?: { cdn?: { provider: string } | null } | null };

/** The provider a region serves through now: its sample's (what the CDN rule measured), else the fleet file's. */
const providerOf = (r: ScopeRegion) => r.sample?.cdn?.provider ?? r.cdnProvider;

/**
 * What an alert of the runbook's rules (lib/alert-rules.ts) is about, as (region, component) pairs:
 * - region-unhealthy: the region's API and its database (either explains it);
 * - replication-lag, replication-stopped, region-unreachable-from-console: the region's database;
 * - mirror-hit-rate: the region's clip mirrors;
 * - cdn-cache-hit-rate (labelled by provider): the CDN of every region that serves through that provider;
 * - two-primaries (labelled by the set of regions): the database of each.
 * Anything else (an Alertmanager alert, a rule without the label it needs) is about nothing a window can name: none.
 */
export function alertScope(
  alert: { ruleId: string | null; labels: Record<string, string> },
  regions: readonly ScopeRegion[],
): ScopePair[] {
  const region = alert.labels.region;
  const of = (component: MaintenanceComponent, ids: string[]) => ids.map((id) => ({ region: id, component }));
  switch (alert.ruleId) {
    case "region-unhealthy":
      return region ? [...of("api", [region]), ...of("database", [region])] : [];
    case "replication-lag":
    case "replication-stopped":
    case "region-unreachable-from-console":
      return region ? of("database", [region]) : [];
    case "mirror-hit-rate":
      return region ? of("mirrors", [region]) : [];
    case "cdn-cache-hit-rate": {
      const provider = alert.labels.provider;
      return provider
        ? of(
            "cdn",
            regions.filter((r) => providerOf(r) === provider).map((r) => r.id),
          )
        : [];
    }
    case "two-primaries":
      return of("database", alert.labels.regions?.split(",").filter(Boolean) ?? []);
    default:
      return [];
  }
}

/** Whether a window names this region and component (an empty list names every one). */
export function windowCovers(w: Pick<WindowScope, "regions" | "components">, pair: ScopePair): boolean {
  return (
    (w.regions.length === 0 || w.regions.includes(pair.region)) &&
    (w.components.length === 0 || w.components.includes(pair.component))
  );
}

/**
 * The window in progress at `at` that covers everything the alert is about, or null. One window must cover every
 * pair: an alert about two things, only one of which is under maintenance, is not expected. An alert about nothing a
 * window can name is never expected. Of several, the one that ends last (then the first given).
 */
export function windowCovering<W extends WindowScope>(
  windows: readonly W[],
  alert: { ruleId: string | null; labels: Record<string, string> },
  regions: readonly ScopeRegion[],
  at: Date,
): W | null {
  const pairs = alertScope(alert, regions);
  if (!pairs.length) return null;
  let best: W | null = null;
  for (const w of windows) {
    if (!isActive(w, at) || !pairs.every((p) => windowCovers(w, p))) continue;
    if (!best || Date.parse(w.endsAt) > Date.parse(best.endsAt)) best = w;
  }
  return best;
}

/**
 * The public status page's components (lib/status-page.ts) a window puts under maintenance: the API and the clip
 * mirrors of the regions it names, CDN delivery (one component for every region) when it names the CDN anywhere. The
 * database is not a public component: its maintenance shows on the API of its regions, which it serves.
 */
export function statusComponentsOf(
  w: Pick<WindowScope, "regions" | "components">,
  regions: readonly { id: string }[],
): string[] {
  const kinds = new Set<string>(
    (w.components.length ? w.components : maintenanceComponents).map((c) => (c === "database" ? "api" : c)),
  );
  return statusComponents(regions.map((r) => ({ id: r.id, displayName: r.id })))
    .filter((c) => kinds.has(c.kind))
    .filter((c) => c.regionId === null || w.regions.length === 0 || w.regions.includes(c.regionId))
    .map((c) => c.id);
}

/**
 * The windows the status page announces, as it takes them (lib/status-page.ts publicStatusOf): the public ones not
 * cancelled, with their public title, the status page's components and times only — never the reason, nor who
 * scheduled them.
 */
export function publicMaintenanceOf(
  windows: readonly Pick<MaintenanceWindowView, "id" | "title" | "public" | "createdAt" | keyof WindowScope>[],
  regions: readonly { id: string }[],
): (MaintenanceWindow & { id: string; announcedAt: string })[] {
  return windows
    .filter((w) => w.public && !w.cancelledAt)
    .map((w) => ({
      id: `mnt-${w.id}`,
      title: w.title,
      components: statusComponentsOf(w, regions),
      startsAt: w.startsAt,
      endsAt: w.endsAt,
      announcedAt: w.createdAt,
    }));
}

/** "every region" or "eu-west-1, us-east-1". */
export const regionsWords = (regions: readonly string[]) => (regions.length ? regions.join(", ") : "every region");

/** "all components" or "API, Database". */
export const componentsWords = (components: readonly MaintenanceComponent[]) =>
  components.length
    ? maintenanceComponents
        .filter((c) => components.includes(c))
        .map((c) => maintenanceComponentLabels[c])
        .join(", ")
    : "all components";

/** "API, Database in eu-west-1": what a window covers, in words. */
export const scopeWords = (w: Pick<WindowScope, "regions" | "components">) =>
  `${componentsWords(w.components)} in ${regionsWords(w.regions)}`;

/**
 * The windows the incident list announces: in progress, or starting within `aheadMs`, soonest first. Cancelled and
 * ended ones are not.
 */
export function announcedWindows<W extends WindowScope>(windows: readonly W[], at: Date, aheadMs = ANNOUNCE_AHEAD_MS) {
  return windows
    .filter((w) => {
      const phase = windowPhase(w, at);
      return phase === "active" || (phase === "upcoming" && Date.parse(w.startsAt) - at.getTime() <= aheadMs);
    })
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}
