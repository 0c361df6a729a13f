import {
  componentStateLabels,
  maintenanceStatusLabels,
  publicIncidentStatusLabels,
  type PublicIncident,
  type PublicMaintenance,
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

/** The names of the components a maintenance window covers, from the page's own list. */
export function maintenanceComponentNames(m: PublicMaintenance, status: Pick<PublicStatus, "components">): string[] {
  return status.components.filter((c) => m.components.includes(c.id)).map((c) => c.name);
}

/** A window's announcement as HTML (escaped once here, once more as the Atom element's text). */
function maintenanceHtml(m: PublicMaintenance, status: PublicStatus): string {
  const names = maintenanceComponentNames(m, status);
  return `<p><strong>${xml(maintenanceStatusLabels[m.status])}</strong> · ${xml(m.startsAt)} to ${xml(m.endsAt)}</p>${
    names.length ? `<p>Components: ${xml(names.join(", "))}</p>` : ""
  }`;
}

/**
 * The feed's entries: one per incident, updated with its newest update, and one per maintenance window announced
 * and not ended, updated when it was announced; `origin` is the page's own (`https://status.example.com`).
 */
export function renderAtom(status: PublicStatus, origin: string): string {
  const page = `${origin}/status`;
  const updated = [
    status.asOf,
    ...status.incidents.map((i) => i.updatedAt),
    ...status.maintenances.map((m) => m.announcedAt),
  ]
    .sort()
    .at(-1)!;
  const maintenanceEntries = status.maintenances.map(
    (m) => `  <entry>
    <id>${xml(`${page}#${m.id}`)}</id>
    <title>${xml(`Scheduled maintenance: ${m.title} — ${maintenanceStatusLabels[m.status]}`)}</title>
    <link rel="alternate" type="text/html" href="${xml(`${page}#${m.id}`)}"/>
    <published>${xml(m.announcedAt)}</published>
    <updated>${xml(m.announcedAt)}</updated>
    <content type="html">${xml(maintenanceHtml(m, status))}</content>
  </entry>`,
  );
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
${[...maintenanceEntries, ...entries].join("\n")}
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
      id: m.id,
      name: m.title,
      status: m.status,
      created_at: m.announcedAt,
      scheduled_for: m.startsAt,
      scheduled_until: m.endsAt,
      shortlink: `${origin}/status#${m.id}`,
      components: m.components,
    })),
  };
}
