"use client";

import { useState } from "react";
import { btnPrimary, btnSecondary, input, muted } from "@/components/incidents/styles";
import { rotationKinds, weekdays, type RotationKind } from "@/lib/oncall-rotation";
import type { OnCallLevelView, OnCallPerson } from "@/lib/oncall-view";
import type { SaveRotationAction } from "./action-types";

const small = "block text-xs font-medium text-slate-600 dark:text-slate-400";
const iconBtn =
  "rounded-md px-2 py-1 text-xs font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40 focus-visible:outline-2 focus-visible:outline-sky-500 dark:ring-slate-700 dark:hover:bg-slate-800";

/**
 * A level's rotation as a form: members in order (move up and down, remove, add), hand-off time and day, time zone,
 * daily or weekly, and the date it starts. Saving replaces the level's rotation.
 */
export function RotationEditor({
  level,
  people,
  zoneListId,
  defaultZone,
  today,
  save,
}: {
  level: OnCallLevelView;
  people: OnCallPerson[];
  /** The id of a datalist of time zone names on the page. */
  zoneListId: string;
  defaultZone: string;
  today: string;
  save: SaveRotationAction;
}) {
  const r = level.rotation;
  const [kind, setKind] = useState<RotationKind>(r?.kind ?? "weekly");
  const [handoffTime, setHandoffTime] = useState(r?.handoffTime ?? "09:00");
  const [handoffDay, setHandoffDay] = useState(r?.handoffDay ?? 1);
  const [timeZone, setTimeZone] = useState(r?.timeZone ?? defaultZone);
  const [startDate, setStartDate] = useState(r?.startDate ?? today);
  const [members, setMembers] = useState<string[]>(() => r?.members.map((m) => m.id) ?? []);
  const [adding, setAdding] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const id = (name: string) => `rotation-${level.level}-${name}`;
  const nameOf = (pid: string) => people.find((p) => p.id === pid)?.name ?? "(deleted account)";

  const move = (i: number, by: -1 | 1) =>
    setMembers((ms) => {
      const next = [...ms];
      [next[i], next[i + by]] = [next[i + by]!, next[i]!];
      return next;
    });

  async function submit() {
    setBusy(true);
    setResult(null);
    try {
      const res = await save({ level: level.level, kind, handoffTime, handoffDay, timeZone, startDate, members });
      setResult(res.ok ? { ok: true, text: "Saved." } : { ok: false, text: res.message });
    } catch {
      setResult({ ok: false, text: "The console did not answer; nothing was saved." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      aria-label={`Rotation of ${level.target}`}
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset className="space-y-2">
        <legend className={small}>Members, in rotation order</legend>
        {members.length ? (
          <ol className="space-y-1" data-testid="rotation-members">
            {members.map((m, i) => (
              <li key={`${m}-${i}`} className="flex flex-wrap items-center gap-2 text-sm">
                <span className={`w-6 text-right tabular-nums ${muted}`}>{i + 1}.</span>
                <span className="min-w-0 flex-1 truncate">{nameOf(m)}</span>
                <button
                  type="button"
                  className={iconBtn}
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                  aria-label={`Move ${nameOf(m)} up`}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className={iconBtn}
                  disabled={i === members.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={`Move ${nameOf(m)} down`}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className={`${iconBtn} text-red-700 dark:text-red-300`}
                  onClick={() => setMembers((ms) => ms.filter((_, j) => j !== i))}
                  aria-label={`Remove ${nameOf(m)} from the rotation`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ol>
        ) : (
          <p className={`text-sm ${muted}`}>No members yet: nobody is on call at this level.</p>
        )}
        <div className="flex flex-wrap items-end gap-2">
          <label className="min-w-48 flex-1">
            <span className={small}>Add a member</span>
            <select value={adding} onChange={(e) => setAdding(e.target.value)} className={input}>
              <option value="">Choose a person…</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.email})
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className={btnSecondary}
            disabled={!adding}
            onClick={() => {
              setMembers((ms) => [...ms, adding]);
              setAdding("");
            }}
          >
            Add
          </button>
        </div>
      </fieldset>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <label>
          <span className={small}>Rotates</span>
          <select
            id={id("kind")}
            value={kind}
            onChange={(e) => setKind(e.target.value as RotationKind)}
            className={input}
          >
            {rotationKinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className={small}>Hand-off day</span>
          <select
            value={handoffDay}
            disabled={kind === "daily"}
            onChange={(e) => setHandoffDay(Number(e.target.value))}
            className={input}
            aria-describedby={kind === "daily" ? id("day-note") : undefined}
          >
            {weekdays.map((d, i) => (
              <option key={d} value={i}>
                {d}
              </option>
            ))}
          </select>
          {kind === "daily" && (
            <span id={id("day-note")} className={`text-xs ${muted}`}>
              every day
            </span>
          )}
        </label>
        <label>
          <span className={small}>Hand-off time</span>
          <input
            type="time"
            required
            value={handoffTime}
            onChange={(e) => setHandoffTime(e.target.value)}
            className={input}
          />
        </label>
        <label className="col-span-2 sm:col-span-1">
          <span className={small}>Time zone</span>
          <input
            required
            list={zoneListId}
            value={timeZone}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setTimeZone(e.target.value)}
            className={input}
          />
        </label>
        <label className="col-span-2 sm:col-span-1">
          <span className={small}>Starts on</span>
          <input
            type="date"
            required
            value={startDate}
            onChange={(e) => setStartDate(e.target.value)}
            className={input}
          />
        </label>
      </div>
      <p className={`text-xs ${muted}`}>
        The first member takes the first shift, from the first hand-off on or after the start date. Hand-offs follow the
        zone&apos;s wall clock, so a shift across a daylight-saving change is an hour shorter or longer.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={busy} className={btnPrimary}>
          {busy ? "Saving…" : "Save rotation"}
        </button>
        <span
          role="status"
          data-testid="rotation-result"
          className={`text-sm ${result?.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {result?.text}
        </span>
      </div>
    </form>
  );
}
