/**
 * A failed connection or query in a few lowercase words, for everything a person reads (region reasons, alert
 * text, incident titles, the reachability matrix); the raw code travels beside the words for whoever judges by
 * it (lib/reachability's refused) and for the sample's details. Pure: the console, the lab and tests share it.
 */

/** PostgreSQL's SQLSTATEs a region's server answers with when it cannot serve, in words. */
const sqlstateWords: Record<string, string> = {
  "08000": "connection error",
  "08001": "cannot establish a connection",
  "08003": "connection does not exist",
  "08004": "the server rejected the connection",
  "08006": "connection failed",
  "08P01": "protocol violation",
  "25006": "the database is read-only",
  "28000": "not allowed to connect",
  "28P01": "password authentication failed",
  "3D000": "database does not exist",
  "40001": "serialization failure",
  "40P01": "deadlock detected",
  "42501": "permission denied",
  "53000": "the server is out of resources",
  "53100": "the server's disk is full",
  "53200": "the server is out of memory",
  "53300": "too many connections",
  "57014": "query cancelled",
  "57P01": "the database is shutting down",
  "57P02": "the database is restarting after a crash",
  "57P03": "the database is starting up or shutting down",
  "57P04": "the database was dropped",
  "58030": "i/o error on the server",
};

/** Words for a SQLSTATE class when its exact code is not listed above. */
const sqlstateClassWords: Record<string, string> = {
  "08": "connection failed",
  "28": "not allowed to connect",
  "53": "the server is out of resources",
  "57": "the database is not accepting connections",
  "58": "system error on the server",
};

/** System (errno) and HTTP client codes of a failed connection, in words. */
const systemWords: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ECONNABORTED: "connection aborted",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "no route to host",
  EHOSTDOWN: "host is down",
  ENETUNREACH: "network unreachable",
  ENETDOWN: "network is down",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EPIPE: "connection closed",
  EADDRNOTAVAIL: "address not available",
  ENOENT: "no such socket",
  EACCES: "permission denied",
  UND_ERR_CONNECT_TIMEOUT: "timed out",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_HEADERS_TIMEOUT: "timed out",
  UND_ERR_BODY_TIMEOUT: "timed out",
};

/** The node-postgres driver's own messages, which carry no code. */
const driverMessageWords: [RegExp, string][] = [
  [
    /^(timeout expired|timeout exceeded when trying to connect|Connection terminated due to connection timeout)$/i,
    "timed out connecting",
  ],
  [/^Query read timeout$/i, "query timed out"],
  [/^Connection terminated unexpectedly$/i, "connection lost"],
  [/^Connection terminated$/i, "connection closed"],
  [/is not queryable$/i, "connection lost"],
];

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Words for one code (a SQLSTATE or a system code), or null when it has none. A server's own message says
 * which of starting up and shutting down a 57P03 is.
 */
export function wordsForCode(code: string, message = ""): string | null {
  if (code === "57P03") {
    if (/starting up/i.test(message)) return "the database is starting up";
    if (/shutting down/i.test(message)) return "the database is shutting down";
    if (/recovery mode/i.test(message)) return "the database is in recovery mode";
  }
  return (
    sqlstateWords[code] ??
    systemWords[code] ??
    (SQLSTATE.test(code) && /\d/.test(code) ? (sqlstateClassWords[code.slice(0, 2)] ?? null) : null)
  );
}

export interface ErrorInWords {
  /** what a person reads */
  error: string;
  /** the SQLSTATE or system code, when the error has one */
  errorCode?: string;
}

type ErrorLike = { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };

const asErrorLike = (v: unknown): ErrorLike | null => (v && typeof v === "object" ? (v as ErrorLike) : null);
const text = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * The code of an error: its own, its cause's (fetch puts the system error there), or its first inner error's
 * (a connection tried on several addresses fails with an AggregateError).
 */
export function errorCodeOf(err: unknown): string | undefined {
  const e = asErrorLike(err);
  if (!e) return undefined;
  const own = text(e.code);
  if (own) return own;
  const cause = asErrorLike(e.cause);
  if (cause && text(cause.code)) return text(cause.code);
  const first = Array.isArray(e.errors) ? asErrorLike(e.errors[0]) : null;
  return first ? errorCodeOf(first) : undefined;
}

function messageOf(err: unknown): string {
  const e = asErrorLike(err);
  if (!e) return String(err);
  const cause = asErrorLike(e.cause);
  const first = Array.isArray(e.errors) ? asErrorLike(e.errors[0]) : null;
  return text(e.message) || text(cause?.message) || text(first?.message) || text(e.name) || String(err);
}

/** A thrown error in words, with its code beside them; an error without known words keeps the driver's message. */
export function errorInWords(err: unknown): ErrorInWords {
  const code = errorCodeOf(err);
  const message = messageOf(err);
  const timedOut = asErrorLike(err)?.name === "TimeoutError" ? "timed out" : null; // AbortSignal.timeout's
  const words =
    (code ? wordsForCode(code, message) : null) ??
    timedOut ??
    driverMessageWords.find(([pattern]) => pattern.test(message))?.[1] ??
    message;
  return code ? { error: words, errorCode: code } : { error: words };
}
