import "server-only";
import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { env } from "@/server/env";
import type { PageAction, PageMessage } from "../deliver-page";

/**
 * Email pages over SMTP (SMTP_URL, through nodemailer). Every action of a page is mailed, each in the same thread:
 * the page itself ("[PAGE] …", high priority), then "[ACK] …" when someone took it, which tells a person paged by
 * escalation that they may stand down, and "[RESOLVED] …". Mail does not wake anyone, so the acknowledgement costs
 * the person who acknowledged one quiet line in a thread, and tells everyone else the one thing they want to know.
 */

const subjectTag: Record<PageAction, string> = { trigger: "[PAGE]", acknowledge: "[ACK]", resolve: "[RESOLVED]" };
const closing: Record<PageAction, string> = {
  trigger: "Acknowledge it in Switchyard so that it does not escalate.",
  acknowledge: "Someone has acknowledged this page; it will not escalate further.",
  resolve: "This page is resolved; nothing more is needed.",
};

/** At most this many tries of one message: again after a connection failure or a temporary (4xx) SMTP answer. */
const ATTEMPTS = 3;

let transport: nodemailer.Transporter<SMTPTransport.SentMessageInfo> | null = null;

/** The one SMTP transport, made on first use from SMTP_URL, with timeouts fit for a page (nodemailer's are minutes). */
function smtpTransport(url: string) {
  transport ??= nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as SMTPTransport.Options);
  return transport;
}

/** The domain of the From address, for Message-IDs; `switchyard.invalid` when it has none. */
function fromDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? "switchyard.invalid";
}

/** The message of one page action: subject, plain-text body and the headers that keep a page's mails in one thread. */
export function pageEmail(to: string, action: PageAction, msg: PageMessage, from = env.SMTP_FROM) {
  const domain = fromDomain(from);
  const key = msg.dedupKey.replace(/[^A-Za-z0-9._-]/g, "_");
  // The thread is named by the page; each mail has an id of its own (a re-sent page must not look like a duplicate).
  const thread = `<page.${key}@${domain}>`;
  const details = Object.entries(msg.details).map(([k, v]) => `${k}: ${v ?? "—"}`);
  const text = [
    msg.summary,
    "",
    `Severity: ${msg.severity}`,
    `Open in Switchyard: ${msg.url}`,
    ...(details.length ? ["", ...details] : []),
    "",
    closing[action],
    "",
    `Page: ${msg.dedupKey}`,
  ].join("\n");
  return {
    from,
    to,
    subject: `${subjectTag[action]} ${msg.summary.replace(/\s+/g, " ")}`.slice(0, 250),
    text,
    messageId: `<${action}.${key}.${randomUUID()}@${domain}>`,
    references: thread,
    ...(action === "trigger" ? { priority: "high" as const } : { inReplyTo: thread }),
    headers: { "X-Switchyard-Page": msg.dedupKey, "X-Switchyard-Action": action },
  };
}

type SmtpError = Error & { code?: string; responseCode?: number };

/** A connection failure or a temporary SMTP answer (4xx) may pass on another try; a 5xx or a bad address will not. */
function transient(err: SmtpError): boolean {
  if (typeof err.responseCode === "number") return err.responseCode >= 400 && err.responseCode < 500;
  return !["EENVELOPE", "EMESSAGE", "EAUTH", "ECONFIG"].includes(err.code ?? "");
}

function inWords(err: SmtpError): string {
  const first = (err.message || String(err)).split("\n")[0]!.slice(0, 200);
  return err.responseCode && !first.includes(String(err.responseCode)) ? `SMTP ${err.responseCode}: ${first}` : first;
}

/** Mails one page action to `to`; says whether the SMTP server took it, never throws. */
export async function sendPageEmail(
  to: string,
  action: PageAction,
  msg: PageMessage,
): Promise<{ delivered: boolean; detail: string }> {
  if (!env.SMTP_URL) return { delivered: false, detail: "no SMTP server configured (SMTP_URL)" };
  let detail = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const info = await smtpTransport(env.SMTP_URL).sendMail(pageEmail(to, action, msg));
      if (info.rejected.length) return { delivered: false, detail: `the SMTP server refused ${to}` };
      return { delivered: true, detail: `SMTP ${info.response.split(" ")[0] ?? "accepted"}` };
    } catch (err) {
      detail = inWords(err as SmtpError);
      if (!transient(err as SmtpError)) break;
    }
    if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, 300 * attempt));
  }
  return { delivered: false, detail };
}
