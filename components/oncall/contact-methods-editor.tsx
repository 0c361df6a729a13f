"use client";

import { useActionState, useRef, useState } from "react";
import { btnPrimary, input, muted } from "@/components/incidents/styles";
import type { ActionResult } from "@/lib/action-result";
import {
  contactAddressHints,
  contactKindLabels,
  contactKinds,
  type ContactKind,
  type ContactMethodView,
} from "@/lib/contact-methods";

/** The contact methods' server actions as this editor calls them (the caller's own, or an admin's for anyone). */
export type AddContactMethodAction = (prev: unknown, form: FormData) => Promise<ActionResult<ContactMethodView>>;
export type RemoveContactMethodAction = (input: { id: number; userId: string }) => Promise<ActionResult>;

const small = "block text-xs font-medium text-slate-600 dark:text-slate-400";
const errorText = "text-xs text-red-700 dark:text-red-300";

const placeholders: Record<ContactKind, string> = {
  pagerduty: "32-character Integration Key",
  webhook: "https://hooks.example.com/page",
  email: "you@example.com",
};

/**
 * A person's contact methods: the list (addresses shown masked), a remove button on each, and a form to add one. For
 * the person themselves on /on-call, or for an admin on /admin/users (`owner` names whose they are).
 */
export function ContactMethodsEditor({
  userId,
  methods,
  add,
  remove,
  owner,
}: {
  userId: string;
  methods: ContactMethodView[];
  add: AddContactMethodAction;
  remove: RemoveContactMethodAction;
  /** Whose methods, when they are not the viewer's own ("bo@example.com"). */
  owner?: string;
}) {
  // Controlled, so that a refused address stays in the field to be corrected (React resets a form's uncontrolled
  // fields after every action).
  const [kind, setKind] = useState<ContactKind>("pagerduty");
  const [address, setAddress] = useState("");
  const [label, setLabel] = useState("");
  const [removing, setRemoving] = useState<number | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const addressRef = useRef<HTMLInputElement>(null);
  const [state, formAction, pending] = useActionState(
    async (prev: unknown, form: FormData): Promise<ActionResult<ContactMethodView> | null> => {
      let result: ActionResult<ContactMethodView>;
      try {
        result = await add(prev, form);
      } catch {
        return { ok: false, code: "unavailable", message: "The console did not answer; nothing was added." };
      }
      if (result.ok) {
        setAddress("");
        setLabel("");
      } else if (result.fieldErrors?.address) addressRef.current?.focus();
      return result;
    },
    null,
  );
  const id = (name: string) => `contact-${userId}-${name}`;
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name] : undefined);
  const whose = owner ? `${owner}'s` : "your";

  async function onRemove(m: ContactMethodView) {
    setRemoving(m.id);
    setRemoveError(null);
    try {
      const res = await remove({ id: m.id, userId });
      if (!res.ok) setRemoveError(res.message);
    } catch {
      setRemoveError("The console did not answer; the contact method is still there.");
    } finally {
      setRemoving(null);
    }
  }

  return (
    <div className="space-y-3">
      {methods.length ? (
        <ul className="space-y-1.5 text-sm" data-testid="contact-method-list">
          {methods.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center gap-x-3 gap-y-1" data-testid="contact-method">
              <span className="w-20 font-medium">{m.kindLabel}</span>
              <span className="font-mono text-xs break-all">{m.shown}</span>
              {m.label && <span className={`text-xs ${muted}`}>{m.label}</span>}
              <button
                type="button"
                onClick={() => void onRemove(m)}
                disabled={removing === m.id}
                aria-label={`Remove ${whose} ${m.kindLabel} contact method ${m.shown}${m.label ? ` (${m.label})` : ""}`}
                className="ml-auto rounded-md px-2 py-1 text-xs font-medium text-red-700 ring-1 ring-red-600/30 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-60 dark:text-red-300 dark:ring-red-400/40 dark:hover:bg-red-950/50"
              >
                {removing === m.id ? "Removing…" : "Remove"}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className={`text-sm ${owner ? muted : "text-amber-800 dark:text-amber-300"}`}>
          {owner ? "No contact methods." : "You have no contact methods: a page cannot reach you."}
        </p>
      )}
      {removeError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {removeError}
        </p>
      )}
      <form
        action={formAction}
        aria-label={`Add a contact method${owner ? ` for ${owner}` : ""}`}
        className="space-y-2"
      >
        <input type="hidden" name="userId" value={userId} />
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-[10rem_1fr_12rem]">
          <label>
            <span className={small}>Kind</span>
            <select
              name="kind"
              value={kind}
              onChange={(e) => setKind(e.target.value as ContactKind)}
              className={input}
              aria-invalid={!!fieldError("kind")}
              aria-describedby={fieldError("kind") ? id("kind-error") : undefined}
            >
              {contactKinds.map((k) => (
                <option key={k} value={k}>
                  {contactKindLabels[k]}
                </option>
              ))}
            </select>
            {fieldError("kind") && (
              <span id={id("kind-error")} className={errorText}>
                {fieldError("kind")}
              </span>
            )}
          </label>
          <label>
            <span className={small}>Address</span>
            <input
              ref={addressRef}
              name="address"
              value={address}
              onChange={(e) => setAddress(e.target.value)}
              type={kind === "email" ? "email" : kind === "webhook" ? "url" : "text"}
              required
              maxLength={2000}
              autoComplete={kind === "email" ? "email" : "off"}
              spellCheck={false}
              placeholder={placeholders[kind]}
              className={`${input} font-mono`}
              aria-invalid={!!fieldError("address")}
              aria-describedby={`${id("address-hint")}${fieldError("address") ? ` ${id("address-error")}` : ""}`}
            />
            <span id={id("address-hint")} className={`block text-xs ${muted}`}>
              {contactAddressHints[kind]}
            </span>
            {fieldError("address") && (
              <span id={id("address-error")} className={errorText}>
                {fieldError("address")}
              </span>
            )}
          </label>
          <label>
            <span className={small}>Label (optional)</span>
            <input
              name="label"
              value={label}
              onChange={(e) => setLabel(e.target.value)}
              maxLength={60}
              placeholder="e.g. Phone app"
              className={input}
              aria-invalid={!!fieldError("label")}
              aria-describedby={fieldError("label") ? id("label-error") : undefined}
            />
            {fieldError("label") && (
              <span id={id("label-error")} className={errorText}>
                {fieldError("label")}
              </span>
            )}
          </label>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <button type="submit" disabled={pending} className={btnPrimary}>
            {pending ? "Adding…" : "Add contact method"}
          </button>
          <span
            role="status"
            data-testid="contact-method-result"
            className={`text-sm ${state?.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-300"}`}
          >
            {state ? (state.ok ? `Added ${state.data.kindLabel} ${state.data.shown}.` : state.message) : ""}
          </span>
        </div>
      </form>
    </div>
  );
}
