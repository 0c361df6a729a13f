"use client";

import { startTransition, useActionState, useEffect, useRef, useState, type ReactNode } from "react";
import { ConfirmButton } from "@/components/admin/confirm-button";
import { btnPrimary, input, muted } from "@/components/incidents/styles";
import type { ActionResult } from "@/lib/action-result";
import { contactCategories, contactCategoryLabels, type ContactView } from "@/lib/contacts";
import type { DeleteContactAction, MoveContactAction } from "./action-types";

/** createContact or updateContact (./action-types): a form's fields in, a result out. */
type SaveContactAction = (prev: unknown, form: FormData) => Promise<ActionResult<unknown>>;

const small = "block text-xs font-medium text-slate-600 dark:text-slate-400";
const iconBtn =
  "rounded-md px-2 py-1 text-xs font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40 focus-visible:outline-2 focus-visible:outline-sky-500 dark:ring-slate-700 dark:hover:bg-slate-800";

type Field = "name" | "category" | "provider" | "purpose" | "phone" | "email" | "url" | "statusPageUrl" | "notes";

const textFields: {
  name: Exclude<Field, "category" | "purpose" | "notes">;
  label: string;
  type: string;
  max: number;
  hint?: string;
  autoComplete?: string;
}[] = [
  { name: "name", label: "Name", type: "text", max: 100 },
  { name: "provider", label: "Provider", type: "text", max: 100, hint: "The company or organisation" },
  { name: "phone", label: "Phone", type: "tel", max: 40, hint: "e.g. +1 555 010 2030 ext. 12" },
  { name: "email", label: "Email", type: "email", max: 254 },
  { name: "url", label: "Support portal", type: "url", max: 500, hint: "https://…" },
  { name: "statusPageUrl", label: "Status page", type: "url", max: 500, hint: "https://…" },
];

/**
 * A contact's fields as a form, to add one (no `contact`) or change one. The browser's own checks are off
 * (`noValidate`): the server's words for a problem show beside the field, and nothing is written while one stands.
 * Submitted by hand, not as the form's action, so that a refused form keeps what was typed.
 */
