import type { FleetSnapshot, RegionView } from "./fleet-view";
import { formatDay } from "./format";
import type { Incident, IncidentStatus, TimelineEvent } from "./incident";
import type { Severity } from "./severity";

/**
 * The public status page: what the public is told about the service's components, derived from the fleet and from
 * the incidents a lead has put on the page. Pure; the server builds the public view model with it (server/status),
 * and nothing internal (hosts, ports, LSNs, error codes, people) is ever part of that model.
 */

/** The states a component can be in, in Atlassian Statuspage's words (its /api/v2/summary.json uses the same). */
export const componentStates = [
  "operational",
  "under_maintenance",
  "degraded_performance",
  "partial_outage",
  "major_outage",
] as const;
export type ComponentState = (typeof componentStates)[number];

export const componentStateLabels: Record<ComponentState, string> = {
  operational: "Operational",
  under_maintenance: "Under maintenance",
  degraded_performance: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
};

/** How bad a state is for the service: maintenance is planned, not an outage. */
const rank: Record<ComponentState, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function worse(a: ComponentState | null | undefined, b: ComponentState | null | undefined): ComponentState {
  const x = a ?? "operational";
  const y = b ?? "operational";
  return rank[y] > rank[x] ? y : x;
}

// --- Components ---------------------------------------------------------------------------------------------------

export type ComponentKind = "api" | "mirrors" | "cdn";

export interface StatusComponent {
  /** stable: `api-us-east-1`, `mirrors-us-east-1`, `cdn` */
  id: string;
  kind: ComponentKind;
  regionId: string | null;
  group: string;
  name: string;
  description: string;
}

export const componentGroups: Record<ComponentKind, string> = {
  api: "API",
  mirrors: "Clip mirrors",
  cdn: "CDN delivery",
};

/** The service's components: the API and the clip mirrors of each region, and CDN delivery. */
export function statusComponents(regions: { id: string; displayName: string }[]): StatusComponent[] {
  const per = (kind: "api" | "mirrors", what: string) =>
    regions.map((r): StatusComponent => ({
      id: `${kind}-${r.id}`,
      kind,
      regionId: r.id,
      group: componentGroups[kind],
      name: `${componentGroups[kind]} · ${r.id}`,
      description: `${what} in ${r.displayName}`,
    }));
  return [
    ...per("api", "Requests to the service's API"),
    ...per("mirrors", "Popular clips served from regional storage"),
    {
      id: "cdn",
      kind: "cdn",
      regionId: null,
      group: componentGroups.cdn,
      name: componentGroups.cdn,
      description: "Clips delivered through the content delivery network",
    },
  ];
}

/**
 * A region's API as its users see it. Unreachable: major outage (a timeout: degraded). Its own database down while
 * it is the primary region, or the region API saying it is down: major outage. It answers but cannot write (the
 * primary it writes to is down or unreachable): partial outage. A replica region whose database is down, not
 * streaming or paused: degraded (reads are served late or elsewhere). A database only the console cannot reach
 * (a partition between the console and the region) is not an outage of the region: degraded, since nobody can tell.
 * Null: never sampled.
 */
export function apiState(r: Pick<RegionView, "role" | "sample">): ComponentState | null {
  const s = r.sample;
  if (!s) return null;
  const cutOff = s.reachability?.verdict === "partitioned-from-console";
  if (!s.api.up) return s.api.timedOut || cutOff ? "degraded_performance" : "major_outage";
  const h = s.api.health;
  let state: ComponentState = cutOff ? "degraded_performance" : "operational";
  if (h.status === "down") state = worse(state, "major_outage");
  const dbDown = s.db ? !s.db.up && !cutOff : h.db?.connected === false;
  if (dbDown) state = worse(state, r.role === "primary" ? "major_outage" : "degraded_performance");
  if (h.db?.writable === false) state = worse(state, "partial_outage");
  if (s.db?.up && s.db.inRecovery && r.role === "replica") {
    if (s.db.replayPaused || !s.db.receiver || s.db.receiver.status !== "streaming")
      state = worse(state, "degraded_performance");
  }
  if (s.db?.up && r.role === "primary" && s.db.inRecovery) state = worse(state, "partial_outage");
  return state;
}

