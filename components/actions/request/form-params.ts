import { actionCatalog, actionIds, type ActionId, type ParamField } from "@/lib/actions/catalog";
import { cdnProviders } from "@/lib/cdn-providers";
import type { FleetRegion } from "@/components/actions/action-types";

/**
 * The request form's values, as the inputs hold them (strings, and string lists for checkboxes and the two hold
 * times), and how they turn into an action's parameters, a URL's query and back.
 */

export type FormValues = Record<string, string | string[]>;

export const defaultHoldSeconds = ["3600", "7200"];

export const actionGroups: { label: string; prefix: string; ids: ActionId[] }[] = [
  { label: "Database", prefix: "db." },
  { label: "CDN", prefix: "cdn." },
  { label: "Mirrors", prefix: "mirrors." },
].map((g) => ({ ...g, ids: actionIds.filter((id) => id.startsWith(g.prefix)) }));

export const providerLabels: Record<(typeof cdnProviders)[number], string> = {
  cloudflare: "Cloudflare",
  bunny: "Bunny",
  "aws-cloudfront": "AWS CloudFront",
};

export type Choice = { value: string; label: string };

const regionLabel = (r: FleetRegion) => `${r.id} · ${r.displayName}${r.role === "primary" ? " (primary)" : ""}`;

/** The options of a select field: regions (all, replicas only, or with "All regions"), or CDN providers. */
export function choicesFor(field: ParamField, fleet: FleetRegion[]): Choice[] {
  switch (field.kind) {
    case "replica":
      return fleet.filter((r) => r.role === "replica").map((r) => ({ value: r.id, label: regionLabel(r) }));
    case "region":
    case "primary-region":
      return fleet.map((r) => ({ value: r.id, label: regionLabel(r) }));
    case "region-or-all":
      return [{ value: "all", label: "All regions" }, ...fleet.map((r) => ({ value: r.id, label: regionLabel(r) }))];
    case "provider":
      return cdnProviders.map((p) => ({ value: p, label: providerLabels[p] }));
    default:
      return [];
  }
}

function defaultValue(actionId: ActionId, field: ParamField, fleet: FleetRegion[]): string | string[] {
  const primary = fleet.find((r) => r.role === "primary");
  const firstReplica = fleet.find((r) => r.role === "replica");
  switch (field.kind) {
    case "replica":
      return firstReplica?.id ?? "";
    case "primary-region":
      return primary?.id ?? fleet[0]?.id ?? "";
    case "region":
      // A database server to act on is usually not the primary; a region API can be any.
      return (actionId.startsWith("db.") ? firstReplica : fleet[0])?.id ?? fleet[0]?.id ?? "";
    case "region-or-all":
      return "all";
    case "regions":
      return fleet.map((r) => r.id);
    case "provider": {
      const current = new Set(fleet.map((r) => r.cdnProvider));
      return cdnProviders.find((p) => !current.has(p)) ?? cdnProviders[0];
    }
    case "hold-seconds":
      return defaultHoldSeconds;
  }
}

/** A value from the URL, kept only when the field can show it (an unknown region falls back to the default). */
function fromQuery(field: ParamField, raw: string | undefined, fleet: FleetRegion[]): string | string[] | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (field.kind === "regions") {
    const known = new Set(fleet.map((r) => r.id));
    const picked = raw.split(",").map((s) => s.trim());
    const kept = fleet.map((r) => r.id).filter((id) => picked.includes(id) && known.has(id));
    return kept.length ? kept : undefined;
  }
  if (field.kind === "hold-seconds") {
    const parts = raw.split(",").map((s) => s.trim());
    return parts.length === 2 && parts.every((p) => /^\d{1,6}$/.test(p)) ? parts : undefined;
  }
  return choicesFor(field, fleet).some((c) => c.value === raw) ? raw : undefined;
}

/** Every field of the action: its value from the URL when it fits, else its default. */
export function initialValues(
  actionId: ActionId,
  fleet: FleetRegion[],
  query: Record<string, string> = {},
): FormValues {
  const values: FormValues = {};
  for (const field of actionCatalog[actionId].fields)
    values[field.name] = fromQuery(field, query[field.name], fleet) ?? defaultValue(actionId, field, fleet);
  return values;
}

/** The parameters the service takes: hold times as numbers, everything else as the inputs hold it. */
export function toParams(actionId: ActionId, values: FormValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const field of actionCatalog[actionId].fields) {
    const v = values[field.name];
    if (field.kind === "hold-seconds")
      params[field.name] = (Array.isArray(v) ? v : defaultHoldSeconds).map((s) => (s.trim() === "" ? NaN : Number(s)));
    else if (field.kind === "regions") params[field.name] = Array.isArray(v) ? v : [];
    else params[field.name] = typeof v === "string" ? v : "";
  }
  return params;
}

/** A link to the request form for an action, its parameters (lists joined by commas), and its incident and step. */
export function requestHref(
  actionId: ActionId,
  params: Record<string, unknown> = {},
  context: { incidentId?: number | null; stepKey?: string | null } = {},
): string {
  const q = new URLSearchParams({ action: actionId });
  if (context.incidentId) q.set("incident", String(context.incidentId));
  if (context.stepKey) q.set("step", context.stepKey);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || k === "action" || k === "incident" || k === "step") continue;
    q.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  return `/actions/new?${q}`;
}

const regionKinds = new Set<ParamField["kind"]>(["region", "replica", "primary-region", "region-or-all"]);

/**
 * The request form for the action a pre-flight proposes instead, carrying over what fits: parameters of the
 * same name, and the region the user picked for the proposed action's first region field (promote
 * region=eu-west-1 becomes switchover candidate=eu-west-1). The step stays behind: it names the other action.
 */
export function proposalHref(
  from: ActionId,
  params: Record<string, unknown>,
  to: ActionId,
  incidentId: number | null,
): string {
  const fromRegion = actionCatalog[from].fields.find((f) => regionKinds.has(f.kind));
  const carried: Record<string, unknown> = {};
  let regionUsed = false;
  for (const field of actionCatalog[to].fields) {
    if (field.name in params) carried[field.name] = params[field.name];
    else if (!regionUsed && regionKinds.has(field.kind) && fromRegion && typeof params[fromRegion.name] === "string") {
      carried[field.name] = params[fromRegion.name];
      regionUsed = true;
    }
  }
  return requestHref(to, carried, { incidentId });
}
