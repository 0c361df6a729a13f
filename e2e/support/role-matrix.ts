import type { Role } from "../../lib/roles";

/**
 * Who may do what: the table e2e/role-matrix.spec.ts holds every server action and route handler of the build to.
 * People review it. A new action or route fails the suite until it is classified here, and an entry the build no
 * longer has fails it too.
 *
 * `least` is the least role allowed: "anonymous" (anyone, signed in or not), a role (that role and the ones above
 * it), "token" (only a bearer API token, no session), or "signature" (a webhook authenticated by its signature with
 * a shared secret no caller here has, such as PagerDuty's: everyone is refused with 401, a session or token
 * notwithstanding). `token: true` also lets a bearer API token in beside the
 * session roles. The suite's token has every scope (read, alerts:write); scopes themselves are another spec's. Each entry names the harmless, invalid input it is called with (a non-existent id, an empty
 * field): an allowed caller gets "invalid" or "not found" back, never a change; a refused caller gets the refusal.
 * Never put valid input for a destructive call here.
 */

export type Least = "anonymous" | Role | "token" | "signature";

/** A server action's arguments: (prev = null, FormData) for a useActionState form, or one plain object. */
export type ActionInput = { form: Record<string, string | string[]> } | { json: unknown };

export interface ActionRule {
  least: "anonymous" | Role;
  input: ActionInput;
  /**
   * Why no input is harmless for an allowed caller (an action that takes none and acts on the caller): then only
   * the refused callers are called.
   */
  noHarmlessInput?: string;
}

export interface RouteRule {
  least: Least;
  /** A bearer API token is let in too (it reads like a viewer). */
  token?: boolean;
  /** The path to call, with dynamic segments filled in harmlessly. */
  path: string;
  /** A JSON body, for methods that take one. */
  body?: unknown;
  /** The answer is an event stream: read the status, then hang up. */
  stream?: boolean;
}

/** A run and an incident no test makes (within int4, so the store is asked and answers "not found"). */
const none = 999_999;
const noUuid = "00000000-0000-4000-8000-000000000000";

