"use client";

import { useState, type FormEvent } from "react";
import { btnDanger, btnPrimary, btnSecondary, input, label, muted } from "@/components/incidents/styles";

const minLength = 5;

/** A value the person must type back before the form sends (a region id), and what going ahead costs. */
export interface Confirmation {
  value: string;
  warning: string;
}

/**
 * A written reason (at least five characters) and the button that sends it; used to reject and to override.
 * With `confirm`, the value must be typed back first, under a warning of what it costs.
 */
export function ReasonForm({
  id,
  title,
  explanation,
  submitLabel,
  tone = "primary",
  busy,
  confirm,
  onSubmit,
  onDismiss,
}: {
  id: string;
  title: string;
  explanation: string;
  submitLabel: string;
  tone?: "primary" | "danger";
  busy: boolean;
  confirm?: Confirmation;
  onSubmit: (reason: string, confirm?: string) => Promise<boolean>;
  onDismiss?: () => void;
}) {
  const [reason, setReason] = useState("");
  const [tooShort, setTooShort] = useState(false);
  const [typed, setTyped] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const fieldId = `${id}-reason`;
  const confirmId = `${id}-confirm`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const wrong = !!confirm && typed.trim() !== confirm.value;
    const short = reason.trim().length < minLength;
    setMismatch(wrong);
    setTooShort(short);
    if (wrong || short) return;
    if (await onSubmit(reason.trim(), confirm ? typed.trim() : undefined)) {
      setReason("");
      setTyped("");
    }
  }

  return (
    <form
      id={`${id}-form`}
      aria-labelledby={`${id}-title`}
      noValidate
      onSubmit={submit}
      data-testid={`${id}-form`}
      className="space-y-2"
    >
      <h3 id={`${id}-title`} className="text-sm font-semibold">
        {title}
      </h3>
      <p id={`${id}-explanation`} className={`text-xs ${muted}`}>
        {explanation}
      </p>
      {confirm && (
        <div className="space-y-2">
          <p
            id={`${confirmId}-warning`}
            data-testid={`${id}-warning`}
            className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-950 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100"
          >
            <span aria-hidden>⚠ </span>
            {confirm.warning}
          </p>
          <div>
            <label htmlFor={confirmId} className={label}>
              Type <span className="font-mono font-semibold">{confirm.value}</span> to confirm
            </label>
            <input
              id={confirmId}
              name="confirm"
              type="text"
              required
              autoComplete="off"
              autoCapitalize="off"
              autoCorrect="off"
              spellCheck={false}
              maxLength={100}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              aria-describedby={`${confirmId}-warning`}
              aria-invalid={mismatch || undefined}
              className={`${input} font-mono`}
            />
            {mismatch && (
              <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-300">
                Type {confirm.value} exactly to go ahead.
              </p>
            )}
          </div>
        </div>
      )}
      <div>
        <label htmlFor={fieldId} className={label}>
          Reason
        </label>
        <textarea
          id={fieldId}
          rows={3}
          aria-required
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-describedby={`${id}-explanation`}
          aria-invalid={tooShort || undefined}
          className={input}
        />
        {tooShort && (
          <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-300">
            Give a reason of at least {minLength} characters.
          </p>
        )}
      </div>
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={busy} className={tone === "danger" ? btnDanger : btnPrimary}>
          {submitLabel}
        </button>
        {onDismiss && (
          <button type="button" onClick={onDismiss} disabled={busy} className={btnSecondary}>
            Keep it
          </button>
        )}
      </div>
    </form>
  );
}
