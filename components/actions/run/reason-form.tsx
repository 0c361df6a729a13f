"use client";

import { useState, type FormEvent } from "react";
import { btnDanger, btnPrimary, btnSecondary, input, label, muted } from "@/components/incidents/styles";

const minLength = 5;

/** A written reason (at least five characters) and the button that sends it; used to reject and to override. */
export function ReasonForm({
  id,
  title,
  explanation,
  submitLabel,
  tone = "primary",
  busy,
  onSubmit,
  onDismiss,
}: {
  id: string;
  title: string;
  explanation: string;
  submitLabel: string;
  tone?: "primary" | "danger";
  busy: boolean;
  onSubmit: (reason: string) => Promise<boolean>;
  onDismiss?: () => void;
}) {
  const [reason, setReason] = useState("");
  const [tooShort, setTooShort] = useState(false);
  const fieldId = `${id}-reason`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim().length < minLength) {
      setTooShort(true);
      return;
    }
    setTooShort(false);
    if (await onSubmit(reason.trim())) setReason("");
  }

  return (
    <form aria-labelledby={`${id}-title`} noValidate onSubmit={submit} data-testid={`${id}-form`} className="space-y-2">
      <h3 id={`${id}-title`} className="text-sm font-semibold">
        {title}
      </h3>
      <p id={`${id}-explanation`} className={`text-xs ${muted}`}>
        {explanation}
      </p>
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