/** Keyed "file#exportedName", as the build's server reference manifest names them. */
export const actionTable: Record<string, ActionRule> = {
  // Runbook actions: engineers request, preview, cancel and control; leads approve, reject and override.
  "app/(console)/actions/actions.ts#previewRequest": { least: "engineer", input: { json: {} } },
  "app/(console)/actions/actions.ts#requestRun": { least: "engineer", input: { json: {} } },
  "app/(console)/actions/actions.ts#approveRun": { least: "lead", input: { json: { id: none, paramsHash: "" } } },
  "app/(console)/actions/actions.ts#rejectRun": { least: "lead", input: { json: { id: none, reason: "" } } },
  "app/(console)/actions/actions.ts#overridePreflight": { least: "lead", input: { json: { id: none, reason: "" } } },
  "app/(console)/actions/actions.ts#cancelRun": { least: "engineer", input: { json: { id: none } } },
  "app/(console)/actions/actions.ts#controlRun": { least: "engineer", input: { json: { id: none } } },

  // Incidents: leads command; engineers check steps, acknowledge pages and add notes.
  "app/(console)/incidents/actions.ts#declareIncident": { least: "lead", input: { json: {} } },
  "app/(console)/incidents/actions.ts#changeIncidentStatus": { least: "lead", input: { json: { id: none } } },
  "app/(console)/incidents/actions.ts#handOverIncident": {
    least: "lead",
    input: { json: { id: none, leadId: noUuid } },
  },
  "app/(console)/incidents/actions.ts#updateIncidentDetails": { least: "lead", input: { json: { id: none } } },
  "app/(console)/incidents/actions.ts#checkStep": { least: "engineer", input: { json: { id: none } } },
  "app/(console)/incidents/actions.ts#acknowledgePage": { least: "engineer", input: { json: { id: none } } },
  "app/(console)/incidents/actions.ts#sendComm": { least: "lead", input: { json: { id: none } } },
  // A public update on the status page: leads, like the incident's other messages (an empty title is invalid).
  "app/(console)/incidents/actions.ts#postStatusUpdate": {
    least: "lead",
    input: { json: { id: none, title: "", body: "" } },
  },
  "app/(console)/incidents/actions.ts#addNote": { least: "engineer", input: { json: { id: none } } },
  "app/(console)/incidents/actions.ts#draftPostmortem": { least: "lead", input: { json: { id: none } } },
  "app/(console)/incidents/actions.ts#savePostmortem": { least: "lead", input: { json: { id: none } } },
  "app/(console)/incidents/actions.ts#updateEscalationPolicy": { least: "admin", input: { json: {} } },

  // Administration: admins only.
  "app/(console)/admin/users/actions.ts#setUserRole": {
    least: "admin",
    input: { form: { userId: noUuid, role: "nobody" } },
  },
  "app/(console)/admin/users/actions.ts#unlockUser": { least: "admin", input: { form: { userId: "" } } },
  "app/(console)/admin/users/actions.ts#endUserSessions": { least: "admin", input: { form: { userId: noUuid } } },
  "app/(console)/admin/tokens/actions.ts#createApiToken": { least: "admin", input: { form: { name: "" } } },
  "app/(console)/admin/tokens/actions.ts#revokeApiToken": { least: "admin", input: { form: { id: noUuid } } },
  // On-call schedules (issue 12 part 2): admins edit rotations and overrides; everyone signed in reads them on pages.
  "app/(console)/admin/on-call/actions.ts#saveOnCallRotation": { least: "admin", input: { json: {} } },
  "app/(console)/admin/on-call/actions.ts#addOnCallOverride": {
    least: "admin",
    input: { form: { level: "", userId: "", start: "", end: "" } },
  },
  "app/(console)/admin/on-call/actions.ts#removeOnCallOverride": { least: "admin", input: { json: { id: none } } },
  // Contacts (issue 12 part 3): admins edit the external contacts; everyone signed in reads them on pages.
  "app/(console)/admin/contacts/actions.ts#createContact": { least: "admin", input: { form: { name: "" } } },
  "app/(console)/admin/contacts/actions.ts#updateContact": {
    least: "admin",
    input: { form: { id: String(none), name: "" } },
  },
  "app/(console)/admin/contacts/actions.ts#deleteContact": { least: "admin", input: { form: { id: String(none) } } },
  "app/(console)/admin/contacts/actions.ts#moveContact": {
    least: "admin",
    input: { json: { id: none, direction: "up" } },
  },
  // Maintenance windows (issue 13 part 3): leads and admins schedule and cancel; everyone signed in reads them on pages.
  // An empty title is invalid; a window no test makes is not found.
  "app/(console)/maintenance/actions.ts#scheduleMaintenance": {
    least: "lead",
    input: { form: { title: "", startsAt: "", endsAt: "" } },
  },
  "app/(console)/maintenance/actions.ts#cancelMaintenance": { least: "lead", input: { form: { id: String(none) } } },
  // The monthly failover test: leads and admins schedule it. A start in the past is invalid (nothing is written).
  "app/(console)/maintenance/actions.ts#scheduleFailoverTest": {
    least: "lead",
    input: { form: { candidate: "eu-west-1", startsAt: "2020-01-01T00:00", timeZone: "UTC" } },
  },
  // Drills (issue 13 part 6): leads and admins start and end them; everyone signed in reads them on pages. No
  // participant is invalid (nothing is injected); a drill no test makes is not found.
  "app/(console)/drills/actions.ts#startDrill": {
    least: "lead",
    input: { form: { scenarioId: "primary-database-failure", severity: "P1", region: "us-east-1", fault: "" } },
  },
  "app/(console)/drills/actions.ts#endDrill": { least: "lead", input: { form: { id: String(none) } } },
  "app/(console)/alerts/actions.ts#updateAlertRule": { least: "admin", input: { form: { ruleId: "" } } },
  // Alert groups (issue 12 part 1): engineers acknowledge a group's page, leads decide its triage incident, admins route.
  "app/(console)/alerts/actions.ts#acknowledgeAlertGroup": { least: "engineer", input: { json: { groupId: none } } },
  "app/(console)/alerts/actions.ts#confirmTriageIncident": { least: "lead", input: { json: { groupId: none } } },
  "app/(console)/alerts/actions.ts#dismissTriageIncident": { least: "lead", input: { json: { groupId: none } } },
  "app/(console)/alerts/actions.ts#updateAlertRouting": { least: "admin", input: { json: { ruleId: "" } } },
  // Contact methods (issue 12 part 2, paging channels): everyone signed in keeps their own on /on-call; admins
  // manage anyone's on /admin/users.
  "app/(console)/on-call/actions.ts#addMyContactMethod": {
    least: "viewer",
    input: { form: { kind: "", address: "" } },
  },
  "app/(console)/on-call/actions.ts#removeMyContactMethod": { least: "viewer", input: { json: { id: none } } },
  "app/(console)/admin/users/actions.ts#addUserContactMethod": {
    least: "admin",
    input: { form: { userId: noUuid, kind: "", address: "" } },
  },
  "app/(console)/admin/users/actions.ts#removeUserContactMethod": {
    least: "admin",
    input: { json: { id: none, userId: noUuid } },
  },

  // Anyone signed in ends their own sessions.
  "app/(console)/session-actions.ts#signOutEverywhere": {
    least: "viewer",
    input: { json: {} },
    noHarmlessInput: "it takes no input and ends every session of the caller, the test's own included",
  },
};

