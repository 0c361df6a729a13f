"use client";

import { useState } from "react";
import { Timestamp } from "@/components/fleet/timestamp";
import type { FiguresSnapshot, TimelineEvent } from "@/lib/incident";
import type { IncidentActions } from "./action-types";
import { btnPrimary, input, link, panel } from "./styles";

type Kind = TimelineEvent["kind"];

export const kindLabels: Record<Kind, string> = {
  declared: "Declared",
  status: "Status",
  lead: "Lead",
  severity: "Severity",
  details: "Details",
  step: "Steps",
  comm: "Messages",
  escalation: "Pages",
  ack: "Acknowledged",
  action: "Actions",
  note: "Notes",
  postmortem: "Post-mortem",
};

const kindStyles: Partial<Record<Kind, string>> = {
  declared: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200",
  status: "bg-sky-100 text-sky-900 dark:bg-sky-900/50 dark:text-sky-200",
  severity: "bg-orange-100 text-orange-900 dark:bg-orange-900/50 dark:text-orange-200",
  comm: "bg-violet-100 text-violet-900 dark:bg-violet-900/50 dark:text-violet-200",
  escalation: "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200",
  ack: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-200",
  note: "bg-yellow-100 text-yellow-900 dark:bg-yellow-900/40 dark:text-yellow-100",
};

/**
 * Everything that happened, with who and when (with time zone), the figures at each decision, a kind filter
 * that also applies to the JSON and CSV exports, and notes from engineers and leads.
 */
