"use client";

import { useState } from "react";
import { Timestamp } from "@/components/fleet/timestamp";
import type { Incident } from "@/lib/incident";
import type { PhaseClock } from "@/lib/phase-clocks";
import type { IncidentActions } from "./action-types";
import { btnPrimary, btnSecondary, input, link, panel } from "./styles";

/**
 * The post-mortem: a draft generated from the incident's record, completed by the lead in Markdown and saved;
 * anyone can download it (the saved one, or a fresh draft when none is saved).
 */
export function PostmortemPanel({
  incident,
  clock,
  canEdit,
  actions,
  refresh,
}: {
  incident: Incident;
  clock: PhaseClock | undefined;
  canEdit: boolean;
  actions: Pick<IncidentActions, "draftPostmortem" | "savePostmortem">;
  refresh: () => void;
}) {
  // null: show the saved post-mortem as it is on the server (and follow it when someone else saves).
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState<"draft" | "save" | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const value = text ?? incident.postmortem ?? "";
  const dirty = text !== null && text !== (incident.postmortem ?? "");

  async function draft() {
    setBusy("draft");
    setMessage(null);
    try {
      const r = await actions.draftPostmortem({ id: incident.id });
      if (r.ok) {
        setText(r.data);
        setMessage({ ok: true, text: "Draft generated from the incident's record; complete it and save." });
      } else setMessage({ ok: false, text: r.message });
    } catch {
      setMessage({ ok: false, text: "The console did not answer; try again." });
    } finally {
      setBusy(null);
    }
  }

  async function save() {
    setBusy("save");
    setMessage(null);
    try {
      const r = await actions.savePostmortem({ id: incident.id, markdown: value });
      if (r.ok) {
        setText(null);
        setMessage({ ok: true, text: "Post-mortem saved." });
      } else setMessage({ ok: false, text: r.message });
    } catch {
      setMessage({ ok: false, text: "The console did not answer; the post-mortem was not saved." });
    } finally {
      setBusy(null);
      refresh();
    }
  }

  const due =
    incident.status !== "resolved" ? (
      "Most useful once the incident is resolved; the post-mortem clock starts then."
    ) : clock?.state !== "done" && clock?.dueAt ? (
      <>
        Due <Timestamp iso={clock.dueAt} show="full" />
        {clock.state === "overdue" && <strong className="text-red-700 dark:text-red-300"> · overdue</strong>}
      </>
    ) : null;

  return (
    <section aria-labelledby="postmortem-heading" data-testid="postmortem" className={`${panel} space-y-3`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="postmortem-heading" className="text-lg font-semibold">
          Post-mortem
          {incident.postmortem && (
            <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200">
              saved
            </span>
          )}
        </h2>
        <a
          href={`/api/v1/incidents/${incident.id}/postmortem`}
          download
          className={`${link} text-sm`}
          data-testid="postmortem-download"
        >
          Download Markdown
        </a>
      </div>
      {due && <p className="text-sm text-slate-600 dark:text-slate-400">{due}</p>}
      {canEdit ? (
        <>
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={busy !== null} onClick={() => void draft()} className={btnSecondary}>
              {busy === "draft" ? "Generating…" : value ? "Generate new draft" : "Generate draft"}
            </button>
            <button
              type="button"
              disabled={busy !== null || !value.trim() || (!dirty && !!incident.postmortem)}
              onClick={() => void save()}
              className={btnPrimary}
            >
              {busy === "save" ? "Saving…" : "Save post-mortem"}
            </button>
            {dirty && (
              <button type="button" onClick={() => setText(null)} className={btnSecondary}>
                Discard changes
              </button>
            )}
          </div>
          <label htmlFor="postmortem-text" className="sr-only">
            Post-mortem (Markdown)
          </label>
          <textarea
            id="postmortem-text"
            rows={value ? 18 : 4}
            value={value}
            onChange={(e) => setText(e.target.value)}
            placeholder="Generate a draft from the incident's record, then complete impact, root cause and action items."
            className={`${input} font-mono text-xs leading-relaxed`}
          />
          {dirty && <p className="text-xs text-amber-800 dark:text-amber-300">Unsaved changes.</p>}
        </>
      ) : incident.postmortem ? (
        <pre className="max-h-[32rem] overflow-auto rounded-md bg-slate-50 p-3 text-xs whitespace-pre-wrap ring-1 ring-slate-200 ring-inset dark:bg-slate-950 dark:ring-slate-800">
          {incident.postmortem}
        </pre>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No post-mortem saved yet. The download gives a draft from the incident&apos;s record.
        </p>
      )}
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          data-testid="postmortem-message"
          className={`text-sm ${message.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {message.text}
        </p>
      )}
    </section>
  );
}