/** Keyed "METHOD /path" with the route's own dynamic segments, as the build's app path routes manifest names them. */
export const routeTable: Record<string, RouteRule> = {
  // next-auth's own endpoints: signing in is for people who are not signed in yet.
  "GET /api/auth/[...nextauth]": { least: "anonymous", path: "/api/auth/session" },
  "POST /api/auth/[...nextauth]": { least: "anonymous", path: "/api/auth/role-matrix-no-such-action" },
  // The console's own liveness, for load balancers.
  "GET /api/health": { least: "anonymous", path: "/api/health" },
  // Prometheus: open while METRICS_TOKEN is unset, as in this suite's console on the embedded store (production on
  // PostgreSQL needs METRICS_TOKEN, issue 11 part 5).
  "GET /metrics": { least: "anonymous", path: "/metrics" },
  // The public status page's feed and summary: for anyone, signed in or not (issue 12 part 4).
  "GET /status/feed.atom": { least: "anonymous", path: "/status/feed.atom" },
  "GET /status/summary.json": { least: "anonymous", path: "/status/summary.json" },
  // The app icon (a metadata route).
  "GET /icon.svg": { least: "anonymous", path: "/icon.svg" },

  // The JSON API: any signed-in role, or a bearer API token.
  "GET /api/v1/actions": { least: "viewer", token: true, path: `/api/v1/actions?incidentId=${none}` },
  "GET /api/v1/actions/[id]": { least: "viewer", token: true, path: `/api/v1/actions/${none}` },
  "GET /api/v1/alerts": { least: "viewer", token: true, path: "/api/v1/alerts" },
  "GET /api/v1/alerts/groups": { least: "viewer", token: true, path: "/api/v1/alerts/groups" },
  "GET /api/v1/audit": { least: "viewer", token: true, path: "/api/v1/audit?limit=1" },
  "GET /api/v1/cdn": { least: "viewer", token: true, path: "/api/v1/cdn" },
  "GET /api/v1/events": { least: "viewer", token: true, path: "/api/v1/events", stream: true },
  "GET /api/v1/fleet": { least: "viewer", token: true, path: "/api/v1/fleet" },
  "GET /api/v1/health/regions": { least: "viewer", token: true, path: "/api/v1/health/regions" },
  "GET /api/v1/history": { least: "viewer", token: true, path: "/api/v1/history?range=15m" },
  "GET /api/v1/incidents": { least: "viewer", token: true, path: "/api/v1/incidents?status=all" },
  "GET /api/v1/incidents/[id]": { least: "viewer", token: true, path: `/api/v1/incidents/${none}` },
  "GET /api/v1/incidents/[id]/postmortem": {
    least: "viewer",
    token: true,
    path: `/api/v1/incidents/${none}/postmortem`,
  },
  "GET /api/v1/incidents/[id]/timeline": { least: "viewer", token: true, path: `/api/v1/incidents/${none}/timeline` },
  "GET /api/v1/mirrors": { least: "viewer", token: true, path: "/api/v1/mirrors" },
  "GET /api/v1/replication": { least: "viewer", token: true, path: "/api/v1/replication" },
  "GET /api/v1/traffic": { least: "viewer", token: true, path: "/api/v1/traffic" },
  "GET /api/v1/traffic/history": { least: "viewer", token: true, path: "/api/v1/traffic/history?range=15m" },

  // The Alertmanager receiver: only a bearer token with the alerts:write scope (issue 11 part 5). The body is a valid
  // webhook with no alerts in it, so an allowed call changes nothing.
  // PagerDuty's v3 webhook: authenticated by its X-PagerDuty-Signature alone (issue 12 part 2). No caller here can
  // sign, and this suite's console has no PAGERDUTY_WEBHOOK_SECRET: everyone gets 401, nothing is acknowledged.
  "POST /api/v1/integrations/pagerduty": {
    least: "signature",
    path: "/api/v1/integrations/pagerduty",
    body: { event: { event_type: "incident.acknowledged", data: { incident_key: "role-matrix-no-such-page" } } },
  },

  "POST /api/v1/alerts/alertmanager": {
    least: "token",
    path: "/api/v1/alerts/alertmanager",
    body: { version: "4", status: "resolved", alerts: [] },
  },
};