export function Timeline({
  incidentId,
  events,
  canNote,
  addNote,
  refresh,
}: {
  incidentId: number;
  events: TimelineEvent[];
  canNote: boolean;
  addNote: IncidentActions["addNote"];
  refresh: () => void;
}) {
  const [newestFirst, setNewestFirst] = useState(true);
  const [kinds, setKinds] = useState<Kind[]>([]);
  const present = (Object.keys(kindLabels) as Kind[]).filter(
    (k) => events.some((e) => e.kind === k) || kinds.includes(k),
  );
  const shown = events.filter((e) => !kinds.length || kinds.includes(e.kind));
  const ordered = newestFirst ? [...shown].reverse() : shown;
  const exportUrl = (format: "json" | "csv") =>
    `/api/v1/incidents/${incidentId}/timeline?format=${format}${kinds.length ? `&kind=${kinds.join(",")}` : ""}`;

  return (
    <section id="timeline" aria-labelledby="timeline-heading" data-testid="timeline" className={`${panel} space-y-3`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="timeline-heading" className="text-lg font-semibold">
          Timeline{" "}
          <span className="text-sm font-normal text-slate-500 dark:text-slate-400">
            ({shown.length === events.length ? events.length : `${shown.length} of ${events.length}`})
          </span>
        </h2>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <label className="flex items-center gap-1.5">
            <span className="text-slate-600 dark:text-slate-400">Order</span>
            <select
              name="order"
              aria-label="Order"
              value={newestFirst ? "newest" : "oldest"}
              onChange={(e) => setNewestFirst(e.target.value === "newest")}
              className={`${input} w-auto py-1`}
            >
              <option value="newest">Newest first</option>
              <option value="oldest">Oldest first</option>
            </select>
          </label>
          <span className="text-slate-600 dark:text-slate-400">
            Export{kinds.length ? " (filtered)" : ""}:{" "}
            <a href={exportUrl("json")} download className={link} data-testid="export-json">
              JSON
            </a>{" "}
            ·{" "}
            <a href={exportUrl("csv")} download className={link} data-testid="export-csv">
              CSV
            </a>
          </span>
        </div>
      </div>

      <fieldset className="flex flex-wrap items-center gap-1.5 text-xs">
        <legend className="sr-only">Show kinds</legend>
        <button
          type="button"
          aria-pressed={!kinds.length}
          onClick={() => setKinds([])}
          className="rounded-full border border-slate-300 px-2.5 py-1 font-medium aria-pressed:border-sky-700 aria-pressed:bg-sky-700 aria-pressed:text-white dark:border-slate-700 dark:aria-pressed:border-sky-500 dark:aria-pressed:bg-sky-700"
        >
          All
        </button>
        {present.map((k) => (
          <label
            key={k}
            className="cursor-pointer rounded-full border border-slate-300 px-2.5 py-1 font-medium has-checked:border-sky-600 has-checked:bg-sky-50 has-checked:text-sky-900 has-focus-visible:outline-2 has-focus-visible:outline-sky-500 dark:border-slate-700 dark:has-checked:border-sky-500 dark:has-checked:bg-sky-950 dark:has-checked:text-sky-100"
          >
            <input
              type="checkbox"
              name="kind"
              value={k}
              className="sr-only"
              checked={kinds.includes(k)}
              onChange={(e) => setKinds((ks) => (e.target.checked ? [...ks, k] : ks.filter((x) => x !== k)))}
            />
            {kindLabels[k]}{" "}
            <span className="text-slate-500 dark:text-slate-400">{events.filter((e) => e.kind === k).length}</span>
          </label>
        ))}
      </fieldset>

      {canNote && <NoteForm incidentId={incidentId} addNote={addNote} refresh={refresh} />}

      {ordered.length ? (
        <ol className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="events">
          {ordered.map((e) => (
            <li key={e.id} data-testid="event" data-kind={e.kind} className="space-y-1 py-2.5">
              <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-xs text-slate-600 dark:text-slate-400">
                <span
                  className={`rounded px-1.5 py-0.5 font-medium ${kindStyles[e.kind] ?? "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300"}`}
                >
                  {kindLabels[e.kind]}
                </span>
                <span className="font-medium text-slate-800 dark:text-slate-200">{e.actor}</span>
                <Timestamp iso={e.at} />
              </div>
              <p className="text-sm break-words whitespace-pre-wrap" data-testid="event-message">
                {e.message}
              </p>
              {e.kind === "comm" && typeof e.data.body === "string" && (
                <pre
                  className="overflow-x-auto rounded-md bg-slate-50 px-3 py-2 text-xs whitespace-pre-wrap text-slate-800 ring-1 ring-slate-200 ring-inset dark:bg-slate-950 dark:text-slate-200 dark:ring-slate-800"
                  data-testid="comm-body"
                >
                  {e.data.body}
                </pre>
              )}
              {e.snapshot && <Figures snapshot={e.snapshot} />}
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {events.length ? "No events of the kinds picked." : "Nothing has happened yet."}
        </p>
      )}
    </section>
  );
}

const num = (v: number | null, unit: string, digits = 0) => (v === null ? "—" : `${v.toFixed(digits)}${unit}`);

const statusColour = (s: string | null) =>
  s === "healthy"
    ? "text-emerald-700 dark:text-emerald-400"
    : s === "degraded"
      ? "text-amber-700 dark:text-amber-300"
      : s === "unhealthy"
        ? "text-red-700 dark:text-red-400"
        : "text-slate-500";

/** The figures at a decision, one short row per region. */
function Figures({ snapshot }: { snapshot: FiguresSnapshot }) {
  return (
    <div data-testid="figures">
      <p className="pb-0.5 text-[11px] text-slate-500 dark:text-slate-400">
        Figures at <Timestamp iso={snapshot.at} show="full" /> (lag in s, hit rates in %)
      </p>
      <div className="overflow-x-auto">
        <table className="text-xs whitespace-nowrap tabular-nums">
          <thead className="text-slate-500 dark:text-slate-400">
            <tr>
              <th className="pr-2 text-left font-medium">Region</th>
              <th className="pr-2 text-left font-medium">Status</th>
              <th className="pr-2 text-right font-medium">Lag</th>
              <th className="pr-2 text-right font-medium">Mirror</th>
              <th className="text-right font-medium">CDN</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.regions.map((r) => (
              <tr key={r.id}>
                <td className="pr-2 font-mono">{r.id}</td>
                <td className={`pr-2 ${statusColour(r.status)}`}>{r.status ?? "unchecked"}</td>
                <td className="pr-2 text-right">{num(r.lagSeconds, "", 1)}</td>
                <td className="pr-2 text-right">{num(r.mirrorHitRate, "")}</td>
                <td className="text-right">{num(r.cdnHitRate, "", 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function NoteForm({
  incidentId,
  addNote,
  refresh,
}: {
  incidentId: number;
  addNote: IncidentActions["addNote"];
  refresh: () => void;
}) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="space-y-1"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!text.trim()) return;
        setBusy(true);
        setError(null);
        try {
          const r = await addNote({ id: incidentId, text });
          if (r.ok) setText("");
          else setError(r.message);
        } catch {
          setError("The console did not answer; the note was not added.");
        } finally {
          setBusy(false);
          refresh();
        }
      }}
    >
      <label htmlFor="note-text" className="sr-only">
        Note
      </label>
      <div className="flex gap-2">
        <input
          id="note-text"
          value={text}
          maxLength={4000}
          onChange={(e) => setText(e.target.value)}
          placeholder="Add a note to the timeline…"
          className={input}
        />
        <button type="submit" disabled={busy || !text.trim()} className={`${btnPrimary} shrink-0`}>
          Add note
        </button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </form>
  );
}
