import {
  componentStateLabels,
  publicIncidentStatusLabels,
  type PublicIncident,
  type PublicStatus,
  type ServedStatus,
} from "./status-page";

/**
 * The status page's machine-readable forms, built from the public view model only: an Atom feed of the incidents
 * and their updates, and a JSON summary modelled on Atlassian Statuspage's `/api/v2/summary.json`.
 */

export const STATUS_PAGE_NAME = "Service status";

const xml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);

/** The incident's updates as HTML (escaped once here, once more as the Atom element's text). */
function incidentHtml(i: PublicIncident): string {
  const updates = i.updates
    .map(
      (u) =>
        `<p><strong>${xml(publicIncidentStatusLabels[u.status])}</strong> · ${xml(u.at)}<br>${xml(u.body).replace(/\n/g, "<br>")}</p>`,
    )
    .join("");
  const impact = i.impact === "none" ? "" : `<p>Impact: ${xml(componentStateLabels[i.impact])}</p>`;
  return `${impact}${updates}`;
}

/** The feed's entries: one per incident, updated with its newest update; `origin` is the page's own (`https://status.example.com`). */
export function renderAtom(status: PublicStatus, origin: string): string {
  const page = `${origin}/status`;
  const updated = [status.asOf, ...status.incidents.map((i) => i.updatedAt)].sort().at(-1)!;
  const entries = status.incidents.map(
    (i) => `  <entry>
    <id>${xml(`${page}#${i.id}`)}</id>
    <title>${xml(`${i.title} — ${publicIncidentStatusLabels[i.status]}`)}</title>
    <link rel="alternate" type="text/html" href="${xml(`${page}#${i.id}`)}"/>
    <published>${xml(i.createdAt)}</published>
    <updated>${xml(i.updatedAt)}</updated>
    <content type="html">${xml(incidentHtml(i))}</content>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(page)}</id>
  <title>${xml(`${STATUS_PAGE_NAME} — incident history`)}</title>
  <link rel="alternate" type="text/html" href="${xml(page)}"/>
  <link rel="self" type="application/atom+xml" href="${xml(`${page}/feed.atom`)}"/>
  <updated>${xml(updated)}</updated>
  <author><name>${xml(STATUS_PAGE_NAME)}</name></author>
${entries.join("\n")}
</feed>
`;
}

/** Statuspage's summary shape (snake_case), with the 90-day uptime per component and the age of what it says. */
export function summaryJson(served: ServedStatus, origin: string) {
  const s = served.status;
  return {
    page: {
      name: STATUS_PAGE_NAME,
      url: `${origin}/status`,
      updated_at: s.asOf,
      served_at: served.servedAt,
      age_seconds: Math.max(0, Math.round((Date.parse(served.servedAt) - Date.parse(s.asOf)) / 1000)),
      /** true: the status could not be refreshed just now; this is the last one known */
      from_memory: served.fromMemory,
    },
    status: { indicator: s.indicator, description: s.description },
    components: s.components.map((c) => ({
      id: c.id,
      name: c.name,
      group_name: c.group,
      description: c.description,
      status: c.state,
      uptime_90d: { percent: c.uptime.percent, days_with_data: c.uptime.daysWithData },
    })),
    incidents: s.incidents
      .filter((i) => i.status !== "resolved")
      .map((i) => ({
        id: i.id,
        name: i.title,
        status: i.status,
        impact: i.impact,
        created_at: i.createdAt,
        updated_at: i.updatedAt,
        resolved_at: i.resolvedAt,
        shortlink: `${origin}/status#${i.id}`,
        components: i.components,
        incident_updates: i.updates.map((u) => ({ id: u.id, status: u.status, body: u.body, created_at: u.at })),
      })),
    scheduled_maintenances: s.maintenances.map((m) => ({
      name: m.title,
      scheduled_for: m.startsAt,
      scheduled_until: m.endsAt,
      components: m.components,
    })),
  };
}