export function ContactForm({
  contact,
  save,
  defaultCategory = "other",
}: {
  contact?: ContactView;
  save: SaveContactAction;
  defaultCategory?: ContactView["category"];
}) {
  const [state, dispatch, pending] = useActionState<ActionResult<unknown> | null, FormData>(save, null);
  const formRef = useRef<HTMLFormElement>(null);
  const key = contact ? String(contact.id) : "new";
  const id = (name: string) => `contact-${key}-${name}`;
  const fieldError = (name: Field) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  useEffect(() => {
    if (!contact && state?.ok) formRef.current?.reset();
  }, [contact, state]);

  const described = (name: Field, hint?: string) =>
    [fieldError(name) ? id(`${name}-error`) : null, hint ? id(`${name}-hint`) : null].filter(Boolean).join(" ") ||
    undefined;
  const errorLine = (name: Field) =>
    fieldError(name) && (
      <span id={id(`${name}-error`)} className="block text-xs text-red-700 dark:text-red-300">
        {fieldError(name)}
      </span>
    );

  const done = (): string => {
    if (!state) return "";
    if (!state.ok) return state.message;
    if (!contact) return "Contact added.";
    const changed = (state.data as { changed?: string[] } | undefined)?.changed ?? [];
    return changed.length ? "Saved." : "Nothing changed.";
  };

  return (
    <form
      ref={formRef}
      noValidate
      aria-label={contact ? `Contact ${contact.name}` : "Add a contact"}
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        startTransition(() => dispatch(form));
      }}
    >
      {contact && <input type="hidden" name="id" value={contact.id} />}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        {textFields.slice(0, 1).map((f) => (
          <TextInput
            key={f.name}
            f={f}
            contact={contact}
            id={id}
            described={described}
            errorLine={errorLine}
            fieldError={fieldError}
            required
          />
        ))}
        <div>
          <label htmlFor={id("category")} className={small}>
            Category
          </label>
          <select
            id={id("category")}
            name="category"
            defaultValue={contact?.category ?? defaultCategory}
            className={input}
            aria-invalid={!!fieldError("category")}
            aria-describedby={described("category")}
          >
            {contactCategories.map((c) => (
              <option key={c} value={c}>
                {contactCategoryLabels[c]}
              </option>
            ))}
          </select>
          {errorLine("category")}
        </div>
        {textFields.slice(1).map((f) => (
          <TextInput
            key={f.name}
            f={f}
            contact={contact}
            id={id}
            described={described}
            errorLine={errorLine}
            fieldError={fieldError}
          />
        ))}
        {(["purpose", "notes"] as const).map((name) => (
          <div key={name} className="sm:col-span-2">
            <label htmlFor={id(name)} className={small}>
              {name === "purpose" ? "Purpose (what to call them for)" : "Notes"}
            </label>
            <textarea
              id={id(name)}
              name={name}
              rows={2}
              maxLength={name === "purpose" ? 500 : 2000}
              defaultValue={contact?.[name] ?? ""}
              className={input}
              aria-invalid={!!fieldError(name)}
              aria-describedby={described(name)}
            />
            {errorLine(name)}
          </div>
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={pending} className={btnPrimary}>
          {pending ? "Saving…" : contact ? "Save contact" : "Add contact"}
        </button>
        <span
          role="status"
          data-testid="contact-result"
          className={`text-sm ${state?.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
        >
          {done()}
        </span>
      </div>
    </form>
  );
}

function TextInput({
  f,
  contact,
  id,
  described,
  errorLine,
  fieldError,
  required = false,
}: {
  f: (typeof textFields)[number];
  contact?: ContactView;
  id: (name: string) => string;
  described: (name: Field, hint?: string) => string | undefined;
  errorLine: (name: Field) => ReactNode;
  fieldError: (name: Field) => string | undefined;
  required?: boolean;
}) {
  return (
    <div>
      <label htmlFor={id(f.name)} className={small}>
        {f.label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={id(f.name)}
        name={f.name}
        type={f.type}
        required={required}
        maxLength={f.max}
        defaultValue={contact?.[f.name] ?? ""}
        autoComplete="off"
        className={input}
        aria-invalid={!!fieldError(f.name)}
        aria-describedby={described(f.name, f.hint)}
      />
      {f.hint && (
        <span id={id(`${f.name}-hint`)} className={`block text-xs ${muted}`}>
          {f.hint}
        </span>
      )}
      {errorLine(f.name)}
    </div>
  );
}

/**
 * Move up and down within the category. The list's new order comes back with the action's answer; once this contact
 * stands at its new place and the buttons are enabled again, focus returns to the button pressed (or, at the edge,
 * to the other one), so a keyboard user can press it again.
 */
export function MoveButtons({
  contact,
  index,
  count,
  move,
}: {
  contact: ContactView;
  /** Its place in its category, from 0, and how many the category has. */
  index: number;
  count: number;
  move: MoveContactAction;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const up = useRef<HTMLButtonElement>(null);
  const down = useRef<HTMLButtonElement>(null);
  const refocus = useRef<{ direction: "up" | "down"; from: number } | null>(null);
  const first = index === 0;
  const last = index === count - 1;
  useEffect(() => {
    const pending = refocus.current;
    if (busy || !pending || pending.from === index) return;
    refocus.current = null;
    const target = pending.direction === "up" ? (first ? down : up) : last ? up : down;
    target.current?.focus();
  }, [busy, index, first, last]);

  async function onMove(direction: "up" | "down") {
    setBusy(true);
    setProblem(null);
    // Set before the call: the new order may arrive with the action's answer, before it resolves here.
    refocus.current = { direction, from: index };
    try {
      const res = await move({ id: contact.id, direction });
      if (!res.ok) setProblem(res.message);
      if (!res.ok || !res.data.moved) refocus.current = null;
    } catch {
      refocus.current = null;
      setProblem("The console did not answer; the order is unchanged.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        ref={up}
        type="button"
        className={iconBtn}
        disabled={busy || first}
        onClick={() => void onMove("up")}
        aria-label={`Move ${contact.name} up`}
      >
        ↑ Up
      </button>
      <button
        ref={down}
        type="button"
        className={iconBtn}
        disabled={busy || last}
        onClick={() => void onMove("down")}
        aria-label={`Move ${contact.name} down`}
      >
        ↓ Down
      </button>
      {problem && (
        <span role="alert" className="text-sm text-red-700 dark:text-red-300">
          {problem}
        </span>
      )}
    </div>
  );
}

/** Removing a contact, in two steps. */
export function DeleteContactButton({ contact, remove }: { contact: ContactView; remove: DeleteContactAction }) {
  return (
    <ConfirmButton
      action={remove}
      fields={{ id: String(contact.id) }}
      label="Delete"
      ariaLabel={`Delete ${contact.name}`}
      question={<>Delete {contact.name}?</>}
      confirmLabel="Delete contact"
      pendingLabel="Deleting…"
    />
  );
}
