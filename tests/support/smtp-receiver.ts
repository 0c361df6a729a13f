import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server on a free loopback port (smtp-server: no TLS, authentication optional, any login accepted) that
 * keeps every message it is given, for tests that deliver mail the way production does: point SMTP_URL at `url`.
 * Messages are kept raw with their envelope; the subject, headers and a single-part text body are decoded here
 * (RFC 2047 words, quoted-printable, base64), enough to assert on a page's mail without a MIME library.
 */

export interface ReceivedMail {
  envelope: { from: string | null; to: string[] };
  /** The login the client used, when it used one. */
  user: string | null;
  raw: string;
  /** Header names in lower case, folded lines unfolded, values as sent (the subject also decoded below). */
  headers: Record<string, string>;
  subject: string;
  /** The body of a single-part message, decoded; "" for a multipart one (read `raw`). */
  text: string;
}

export interface SmtpReceiver {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Waits until a message matches (polling), and returns it; fails naming what did arrive. */
  waitForMessage(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface SmtpReceiverOptions {
  /**
   * How to answer each recipient: null takes it; an answer refuses it with that SMTP code (451 temporary, 550
   * permanent).
   */
  refuse?: (to: string) => { code: number; message: string } | null;
}

function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([bqBQ])\?([^?]*)\?=(\s+(?==\?))?/g,
    (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-Fa-f]{2})/g, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            "latin1",
          ).toString("utf8"),
  );
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

function parse(raw: string): Pick<ReceivedMail, "headers" | "subject" | "text"> {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? "" : raw.slice(split).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  const type = headers["content-type"] ?? "text/plain";
  const encoding = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  let text = "";
  if (!/^multipart\//i.test(type)) {
    text =
      encoding === "quoted-printable"
        ? decodeQuotedPrintable(body)
        : encoding === "base64"
          ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")
          : body;
    text = text.replace(/\r\n/g, "\n");
  }
  return { headers, subject: decodeWords(headers.subject ?? ""), text };
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // A test's close() need not wait for a client that never said QUIT.
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "" });
    },
    onRcptTo(address, _session, callback) {
      const refused = options.refuse?.(address.address);
      if (!refused) return callback();
      callback(Object.assign(new Error(refused.message), { responseCode: refused.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const from = session.envelope.mailFrom;
        messages.push({
          envelope: { from: from ? from.address : null, to: session.envelope.rcptTo.map((r) => r.address) },
          user: typeof session.user === "string" && session.user ? session.user : null,
          raw,
          ...parse(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    async waitForMessage(predicate, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > until)
          throw new Error(
            `no matching mail within ${timeoutMs} ms; received: ${JSON.stringify(messages.map((m) => ({ to: m.envelope.to, subject: m.subject })))}`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
