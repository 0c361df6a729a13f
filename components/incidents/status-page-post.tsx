"use client";

import { useState } from "react";
import type { Incident, TimelineEvent } from "@/lib/incident";
import { publicIncidentStatus, publicIncidentStatusLabels, publicUpdateDraft } from "@/lib/status-page";
import type { IncidentActions } from "./action-types";
import { btnPrimary, btnSecondary, input, label, link, muted } from "./styles";

/**
 * "Post to status page": a public update of the incident, prefilled with its public title (the last one posted, else
 * the incident's title) and words for its status, edited before posting. The public sees it on /status with the
 * time and the incident's status; the server refuses a text with internals or a person's name in it.
 */
export function StatusPagePost({
  incident,
  events,
  postStatusUpdate,
  refresh,
}: {
  incident: Incident;
  events: TimelineEvent[];
  postStatusUpdate: IncidentActions["postStatusUpdate"];
  refresh: () => void;
}) {
  if (incident.drillId !== null)
    return (
      <div data-testid="status-page-post" className="space-y-1 border-t border-slate-200 pt-3 dark:border-slate-800">
        <h3 className="font-medium">Status page</h3>
        <p className={`text-sm ${muted}`}>
          A drill is not posted to the public status page: write the update as you would, in the incident channel.
        </p>
      </div>
    );
  return (
    <StatusPagePostForm incident={incident} events={events} postStatusUpdate={postStatusUpdate} refresh={refresh} />
  );
}

function StatusPagePostForm({
  incident,
  events,
  postStatusUpdate,
  refresh,
}: {
  incident: Incident;
  events: TimelineEvent[];
  postStatusUpdate: IncidentActions["postStatusUpdate"];
  refresh: () => void;
}) {
  const draft = publicUpdateDraft(incident, events);
  const [title, setTitle] = useState<string | null>(null);
  const [body, setBody] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const shownTitle = title ?? draft.title;
  const shownBody = body ?? draft.body;
  const status = publicIncidentStatusLabels[publicIncidentStatus[incident.status]];

  async function post() {
    setBusy(true);
    setResult(null);
    try {
      const r = await postStatusUpdate({ id: incident.id, title: shownTitle, body: shownBody });
      if (r.ok) {
        setResult({ ok: true, text: `Posted to the status page as "${publicIncidentStatusLabels[r.data.status]}".` });
        setTitle(null);
        setBody(null);
      } else setResult({ ok: false, text: r.message });
    } catch {
      setResult({ ok: false, text: "The console did not answer; nothing was posted." });
    } finally {
      setBusy(false);
      refresh();
    }
  }

  return (
    <div data-testid="status-page-post" className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800">
      <h3 className="font-medium">Status page</h3>
      <p className={`text-sm ${muted}`}>
        The public reads this on the{" "}
        <a href="/status" target="_blank" rel="noopener" className={link}>
          status page
        </a>{" "}
        with the time and the status <strong>{status}</strong>. No hosts, ports, error codes or names.
      </p>
      <div>
        <label htmlFor="status-title" className={label}>
          Public title
        </label>
        <input
          id="status-title"
          value={shownTitle}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
          className={input}
        />
      </div>
      <div>
        <label htmlFor="status-body" className={label}>
          Public update
        </label>
        <textarea
          id="status-body"
          rows={4}
          value={shownBody}
          maxLength={4000}
          onChange={(e) => setBody(e.target.value)}
          className={`${input} min-h-24 field-sizing-content`}
        />
      </div>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={busy || !shownTitle.trim() || !shownBody.trim()}
          onClick={() => void post()}
          className={btnPrimary}
        >
          {busy ? "Posting…" : "Post to status page"}
        </button>
        {(title !== null || body !== null) && (
          <button
            type="button"
            onClick={() => {
              setTitle(null);
              setBody(null);
            }}
            className={btnSecondary}
          >
            Reset
          </button>
        )}
      </div>
      <div aria-live="polite" className="text-sm">
        {result && (
          <p
            data-testid="status-post-result"
            className={
              result.ok
                ? "text-emerald-800 dark:text-emerald-300"
                : "rounded bg-amber-50 px-2 py-1 text-amber-900 dark:bg-amber-950/60 dark:text-amber-200"
            }
          >
            {result.text}
          </p>
        )}
      </div>
    </div>
  );
}
