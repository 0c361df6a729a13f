"use client";

import { useState } from "react";
import { severities, type Severity } from "@/lib/severity";
import type { EscalationLevelInput, UpdateEscalationAction } from "./action-types";
import { btnPrimary, btnSecondary, input, muted, panel } from "./styles";

type Row = {
  key: number;
  level: string;
  afterMinutes: string;
  target: string;
  contact: string;
  severities: Severity[];
  onlyIfUnacknowledged: boolean;
};

const toRow = (l: EscalationLevelInput, key: number): Row => ({
  key,
  level: String(l.level),
  afterMinutes: String(Math.round((l.afterSeconds / 60) * 100) / 100),
  target: l.target,
  contact: l.contact,
  severities: l.severities ?? [],
  onlyIfUnacknowledged: l.onlyIfUnacknowledged,
});

const small = "block text-xs font-medium text-slate-600 dark:text-slate-400";

/**
 * The escalation chain as an editable table: who is paged how long after the declaration, for which
 * severities, and whether only while nobody has acknowledged. Saving replaces the chain for new incidents.
 */
export function EscalationEditor({ levels, save }: { levels: EscalationLevelInput[]; save: UpdateEscalationAction }) {
  const [rows, setRows] = useState<Row[]>(() => levels.map(toRow));
  const [nextKey, setNextKey] = useState(levels.length);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const update = (key: number, patch: Partial<Row>) => {
    setResult(null);
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };

  function addRow() {
    const maxLevel = rows.reduce((m, r) => Math.max(m, Number(r.level) || 0), -1);
    setRows((rs) => [
      ...rs,
      {
        key: nextKey,
        level: String(Math.min(99, maxLevel + 1)),
        afterMinutes: "60",
        target: "",
        contact: "",
        severities: [],
        onlyIfUnacknowledged: false,
      },
    ]);
    setNextKey((k) => k + 1);
    setResult(null);
  }

  async function submit() {
    const out: EscalationLevelInput[] = [];
    for (const r of rows) {
      const minutes = Number(r.afterMinutes);
      if (r.afterMinutes.trim() === "" || !Number.isFinite(minutes) || minutes < 0)
        return setResult({ ok: false, text: `Level ${r.level}: "after" must be a number of minutes, 0 or more.` });
      if (!/^\d{1,2}$/.test(r.level.trim()))
        return setResult({ ok: false, text: `"${r.level}" is not a level number (0–99).` });
      out.push({
        level: Number(r.level),
        afterSeconds: Math.round(minutes * 60),
        target: r.target.trim(),
        contact: r.contact.trim(),
        severities: r.severities.length ? severities.filter((s) => r.severities.includes(s)) : null,
        onlyIfUnacknowledged: r.onlyIfUnacknowledged,
      });
    }
    setBusy(true);
    setResult(null);
    try {
      const res = await save({ levels: out });
      setResult(
        res.ok
          ? { ok: true, text: "Saved. Incidents declared from now on use this chain." }
          : { ok: false, text: res.message },
      );
    } catch {
      setResult({ ok: false, text: "The console did not answer; nothing was saved." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      aria-label="Escalation chain"
      className={`${panel} space-y-3`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ol className="space-y-3">
        {rows.map((r) => (
          <li
            key={r.key}
            data-testid="escalation-level"
            data-target={r.target}
            className="rounded-lg border border-slate-200 p-3 dark:border-slate-800"
          >
            <fieldset className="grid grid-cols-2 gap-3 sm:grid-cols-[5rem_7rem_1fr_1fr]">
              <legend className="sr-only">Level {r.level}</legend>
              <label>
                <span className={small}>Level</span>
                <input
                  aria-label={`Level number for ${r.target || "new level"}`}
                  inputMode="numeric"
                  value={r.level}
                  onChange={(e) => update(r.key, { level: e.target.value })}
                  className={input}
                />
              </label>
              <label>
                <span className={small}>After (min)</span>
                <input
                  aria-label={`Minutes before paging ${r.target || "new level"}`}
                  type="number"
                  min={0}
                  step="any"
                  value={r.afterMinutes}
                  onChange={(e) => update(r.key, { afterMinutes: e.target.value })}
                  className={input}
                />
              </label>
              <label className="col-span-2 sm:col-span-1">
                <span className={small}>Target</span>
                <input
                  aria-label={`Target of level ${r.level}`}
                  required
                  value={r.target}
                  maxLength={120}
                  onChange={(e) => update(r.key, { target: e.target.value })}
                  className={input}
                />
              </label>
              <label className="col-span-2 sm:col-span-1">
                <span className={small}>Contact</span>
                <input
                  aria-label={`Contact of level ${r.level}`}
                  value={r.contact}
                  maxLength={200}
                  placeholder="e.g. #tech-leads, +1 555…"
                  onChange={(e) => update(r.key, { contact: e.target.value })}
                  className={input}
                />
              </label>
              <div className="col-span-2 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm sm:col-span-4">
                <span className={small}>Severities</span>
                {severities.map((s) => (
                  <label key={s} className="flex items-center gap-1">
                    <input
                      type="checkbox"
                      checked={r.severities.includes(s)}
                      onChange={(e) =>
                        update(r.key, {
                          severities: e.target.checked ? [...r.severities, s] : r.severities.filter((x) => x !== s),
                        })
                      }
                      className="h-4 w-4 accent-sky-700"
                    />
                    {s}
                  </label>
                ))}
                <span className={`text-xs ${muted}`}>{r.severities.length ? "" : "(none ticked: every severity)"}</span>
                <label className="flex items-center gap-1.5">
                  <input
                    type="checkbox"
                    checked={r.onlyIfUnacknowledged}
                    onChange={(e) => update(r.key, { onlyIfUnacknowledged: e.target.checked })}
                    className="h-4 w-4 accent-sky-700"
                  />
                  Only if unacknowledged
                </label>
                <button
                  type="button"
                  onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                  className="ml-auto rounded-md px-2 py-1 text-xs font-medium text-red-700 ring-1 ring-red-600/30 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-red-300 dark:ring-red-400/40 dark:hover:bg-red-950/50"
                  aria-label={`Remove level ${r.level} ${r.target}`}
                >
                  Remove
                </button>
              </div>
            </fieldset>
          </li>
        ))}
      </ol>
      {!rows.length && <p className={`text-sm ${muted}`}>No levels. Add at least one: nobody would be paged.</p>}
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" onClick={addRow} className={btnSecondary}>
          Add level
        </button>
        <button type="submit" disabled={busy || !rows.length} className={btnPrimary}>
          {busy ? "Saving…" : "Save chain"}
        </button>
        <span
          role="status"
          data-testid="escalation-result"
          className={`text-sm ${result?.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {result?.text}
        </span>
      </div>
    </form>
  );
}
