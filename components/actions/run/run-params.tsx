import { panel } from "@/components/incidents/styles";
import { actionCatalog } from "@/lib/actions/catalog";
import type { ActionRun } from "@/lib/actions/run";

const show = (v: unknown): string =>
  Array.isArray(v)
    ? v.map(show).join(", ")
    : v === null || v === undefined
      ? "—"
      : typeof v === "object"
        ? Object.entries(v)
            .map(([k, x]) => `${k}: ${show(x)}`)
            .join(", ")
        : String(v);

/** The parameters as requested, under their form labels, and the hash an approval is bound to. */
export function RunParams({ run }: { run: ActionRun }) {
  const fields = actionCatalog[run.actionId]?.fields ?? [];
  const names = [
    ...fields.map((f) => f.name),
    ...Object.keys(run.params).filter((k) => !fields.some((f) => f.name === k)),
  ];
  return (
    <section aria-labelledby="params-heading" data-testid="run-params" className={`${panel} space-y-3`}>
      <h2 id="params-heading" className="text-lg font-semibold">
        Parameters
      </h2>
      <dl className="space-y-2 text-sm">
        {names
          .filter((n) => n in run.params)
          .map((n) => (
            <div key={n} className="grid gap-x-3 sm:grid-cols-[minmax(0,12rem)_1fr]">
              <dt className="text-slate-600 dark:text-slate-400">
                {fields.find((f) => f.name === n)?.label ?? n} <span className="font-mono text-xs">({n})</span>
              </dt>
              <dd className="font-mono break-all">{show(run.params[n])}</dd>
            </div>
          ))}
        <div className="grid gap-x-3 sm:grid-cols-[minmax(0,12rem)_1fr]">
          <dt className="text-slate-600 dark:text-slate-400">Parameters hash</dt>
          <dd className="font-mono" title={run.paramsHash} data-testid="params-hash" data-hash={run.paramsHash}>
            {run.paramsHash.slice(0, 12)}
            <span className="sr-only"> (full: {run.paramsHash})</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}