/** A region's clip mirrors: down is a major outage, anything else not "ok" (a re-sync) degraded. Unknown while the region's API does not answer: the API's state. */
export function mirrorsState(r: Pick<RegionView, "role" | "sample">): ComponentState | null {
  const s = r.sample;
  if (!s) return null;
  const status = s.mirrors?.status ?? (s.api.up ? s.api.health.mirrors?.status : undefined);
  if (!status) return s.api.up ? "operational" : apiState(r);
  if (status === "ok") return "operational";
  if (status === "down") return "major_outage";
  return "degraded_performance";
}

/** CDN delivery over every region whose CDN is enabled: an outage in all of them is major, in some partial. */
export function cdnState(regions: Pick<RegionView, "sample">[]): ComponentState | null {
  const seen = regions
    .map((r) => r.sample?.cdn ?? (r.sample?.api.up ? r.sample.api.health.cdn : undefined))
    .filter((c): c is { status: string; enabled?: boolean } => !!c && c.enabled !== false && c.status !== "disabled");
  if (!seen.length) return null;
  const out = seen.filter((c) => c.status === "outage" || c.status === "down").length;
  if (out === seen.length) return "major_outage";
  if (out > 0) return "partial_outage";
  return seen.some((c) => c.status !== "ok") ? "degraded_performance" : "operational";
}

/** Each component's state as the fleet shows it; null where nothing was sampled yet. */
export function fleetComponentStates(
  components: StatusComponent[],
  regions: Pick<RegionView, "id" | "role" | "sample">[],
): Map<string, ComponentState | null> {
  const byId = new Map(regions.map((r) => [r.id, r]));
  return new Map(
    components.map((c) => {
      const r = c.regionId ? byId.get(c.regionId) : undefined;
      if (c.kind === "cdn") return [c.id, cdnState(regions)];
      if (!r) return [c.id, null];
      return [c.id, c.kind === "api" ? apiState(r) : mirrorsState(r)];
    }),
  );
}

// --- Incidents and maintenance ------------------------------------------------------------------------------------

/** An incident on the status page, as the derivation needs it. */
export interface IncidentImpactInput {
  status: IncidentStatus;
  severity: Severity;
  scenarioId: string | null;
  regions: string[];
}

/** The kinds of component each runbook scenario touches; an incident without a scenario touches the API. */
const scenarioKinds: Record<string, ComponentKind[]> = {
  "primary-database-failure": ["api"],
  "primary-region-degraded": ["api", "mirrors"],
  "cdn-provider-outage": ["cdn"],
  "mirror-storage-failure": ["mirrors"],
};

/** The components an incident touches: its scenario's kinds in its regions (every region when it names none). */
export function incidentComponents(i: Pick<IncidentImpactInput, "scenarioId" | "regions">, all: StatusComponent[]) {
  const kinds = (i.scenarioId && scenarioKinds[i.scenarioId]) || ["api"];
  return all
    .filter((c) => kinds.includes(c.kind))
    .filter((c) => c.regionId === null || !i.regions.length || i.regions.includes(c.regionId))
    .map((c) => c.id);
}

/**
 * The least state an open incident gives the components it touches: P0 a major outage, P1 a partial outage, P2 and
 * P3 degraded performance; once it is being monitored (a fix is in), degraded at most; resolved, nothing.
 */
export function incidentFloor(i: Pick<IncidentImpactInput, "status" | "severity">): ComponentState | null {
  if (i.status === "resolved") return null;
  if (i.status === "monitoring") return "degraded_performance";
  return i.severity === "P0" ? "major_outage" : i.severity === "P1" ? "partial_outage" : "degraded_performance";
}

