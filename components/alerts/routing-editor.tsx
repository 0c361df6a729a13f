"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import type * as alertActions from "@/app/(console)/alerts/actions";
import type { AlertRoute } from "@/lib/alert-groups";

const input =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900 focus-visible:outline-2 focus-visible:outline-sky-500";

/**
 * The routing policy: per rule (or every rule) and severity, whom a new alert group pages first and whether it
 * proposes a triage incident. Everyone reads it; admins set a route with the form below it.
 */
export function RoutingEditor({
  routes,
  rules,
  levels,
  save,
}: {
  routes: AlertRoute[];
  rules: { id: string; name: string }[];
  levels: { level: number; target: string }[];
  save: typeof alertActions.updateAlertRouting | null;
}) {
  const router = useRouter();
  const id = useId();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const ruleName = (ruleId: string) =>
    ruleId === "*" ? "Every rule" : (rules.find((r) => r.id === ruleId)?.name ?? ruleId);
  const levelName = (level: number | null) =>
    level === null ? "nobody" : (levels.find((l) => l.level === level)?.target ?? `level ${level}`);
  return (
    <div className="space-y-3">
      <div className="overflow-x-auto">
        <table data-testid="routes" className="w-full min-w-[28rem] text-left text-sm">
          <thead className="text-xs text-slate-600 uppercase dark:text-slate-400">
            <tr>
              <th className="py-1 pr-3 font-medium">Rule</th>
              <th className="py-1 pr-3 font-medium">Severity</th>
              <th className="py-1 pr-3 font-medium">Pages first</th>
              <th className="py-1 font-medium">Triage incident</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {routes.map((r) => (
              <tr key={`${r.ruleId}/${r.severity}`} data-testid="route">
                <td className="py-1 pr-3">{ruleName(r.ruleId)}</td>
                <td className="py-1 pr-3">{r.severity}</td>
                <td className="py-1 pr-3">{levelName(r.pageLevel)}</td>
                <td className="py-1">{r.openTriage ? "proposed" : "no"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {save && (
        <form
          aria-label="Set a route"
          className="flex flex-wrap items-end gap-3"
          onSubmit={async (e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const page = String(form.get("pageLevel"));
            setBusy(true);
            setResult(null);
            try {
              const r = await save({
                ruleId: String(form.get("ruleId")),
                severity: String(form.get("severity")) as AlertRoute["severity"],
                pageLevel: page === "" ? null : Number(page),
                openTriage: form.get("openTriage") === "on",
              });
              setResult(r.ok ? { ok: true, text: "Saved." } : { ok: false, text: r.message });
              if (r.ok) router.refresh();
            } catch {
              setResult({ ok: false, text: "The console did not answer; try again." });
            } finally {
              setBusy(false);
            }
          }}
        >
          <label className="flex flex-col text-xs">
            Rule
            <select name="ruleId" className={input} defaultValue="*">
              <option value="*">Every rule</option>
              {rules.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col text-xs">
            Severity
            <select name="severity" className={input} defaultValue="critical">
              <option value="critical">critical</option>
              <option value="warning">warning</option>
            </select>
          </label>
          <label className="flex flex-col text-xs">
            Pages first
            <select name="pageLevel" className={input} defaultValue="0">
              <option value="">nobody</option>
              {levels.map((l) => (
                <option key={l.level} value={l.level}>
                  {l.target}
                </option>
              ))}
            </select>
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="openTriage" defaultChecked /> Propose a triage incident
          </label>
          <button
            type="submit"
            disabled={busy}
            className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-60"
          >
            {busy ? "Saving…" : "Save route"}
          </button>
          <p
            id={id}
            role="status"
            data-testid="route-result"
            className={`w-full text-sm ${result?.ok === false ? "text-red-800 dark:text-red-300" : "text-emerald-800 dark:text-emerald-300"}`}
          >
            {result?.text}
          </p>
        </form>
      )}
    </div>
  );
}
