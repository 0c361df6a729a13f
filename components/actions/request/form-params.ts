import { actionCatalog, actionIds, type ActionId, type ParamField } from "@/lib/actions/catalog";
import { rolloutFailureLabels, rolloutFailurePolicies } from "@/lib/actions/rollout-analysis";
import { DEFAULT_RESTORE_HOLD_SECONDS, restoreStepChoices } from "@/lib/actions/traffic-plan";
import { HOME_WEIGHT } from "@/lib/balancer-layout";
import { cdnProviders } from "@/lib/cdn-providers";
import type { FleetGeography, FleetRegion } from "@/components/actions/action-types";

/**
 * The request form's values, as the inputs hold them (strings, and string lists for checkboxes, the two hold
 * times and the weights, one per region in the fleet's order), and how they turn into an action's parameters, a
 * URL's query and back.
 */

export type FormValues = Record<string, string | string[]>;

export const defaultHoldSeconds = ["3600", "7200"];

export const actionGroups: { label: string; prefix: string; ids: ActionId[] }[] = [
  { label: "Database", prefix: "db." },
  { label: "CDN", prefix: "cdn." },
  { label: "Mirrors", prefix: "mirrors." },
  { label: "Traffic", prefix: "traffic." },
].map((g) => ({ ...g, ids: actionIds.filter((id) => id.startsWith(g.prefix)) }));

export const providerLabels: Record<(typeof cdnProviders)[number], string> = {
  cloudflare: "Cloudflare",
  bunny: "Bunny",
  "aws-cloudfront": "AWS CloudFront",
};

export type Choice = { value: string; label: string };

const regionLabel = (r: FleetRegion) => `${r.id} · ${r.displayName}${r.role === "primary" ? " (primary)" : ""}`;

/**
 * The options of a select field: regions (all, replicas only, or with "All regions"), CDN providers, the balancer's
 * geographies, a restore's steps, or what a rollout does when its analysis fails.
 */
export function choicesFor(field: ParamField, fleet: FleetRegion[], geographies: FleetGeography[] = []): Choice[] {
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
    case "geography":
      return geographies.map((g) => ({ value: g.id, label: `${g.displayName} (${g.id}, home ${g.home})` }));
    case "restore-steps":
      return restoreStepChoices.map(({ value, label }) => ({ value, label }));
    case "rollout-on-failure":
      return rolloutFailurePolicies.map((p) => ({ value: p, label: rolloutFailureLabels[p] }));
    default:
      return [];
  }
}

/** The weights the balancer's layout gives a geography: its home region 100, every other 0. */
export const layoutWeights = (fleet: FleetRegion[], home: string | undefined) =>
  fleet.map((r) => String(r.id === home ? HOME_WEIGHT : 0));

function defaultValue(
  actionId: ActionId,
  field: ParamField,
  fleet: FleetRegion[],
  geographies: FleetGeography[],
): string | string[] {
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
    case "geography":
      return geographies[0]?.id ?? "";
    case "weights":
      return layoutWeights(fleet, geographies[0]?.home);
    case "restore-steps":
      return restoreStepChoices[0]!.value;
    case "seconds":
      return String(DEFAULT_RESTORE_HOLD_SECONDS);
    case "rollout-on-failure":
      return rolloutFailurePolicies[0];
  }
}

/** A value from the URL, kept only when the field can show it (an unknown region falls back to the default). */
function fromQuery(
  field: ParamField,
  raw: string | undefined,
  fleet: FleetRegion[],
  geographies: FleetGeography[],
): string | string[] | undefined {
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
  if (field.kind === "weights") {
    // "us-east-1:50,eu-west-1:50": regions the URL leaves out weigh 0
    const given = new Map(
      raw.split(",").flatMap((pair) => {
        const m = /^\s*([a-z0-9-]+):(\d{1,3})\s*$/.exec(pair);
        return m ? [[m[1]!, m[2]!] as const] : [];
      }),
    );
    return given.size && [...given.keys()].every((r) => fleet.some((x) => x.id === r))
      ? fleet.map((r) => given.get(r.id) ?? "0")
      : undefined;
  }
  if (field.kind === "seconds") return /^\d{1,6}$/.test(raw) ? raw : undefined;
  return choicesFor(field, fleet, geographies).some((c) => c.value === raw) ? raw : undefined;
}

/** Every field of the action: its value from the URL when it fits, else its default. */
export function initialValues(
  actionId: ActionId,
  fleet: FleetRegion[],
  query: Record<string, string> = {},
  geographies: FleetGeography[] = [],
): FormValues {
  const values: FormValues = {};
  for (const field of actionCatalog[actionId].fields)
    values[field.name] =
      fromQuery(field, query[field.name], fleet, geographies) ?? defaultValue(actionId, field, fleet, geographies);
  // Weights start from the chosen geography's layout when the URL gives none.
  const geo = actionCatalog[actionId].fields.find((f) => f.kind === "geography");
  const weights = actionCatalog[actionId].fields.find((f) => f.kind === "weights");
  if (geo && weights && !query[weights.name])
    values[weights.name] = layoutWeights(fleet, geographies.find((g) => g.id === values[geo.name])?.home);
  return values;
}

/** The values after one input changed: a new geography brings its layout's weights (home 100, others 0). */
export function changeValue(
  actionId: ActionId,
  values: FormValues,
  name: string,
  value: string | string[],
  fleet: FleetRegion[],
  geographies: FleetGeography[],
): FormValues {
  const next = { ...values, [name]: value };
  const fields = actionCatalog[actionId].fields;
  const weights = fields.find((f) => f.kind === "weights");
  if (weights && fields.find((f) => f.name === name)?.kind === "geography" && typeof value === "string")
    next[weights.name] = layoutWeights(fleet, geographies.find((g) => g.id === value)?.home);
  return next;
}

const toNumber = (s: string) => (s.trim() === "" ? NaN : Number(s));

/**
 * The parameters the service takes: hold times, seconds and a restore's steps as numbers, weights as a record by
 * region (the fleet's order), everything else as the inputs hold it.
 */
export function toParams(actionId: ActionId, values: FormValues, fleet: FleetRegion[] = []): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const field of actionCatalog[actionId].fields) {
    const v = values[field.name];
    if (field.kind === "hold-seconds") params[field.name] = (Array.isArray(v) ? v : defaultHoldSeconds).map(toNumber);
    else if (field.kind === "regions") params[field.name] = Array.isArray(v) ? v : [];
    else if (field.kind === "weights")
      params[field.name] = Object.fromEntries(fleet.map((r, i) => [r.id, toNumber((Array.isArray(v) && v[i]) || "")]));
    else if (field.kind === "seconds") params[field.name] = toNumber(typeof v === "string" ? v : "");
    else if (field.kind === "restore-steps")
      params[field.name] = (typeof v === "string" ? v : "").split(",").map(toNumber);
    else params[field.name] = typeof v === "string" ? v : "";
  }
  return params;
}

/** A parameter as a URL carries it: lists joined by commas, a record of weights as region:weight pairs. */
function queryValue(v: unknown): string {
  if (Array.isArray(v)) return v.join(",");
  if (typeof v === "object" && v !== null)
    return Object.entries(v)
      .map(([k, x]) => `${k}:${String(x)}`)
      .join(",");
  return String(v);
}

/** A link to the request form for an action, its parameters (see queryValue), and its incident and step. */
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
    q.set(k, queryValue(v));
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