/**
 * A planned maintenance window as the status page knows it: the components it puts under maintenance while it is in
 * progress. The console's windows (lib/maintenance.ts) become these, the public ones only (publicMaintenanceOf).
 */
export interface MaintenanceWindow {
  title: string;
  components: string[];
  startsAt: string;
  endsAt: string;
}

/** A maintenance window announced on the status page, with what the public reads of it. */
export interface PublicMaintenance extends MaintenanceWindow {
  /** `mnt-3` */
  id: string;
  /** Statuspage's words: not started yet, or in progress */
  status: "scheduled" | "in_progress";
  /** when it was put on the page */
  announcedAt: string;
}

export const maintenanceStatusLabels: Record<PublicMaintenance["status"], string> = {
  scheduled: "Scheduled",
  in_progress: "In progress",
};

/**
 * Each component's public state: a maintenance window in progress puts it under maintenance (it explains what the
 * fleet shows), otherwise the fleet's state; an open incident on the page raises either to its floor. A component
 * never sampled and untouched counts as operational.
 */
export function deriveComponentStates(input: {
  components: StatusComponent[];
  fleet: Map<string, ComponentState | null>;
  incidents: IncidentImpactInput[];
  maintenances: MaintenanceWindow[];
  nowMs: number;
}): Map<string, ComponentState> {
  const out = new Map<string, ComponentState>();
  for (const c of input.components) {
    const inMaintenance = input.maintenances.some(
      (m) => m.components.includes(c.id) && Date.parse(m.startsAt) <= input.nowMs && input.nowMs < Date.parse(m.endsAt),
    );
    let state: ComponentState = inMaintenance ? "under_maintenance" : (input.fleet.get(c.id) ?? "operational");
    for (const i of input.incidents)
      if (incidentComponents(i, input.components).includes(c.id)) state = worse(state, incidentFloor(i));
    out.set(c.id, state);
  }
  return out;
}

/** The page's one-line summary, as Statuspage's `status.indicator` and `status.description`. */
export type Indicator = "none" | "maintenance" | "minor" | "major" | "critical";

export const worstState = (states: ComponentState[]) =>
  states.reduce<ComponentState>((a, s) => worse(a, s), "operational");

export function overallStatus(states: ComponentState[]): { indicator: Indicator; description: string } {
  switch (worstState(states)) {
    case "operational":
      return { indicator: "none", description: "All systems operational" };
    case "under_maintenance":
      return { indicator: "maintenance", description: "Maintenance in progress" };
    case "degraded_performance":
      return { indicator: "minor", description: "Degraded performance" };
    case "partial_outage":
      return { indicator: "major", description: "Partial outage" };
    case "major_outage":
      return { indicator: "critical", description: "Major outage" };
  }
}

// --- Incidents as the public reads them ---------------------------------------------------------------------------

/** Statuspage's incident statuses: "identified" is Switchyard's Mitigating. */
export type PublicIncidentStatus = "investigating" | "identified" | "monitoring" | "resolved";

export const publicIncidentStatus: Record<IncidentStatus, PublicIncidentStatus> = {
  investigating: "investigating",
  mitigating: "identified",
  monitoring: "monitoring",
  resolved: "resolved",
};

export const publicIncidentStatusLabels: Record<PublicIncidentStatus, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

// --- Uptime -------------------------------------------------------------------------------------------------------

export const UPTIME_DAYS = 90;

export type StateMinutes = Record<ComponentState, number>;

/** One component's minutes in each state on one UTC day (`YYYY-MM-DD`), as stored. */
export interface DayMinutes {
  componentId: string;
  day: string;
  minutes: StateMinutes;
}

export interface UptimeDay {
  day: string;
  /** the worst state seen that day; null: no data */
  state: ComponentState | null;
  /** null: no data */
  uptimePercent: number | null;
  /** what the bar says to a screen reader and on hover */
  label: string;
}

export interface Uptime {
  days: UptimeDay[];
  /** over the days with data; null when none has any */
  percent: number | null;
  daysWithData: number;
}

