"use client";

import { input, label, muted } from "@/components/incidents/styles";
import { actionCatalog, type ActionId, type ParamField } from "@/lib/actions/catalog";
import { MAX_WEIGHT } from "@/lib/balancer-layout";
import type { FleetGeography, FleetRegion } from "@/components/actions/action-types";
import { choicesFor, defaultHoldSeconds, type FormValues } from "@/components/actions/request/form-params";

type Change = (name: string, value: string | string[]) => void;

/** One labelled input per parameter the action takes, as its catalog entry describes them. */
export function ParamInputs({
  actionId,
  fleet,
  geographies = [],
  values,
  onChange,
}: {
  actionId: ActionId;
  fleet: FleetRegion[];
  geographies?: FleetGeography[];
  values: FormValues;
  onChange: Change;
}) {
  const fields = actionCatalog[actionId].fields;
  if (!fields.length) return <p className={`text-sm ${muted}`}>This action takes no parameters.</p>;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {fields.map((f) => (
        <div key={f.name} className={wide.has(f.kind) ? "sm:col-span-2" : undefined}>
          <FieldInput field={f} fleet={fleet} geographies={geographies} value={values[f.name]} onChange={onChange} />
        </div>
      ))}
    </div>
  );
}

/** Fields that take the form's whole width. */
const wide = new Set<ParamField["kind"]>(["regions", "hold-seconds", "weights"]);

const helpId = (f: ParamField) => `param-${f.name}-help`;

function Help({ field }: { field: ParamField }) {
  return field.help ? (
    <p id={helpId(field)} className={`mt-1 text-xs ${muted}`}>
      {field.help}
    </p>
  ) : null;
}

function FieldInput({
  field,
  fleet,
  geographies,
  value,
  onChange,
}: {
  field: ParamField;
  fleet: FleetRegion[];
  geographies: FleetGeography[];
  value: string | string[] | undefined;
  onChange: Change;
}) {
  const id = `param-${field.name}`;
  const described = field.help ? helpId(field) : undefined;

  if (field.kind === "regions") {
    const picked = Array.isArray(value) ? value : [];
    return (
      <fieldset aria-describedby={described}>
        <legend className={label}>{field.label}</legend>
        <div className="mt-1 flex flex-wrap gap-x-5 gap-y-2">
          {fleet.map((r) => (
            <label key={r.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                name={field.name}
                value={r.id}
                checked={picked.includes(r.id)}
                onChange={(e) =>
                  onChange(
                    field.name,
                    fleet.map((x) => x.id).filter((x) => (x === r.id ? e.target.checked : picked.includes(x))),
                  )
                }
                className="h-4 w-4 accent-sky-700 focus-visible:outline-2 focus-visible:outline-sky-500"
              />
              <span className="font-mono">{r.id}</span>
              <span className={`text-xs ${muted}`}>
                {r.displayName}
                {r.role === "primary" ? " · primary" : ""}
              </span>
            </label>
          ))}
        </div>
        {!fleet.length && <p className={`mt-1 text-sm ${muted}`}>The fleet file lists no regions.</p>}
        <Help field={field} />
      </fieldset>
    );
  }

  if (field.kind === "hold-seconds") {
    const [at10, at50] = Array.isArray(value) && value.length === 2 ? value : defaultHoldSeconds;
    const set = (i: 0 | 1, v: string) => onChange(field.name, i === 0 ? [v, at50!] : [at10!, v]);
    return (
      <fieldset aria-describedby={described}>
        <legend className={label}>{field.label}</legend>
        <div className="mt-1 grid gap-3 sm:grid-cols-2">
          {(["10 %", "50 %"] as const).map((step, i) => (
            <div key={step}>
              <label htmlFor={`${id}-${i}`} className="block text-xs text-slate-600 dark:text-slate-400">
                Hold at {step} (seconds)
              </label>
              <input
                id={`${id}-${i}`}
                type="number"
                inputMode="numeric"
                min={1}
                max={86_400}
                step={1}
                required
                value={i === 0 ? at10 : at50}
                onChange={(e) => set(i as 0 | 1, e.target.value)}
                className={input}
              />
            </div>
          ))}
        </div>
        <Help field={field} />
      </fieldset>
    );
  }

  if (field.kind === "weights") {
    const weights = Array.isArray(value) && value.length === fleet.length ? value : fleet.map(() => "0");
    return (
      <fieldset aria-describedby={described}>
        <legend className={label}>{field.label}</legend>
        <div className="mt-1 grid gap-3 sm:grid-cols-3">
          {fleet.map((r, i) => (
            <div key={r.id}>
              <label htmlFor={`${id}-${r.id}`} className="block text-xs text-slate-600 dark:text-slate-400">
                <span className="font-mono">{r.id}</span> · {r.displayName}
              </label>
              <input
                id={`${id}-${r.id}`}
                name={`${field.name}.${r.id}`}
                type="number"
                inputMode="numeric"
                min={0}
                max={MAX_WEIGHT}
                step={1}
                required
                value={weights[i]}
                onChange={(e) =>
                  onChange(
                    field.name,
                    weights.map((w, j) => (j === i ? e.target.value : w)),
                  )
                }
                className={input}
              />
            </div>
          ))}
        </div>
        {!fleet.length && <p className={`mt-1 text-sm ${muted}`}>The fleet file lists no regions.</p>}
        <Help field={field} />
      </fieldset>
    );
  }

  if (field.kind === "seconds") {
    return (
      <>
        <label htmlFor={id} className={label}>
          {field.label}
        </label>
        <input
          id={id}
          name={field.name}
          type="number"
          inputMode="numeric"
          min={1}
          max={86_400}
          step={1}
          required
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(field.name, e.target.value)}
          aria-describedby={described}
          className={input}
        />
        <Help field={field} />
      </>
    );
  }

  const choices = choicesFor(field, fleet, geographies);
  return (
    <>
      <label htmlFor={id} className={label}>
        {field.label}
      </label>
      <select
        id={id}
        name={field.name}
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(field.name, e.target.value)}
        aria-describedby={described}
        className={input}
      >
        {!choices.some((c) => c.value === value) && (
          <option value="" disabled>
            {choices.length
              ? "Choose…"
              : field.kind === "replica"
                ? "No replica in the fleet"
                : field.kind === "geography"
                  ? "The fleet has no global balancer"
                  : "Nothing to choose"}
          </option>
        )}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      <Help field={field} />
    </>
  );
}
