"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { PersonName } from "@/components/oncall/on-call-board";
import { btnPrimary, input, muted } from "@/components/incidents/styles";
import type { OnCallLevelView, OnCallPerson } from "@/lib/oncall-view";
import type { AddOverrideAction, RemoveOverrideAction } from "./action-types";

const small = "block text-xs font-medium text-slate-600 dark:text-slate-400";

/** A level's overrides not yet ended, each removable, and a form to add one (times in the level's zone). */
export function OverrideEditor({
  level,
  people,
  add,
  remove,
}: {
  level: OnCallLevelView;
  people: OnCallPerson[];
  add: AddOverrideAction;
  remove: RemoveOverrideAction;
}) {
  const [state, formAction, pending] = useActionState(add, null);
  const formRef = useRef<HTMLFormElement>(null);
  const [removing, setRemoving] = useState<number | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const id = (name: string) => `override-${level.level}-${name}`;
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);

  async function onRemove(overrideId: number) {
    setRemoving(overrideId);
    setRemoveError(null);
    try {
      const res = await remove({ id: overrideId });
      if (!res.ok) setRemoveError(res.message);
    } catch {
      setRemoveError("The console did not answer; the override is still there.");
    } finally {
      setRemoving(null);
    }
  }

  return (
    <div className="space-y-3">
      {level.overrides.length ? (
        <ul className="space-y-1.5 text-sm" data-testid="override-list">
          {level.overrides.map((o) => (
            <li key={o.id} className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <PersonName person={o.person} />
              <span className={`text-xs ${muted}`}>
                <time dateTime={o.start}>{o.startText}</time> → <time dateTime={o.end}>{o.endText}</time>
                {o.note && <> · {o.note}</>}
              </span>
              <button
                type="button"
                onClick={() => void onRemove(o.id)}
                disabled={removing === o.id}
                aria-label={`Remove the override of ${o.person?.name ?? "a deleted account"} from ${o.startText}`}
                className="ml-auto rounded-md px-2 py-1 text-xs font-medium text-red-700 ring-1 ring-red-600/30 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-60 dark:text-red-300 dark:ring-red-400/40 dark:hover:bg-red-950/50"
              >
                {removing === o.id ? "Removing…" : "Remove"}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className={`text-sm ${muted}`}>No overrides ahead.</p>
      )}
      {removeError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {removeError}
        </p>
      )}
      <form ref={formRef} action={formAction} aria-label={`Add an override for ${level.target}`} className="space-y-2">
        <input type="hidden" name="level" value={level.level} />
        <input type="hidden" name="timeZone" value={level.timeZone} />
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-4">
          <label>
            <span className={small}>Who</span>
            <select
              name="userId"
              required
              defaultValue=""
              className={input}
              aria-invalid={!!fieldError("userId")}
              aria-describedby={fieldError("userId") ? id("userId-error") : undefined}
            >
              <option value="">Choose a person…</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.email})
                </option>
              ))}
            </select>
            {fieldError("userId") && (
              <span id={id("userId-error")} className="text-xs text-red-700 dark:text-red-300">
                {fieldError("userId")}
              </span>
            )}
          </label>
          {(["start", "end"] as const).map((f) => (
            <label key={f}>
              <span className={small}>
                {f === "start" ? "From" : "Until"} ({level.timeZone})
              </span>
              <input
                type="datetime-local"
                name={f}
                required
                className={input}
                aria-invalid={!!fieldError(f)}
                aria-describedby={fieldError(f) ? id(`${f}-error`) : undefined}
              />
              {fieldError(f) && (
                <span id={id(`${f}-error`)} className="text-xs text-red-700 dark:text-red-300">
                  {fieldError(f)}
                </span>
              )}
            </label>
          ))}
          <label>
            <span className={small}>Note</span>
            <input name="note" maxLength={200} placeholder="e.g. I take Friday night" className={input} />
          </label>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <button type="submit" disabled={pending} className={btnPrimary}>
            {pending ? "Adding…" : "Add override"}
          </button>
          <span
            role="status"
            data-testid="override-result"
            className={`text-sm ${state?.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
          >
            {state ? (state.ok ? "Override added." : state.message) : ""}
          </span>
        </div>
      </form>
    </div>
  );
}