/** The UTC day of a moment, `YYYY-MM-DD`. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Downtime as Statuspage counts it: a minute of major outage is a minute down, a minute of partial outage 30 % of
 * one; degraded performance and maintenance are up.
 */
function downMinutes(m: StateMinutes): number {
  return m.major_outage + 0.3 * m.partial_outage;
}

const observed = (m: StateMinutes) => componentStates.reduce((a, s) => a + m[s], 0);

/** Two decimals, never rounded up to 100 while anything was down. */
function percent(up: number, total: number): number {
  const p = Math.floor((up / total) * 10_000) / 100;
  return p;
}

/**
 * The last `days` UTC days up to today for one component, oldest first; a day without stored minutes says "no data"
 * (the history may be younger than the bars, or the console was not running).
 */
export function uptimeDays(rows: DayMinutes[], nowMs: number, days = UPTIME_DAYS): Uptime {
  const byDay = new Map(rows.map((r) => [r.day, r.minutes]));
  const today = utcDay(nowMs);
  const out: UptimeDay[] = [];
  let up = 0;
  let total = 0;
  for (let i = days - 1; i >= 0; i--) {
    const day = utcDay(Date.parse(`${today}T00:00:00Z`) - i * 86_400_000);
    const m = byDay.get(day);
    const n = m ? observed(m) : 0;
    const when = `${formatDay(day)}${day === today ? " (today so far)" : ""}`;
    if (!m || n === 0) {
      out.push({ day, state: null, uptimePercent: null, label: `${when}: no data` });
      continue;
    }
    const down = downMinutes(m);
    up += n - down;
    total += n;
    const state = componentStates.reduce<ComponentState>((a, s) => (m[s] > 0 ? worse(a, s) : a), "operational");
    const p = percent(n - down, n);
    const notable = componentStates
      .filter((s) => s !== "operational" && m[s] > 0)
      .map((s) => `${m[s]} min ${componentStateLabels[s].toLowerCase()}`);
    out.push({
      day,
      state,
      uptimePercent: p,
      label: `${when}: ${p}% uptime${notable.length ? `, ${notable.join(", ")}` : ", no incidents"}`,
    });
  }
  return { days: out, percent: total ? percent(up, total) : null, daysWithData: out.filter((d) => d.state).length };
}

/**
 * The worst state of each component within one minute, for the uptime history: `observe` takes each pass's states
 * and hands back the minute that just ended (once) when a pass falls in a later minute.
 */
export class MinuteWorst {
  private minute = Number.NaN;
  private worst = new Map<string, ComponentState>();

  observe(
    states: Map<string, ComponentState | null>,
    nowMs: number,
  ): { minute: Date; states: Map<string, ComponentState> } | null {
    const m = Math.floor(nowMs / 60_000);
    let ended: { minute: Date; states: Map<string, ComponentState> } | null = null;
    if (m !== this.minute) {
      if (m > this.minute && this.worst.size) ended = { minute: new Date(this.minute * 60_000), states: this.worst };
      this.minute = m;
      this.worst = new Map();
    }
    for (const [id, s] of states) if (s) this.worst.set(id, worse(this.worst.get(id), s));
    return ended;
  }
}

// --- The public view model --------------------------------------------------------------------------------------

/** One component as the public sees it. */
export interface PublicComponent {
  id: string;
  group: string;
  name: string;
  description: string;
  state: ComponentState;
  uptime: Uptime;
}

export interface PublicIncidentUpdate {
  id: string;
  status: PublicIncidentStatus;
  body: string;
  at: string;
}

/** An incident a lead put on the status page: its public title, status and updates, newest first. */
export interface PublicIncident {
  /** `inc-12` */
  id: string;
  title: string;
  status: PublicIncidentStatus;
  /** the worst state it gives its components now; "none" once resolved */
  impact: ComponentState | "none";
  components: string[];
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  updates: PublicIncidentUpdate[];
}

/**
 * Everything the public status page, its Atom feed and its JSON summary show. Built in server code from the fleet
 * and the store; it carries words, states and times only.
 */
