"use client";

import { useState, useSyncExternalStore } from "react";
import { Timestamp } from "@/components/fleet/timestamp";
import { commKinds, commLabels, fillTemplate, type CommKind } from "@/lib/comm-templates";
import type { Incident, TimelineEvent } from "@/lib/incident";
import type { IncidentActions } from "./action-types";
import { copyText } from "./copy-button";
import { StatusPagePost } from "./status-page-post";
import { btnPrimary, btnSecondary, input, panel } from "./styles";

const noSubscribe = () => () => {};

/** The kind a lead most likely wants now: the Initial Alert first, a Resolution once resolved, else an Update. */
function suggestedKind(incident: Incident, events: TimelineEvent[]): CommKind {
  if (incident.status === "resolved") return "resolution";
  return events.some((e) => e.kind === "comm" && e.data.kind !== "status-page") ? "update" : "initial";
}

/**
 * The runbook's three templates, filled from the incident into an editable text. Untouched, the text follows
 * the incident as it changes; once edited it stays as written until sent or reset.
 */
export function CommsPanel({
  incident,
  events,
  now,
  nextStep,
  sendComm,
  postStatusUpdate,
  refresh,
}: {
  incident: Incident;
  events: TimelineEvent[];
  now: number;
  /** the checklist's next step, offered as the Update's next steps */
  nextStep: string | null;
  sendComm: IncidentActions["sendComm"];
  postStatusUpdate: IncidentActions["postStatusUpdate"];
  refresh: () => void;
}) {
  const origin = useSyncExternalStore(
    noSubscribe,
    () => window.location.origin,
    () => "",
  );
  const [picked, setPicked] = useState<CommKind | null>(null);
  const [edited, setEdited] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const kind = picked ?? suggestedKind(incident, events);
  const filled = fillTemplate(kind, incident, events, now, origin ? `${origin}/incidents/${incident.id}` : "");
  const body =
    edited ??
    (kind === "update" && nextStep ? filled.replace(/^Next Steps: $/m, () => `Next Steps: ${nextStep}`) : filled);
  const sent = events.filter((e) => e.kind === "comm");

  async function send() {
    setBusy(true);
    setResult(null);
    try {
      const r = await sendComm({ id: incident.id, kind, body });
      if (r.ok) {
        setResult({
          ok: true,
          text: r.data.delivered
            ? `${commLabels[kind]} posted to the incident channel.`
            : `${commLabels[kind]} recorded on the timeline, but not posted to the channel: ${r.data.detail}.`,
        });
        setEdited(null);
        setPicked(null);
      } else setResult({ ok: false, text: r.message });
    } catch {
      setResult({ ok: false, text: "The console did not answer; the message was not sent." });
    } finally {
      setBusy(false);
      refresh();
    }
  }

  return (
    <section aria-labelledby="comms-heading" data-testid="comms" className={`${panel} space-y-3`}>
      <h2 id="comms-heading" className="text-lg font-semibold">
        Communication
      </h2>
      <fieldset>
        <legend className="sr-only">Message</legend>
        <div className="inline-flex w-full rounded-lg bg-slate-100 p-1 dark:bg-slate-800">
          {commKinds.map((k) => (
            <label
              key={k}
              className="flex-1 cursor-pointer rounded-md px-2 py-1 text-center text-sm font-medium text-slate-700 has-checked:bg-white has-checked:text-slate-900 has-checked:shadow-sm has-focus-visible:outline-2 has-focus-visible:outline-sky-500 dark:text-slate-300 dark:has-checked:bg-slate-950 dark:has-checked:text-white"
            >
              <input
                type="radio"
                name="comm-kind"
                value={k}
                checked={kind === k}
                onChange={() => {
                  setPicked(k);
                  setEdited(null);
                  setResult(null);
                }}
                className="sr-only"
              />
              {commLabels[k]}
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <label htmlFor="comm-body" className="sr-only">
          Message text
        </label>
        <textarea
          id="comm-body"
          rows={7}
          value={body}
          onChange={(e) => setEdited(e.target.value)}
          className={`${input} min-h-32 font-mono text-xs leading-relaxed field-sizing-content`}
        />
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={busy || !body.trim()} onClick={() => void send()} className={btnPrimary}>
          {busy ? "Sending…" : `Send ${commLabels[kind]}`}
        </button>
        <button
          type="button"
          onClick={async () => {
            setCopied(
              (await copyText(body)) ? "Copied to the clipboard." : "Copy failed; select the text and copy it.",
            );
            setTimeout(() => setCopied(null), 2500);
          }}
          className={btnSecondary}
        >
          Copy to clipboard
        </button>
        {edited !== null && (
          <button type="button" onClick={() => setEdited(null)} className={btnSecondary}>
            Reset to template
          </button>
        )}
      </div>
      <div aria-live="polite" className="space-y-1 text-sm">
        {copied && <p className="text-slate-600 dark:text-slate-400">{copied}</p>}
        {result && (
          <p
            data-testid="comm-result"
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
      <div className="text-sm">
        <h3 className="font-medium">Sent</h3>
        {sent.length ? (
          <ul className="mt-1 space-y-1" data-testid="comms-sent">
            {sent.map((e) => (
              <li key={e.id} className="text-slate-700 dark:text-slate-300">
                {e.data.kind === "status-page" ? (
                  <>
                    Status page update <span className="text-emerald-700 dark:text-emerald-400">posted</span>
                  </>
                ) : (
                  <>
                    {commLabels[(e.data.kind as CommKind) ?? "update"] ?? "Message"}{" "}
                    <span
                      className={
                        e.data.delivered
                          ? "text-emerald-700 dark:text-emerald-400"
                          : "text-amber-800 dark:text-amber-300"
                      }
                    >
                      {e.data.delivered ? "posted" : "not posted"}
                    </span>
                  </>
                )}{" "}
                · <Timestamp iso={e.at} show="ago" />
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-600 dark:text-slate-400">
            Nothing sent yet. The Communicate clock stops with the first message.
          </p>
        )}
      </div>
      <StatusPagePost incident={incident} events={events} postStatusUpdate={postStatusUpdate} refresh={refresh} />
    </section>
  );
}