export interface PublicStatus {
  /** when the figures behind it were measured (the oldest region's newest sample when that is older than the build) */
  asOf: string;
  indicator: Indicator;
  description: string;
  components: PublicComponent[];
  /** open incidents first, then resolved ones of the last 90 days, newest first */
  incidents: PublicIncident[];
  /** announced windows not ended: in progress first, then by start */
  maintenances: PublicMaintenance[];
}

/** A public view as served: with the moment it is served and whether it is the last good one kept in memory. */
export interface ServedStatus {
  status: PublicStatus;
  servedAt: string;
  /** true: the store cannot be reached right now and this is the last good view */
  fromMemory: boolean;
}

/** An incident on the status page as the store gives it: what the derivation needs, and its public updates. */
export interface PublicIncidentRecord extends IncidentImpactInput {
  id: number;
  resolvedAt: string | null;
  /** newest first; at least one */
  updates: { id: string; title: string; status: IncidentStatus; body: string; postedAt: string }[];
}

/**
 * The public view model from the fleet as the console reads it, the incidents on the page, the stored uptime minutes
 * and the announced maintenance windows. Only states, public titles, public texts and times leave here: nothing of
 * the samples (addresses, ports, positions, errors) nor of the incidents' or the windows' people.
 */
export function publicStatusOf(
  fleet: Pick<FleetSnapshot, "regions" | "generatedAt">,
  records: PublicIncidentRecord[],
  days: DayMinutes[],
  nowMs: number,
  announced: (MaintenanceWindow & { id: string; announcedAt: string })[] = [],
): PublicStatus {
  const components = statusComponents(fleet.regions);
  const maintenances = announced
    .filter((m) => Date.parse(m.endsAt) > nowMs)
    .map((m): PublicMaintenance => ({
      id: m.id,
      title: m.title,
      components: m.components,
      startsAt: m.startsAt,
      endsAt: m.endsAt,
      announcedAt: m.announcedAt,
      status: Date.parse(m.startsAt) <= nowMs ? "in_progress" : "scheduled",
    }))
    .sort(
      (a, b) =>
        Number(a.status === "scheduled") - Number(b.status === "scheduled") ||
        a.startsAt.localeCompare(b.startsAt) ||
        a.id.localeCompare(b.id),
    );
  const states = deriveComponentStates({
    components,
    fleet: fleetComponentStates(components, fleet.regions),
    incidents: records.filter((r) => r.status !== "resolved"),
    maintenances,
    nowMs,
  });
  const daysOf = new Map<string, DayMinutes[]>();
  for (const d of days) daysOf.set(d.componentId, [...(daysOf.get(d.componentId) ?? []), d]);

  const incidents = records
    .filter((r) => r.updates.length > 0)
    .map((r): PublicIncident => {
      const posted = r.updates.map((u) => u.postedAt).sort();
      return {
        id: `inc-${r.id}`,
        title: r.updates[0]!.title,
        status: publicIncidentStatus[r.status],
        impact: incidentFloor(r) ?? "none",
        components: incidentComponents(r, components),
        createdAt: posted[0]!,
        updatedAt: [posted.at(-1)!, ...(r.resolvedAt ? [r.resolvedAt] : [])].sort().at(-1)!,
        resolvedAt: r.resolvedAt,
        updates: r.updates.map((u) => ({
          id: u.id,
          status: publicIncidentStatus[u.status],
          body: u.body,
          at: u.postedAt,
        })),
      };
    })
    .sort(
      (a, b) =>
        Number(a.status === "resolved") - Number(b.status === "resolved") || b.updatedAt.localeCompare(a.updatedAt),
    );

  // A region whose newest sample is too old (the collector stopped): the page is only as current as that sample.
  const stale = fleet.regions.filter((r) => r.status === "stale" && r.checkedAt).map((r) => r.checkedAt!);
  const publicComponents = components.map((c): PublicComponent => ({
    id: c.id,
    group: c.group,
    name: c.name,
    description: c.description,
    state: states.get(c.id) ?? "operational",
    uptime: uptimeDays(daysOf.get(c.id) ?? [], nowMs),
  }));
  return {
    asOf: stale.length ? stale.sort()[0]! : new Date(nowMs).toISOString(),
    ...overallStatus(publicComponents.map((c) => c.state)),
    components: publicComponents,
    incidents,
    maintenances,
  };
}

/** "as of 14:02 UTC, 40 s ago". */
export function asOfWords(asOf: string, nowMs: number): string {
  const t = new Date(asOf);
  const hm = `${String(t.getUTCHours()).padStart(2, "0")}:${String(t.getUTCMinutes()).padStart(2, "0")} UTC`;
  const s = Math.max(0, Math.round((nowMs - t.getTime()) / 1000));
  const ago = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h`;
  return `as of ${hm}, ${ago} ago`;
}

// --- Posting from an incident -------------------------------------------------------------------------------------

/** What the Communication panel offers to post: the last public title, and words for the incident's status. */
export function publicUpdateDraft(
  incident: Pick<Incident, "title" | "status" | "eta">,
  events: Pick<TimelineEvent, "kind" | "data">[],
): { title: string; body: string } {
  const last = latestStatusPagePost(events);
  const eta = incident.eta.trim();
  const next = eta ? ` We expect it to be fixed: ${eta}.` : " We will post an update as soon as we know more.";
  const body: Record<IncidentStatus, string> = {
    investigating: `We are investigating reports of problems with the service.${next}`,
    mitigating: `We have identified the cause and are working on a fix.${next}`,
    monitoring: "A fix is in place and we are monitoring the results.",
    resolved: "This incident has been resolved. Thank you for your patience.",
  };
  return { title: last?.title ?? incident.title, body: body[incident.status] };
}

/** The newest post to the status page on an incident's timeline (its title is the incident's public title). */
export function latestStatusPagePost(events: Pick<TimelineEvent, "kind" | "data">[]): { title: string } | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.kind === "comm" && e.data.kind === "status-page" && typeof e.data.title === "string")
      return { title: e.data.title };
  }
  return null;
}

/**
 * What a public text must not contain: internals (an email address, an IP address, a host with its port, a WAL
 * position, a system or SQLSTATE error code) and the names of the console's people. Each problem in words; empty
 * when the text may be posted.
 */
export function publicTextProblems(text: string, names: string[] = []): string[] {
  const problems: string[] = [];
  if (/[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/i.test(text)) problems.push("an email address");
  if (/\b\d{1,3}(?:\.\d{1,3}){3}\b/.test(text) || /(?:[0-9a-f]{1,4}|\B)::(?:[0-9a-f]{1,4}|\B)/i.test(text))
    problems.push("an IP address");
  if (
    /\b(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+|[a-z][a-z0-9-]*):\d{2,5}\b/i.test(text) ||
    /\bports?\s+\d{2,5}\b/i.test(text)
  )
    problems.push("a host or port");
  if (/\b[0-9a-f]{1,8}\/[0-9a-f]{6,8}\b/i.test(text) || /\bLSN\b/.test(text)) problems.push("a WAL position (LSN)");
  if (
    /\bE(?:CONN[A-Z]+|TIMEDOUT|HOSTUNREACH|NETUNREACH|NOTFOUND|ADDRINUSE|ADDRNOTAVAIL|PIPE|ACCES|AI_AGAIN)\b/.test(
      text,
    ) ||
    /\bSQLSTATE\b/i.test(text) ||
    /\b(?:08\d{3}|53\d{3}|57P0\d|XX\d{3})\b/.test(text)
  )
    problems.push("an error code");
  const named = names.filter(
    (n) => n.trim().length >= 3 && new RegExp(`(^|[^\\p{L}])${escapeRegExp(n.trim())}($|[^\\p{L}])`, "iu").test(text),
  );
  if (named.length) problems.push(`a person's name (${named.join(", ")})`);
  return problems;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
