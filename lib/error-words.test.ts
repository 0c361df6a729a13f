import { describe, expect, it } from "vitest";
import { errorCodeOf, errorInWords, wordsForCode } from "./error-words";

/** An error as node-postgres and node:net throw them: a message, a code. */
const failure = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});

describe("errorInWords", () => {
  it("says a stopped or starting server's SQLSTATE in words and keeps the code beside them", () => {
    expect(errorInWords(failure("57P01", "terminating connection due to administrator command"))).toEqual({
      error: "the database is shutting down",
      errorCode: "57P01",
    });
    expect(errorInWords(failure("57P02", "terminating connection because of crash of another server process"))).toEqual(
      {
        error: "the database is restarting after a crash",
        errorCode: "57P02",
      },
    );
    expect(errorInWords(failure("57P03", "the database system is starting up"))).toEqual({
      error: "the database is starting up",
      errorCode: "57P03",
    });
    expect(errorInWords(failure("57P03", "the database system is shutting down"))).toEqual({
      error: "the database is shutting down",
      errorCode: "57P03",
    });
    expect(errorInWords(failure("57P03", "cannot connect now"))).toEqual({
      error: "the database is starting up or shutting down",
      errorCode: "57P03",
    });
  });

  it("says the other server answers a person meets in words", () => {
    const cases: [string, string][] = [
      ["53300", "too many connections"],
      ["53100", "the server's disk is full"],
      ["28P01", "password authentication failed"],
      ["28000", "not allowed to connect"],
      ["3D000", "database does not exist"],
      ["25006", "the database is read-only"],
      ["08006", "connection failed"],
      ["08001", "cannot establish a connection"],
    ];
    for (const [code, words] of cases)
      expect(errorInWords(failure(code, `server said ${code}`)), code).toEqual({ error: words, errorCode: code });
  });

  it("falls back to a SQLSTATE's class, then to the server's message", () => {
    expect(errorInWords(failure("08007", "transaction resolution unknown")).error).toBe("connection failed");
    expect(errorInWords(failure("53999", "something scarce")).error).toBe("the server is out of resources");
    expect(errorInWords(failure("42P01", 'relation "heartbeat" does not exist'))).toEqual({
      error: 'relation "heartbeat" does not exist',
      errorCode: "42P01",
    });
  });

  it("says a connection's system error in words, never its address", () => {
    const cases: [string, string, string][] = [
      ["ECONNREFUSED", "connect ECONNREFUSED 10.213.1.11:5432", "connection refused"],
      ["ECONNRESET", "read ECONNRESET", "connection reset"],
      ["ETIMEDOUT", "connect ETIMEDOUT 10.213.1.11:5432", "timed out"],
      ["EHOSTUNREACH", "connect EHOSTUNREACH 10.213.1.11:5432", "no route to host"],
      ["ENETUNREACH", "connect ENETUNREACH 10.213.1.11:5432", "network unreachable"],
      ["ENOTFOUND", "getaddrinfo ENOTFOUND db.us-east-1.internal", "host name not found"],
      ["EAI_AGAIN", "getaddrinfo EAI_AGAIN db.us-east-1.internal", "host name lookup failed"],
      ["EPIPE", "write EPIPE", "connection closed"],
    ];
    for (const [code, message, words] of cases) {
      const said = errorInWords(failure(code, message));
      expect(said, code).toEqual({ error: words, errorCode: code });
      expect(said.error).not.toMatch(/10\.213|:5432|internal/);
    }
  });

  it("finds the code on a fetch error's cause and on the first error of a connection tried on several addresses", () => {
    expect(
      errorInWords(
        new TypeError("fetch failed", { cause: failure("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:8080") }),
      ),
    ).toEqual({
      error: "connection refused",
      errorCode: "ECONNREFUSED",
    });
    const both = new AggregateError(
      [
        failure("ECONNREFUSED", "connect ECONNREFUSED ::1:5432"),
        failure("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"),
      ],
      "",
    );
    expect(errorInWords(both)).toEqual({ error: "connection refused", errorCode: "ECONNREFUSED" });
  });

  it("says the driver's own code-less failures in words, and keeps any other message as it is, without a code", () => {
    expect(errorInWords(new Error("timeout expired"))).toEqual({ error: "timed out connecting" });
    expect(errorInWords(new Error("Connection terminated due to connection timeout"))).toEqual({
      error: "timed out connecting",
    });
    expect(errorInWords(new Error("Query read timeout"))).toEqual({ error: "query timed out" });
    expect(errorInWords(new Error("Connection terminated unexpectedly"))).toEqual({ error: "connection lost" });
    expect(errorInWords(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toEqual({
      error: "timed out",
    });
    expect(errorInWords(new Error("Client has encountered a connection error and is not queryable"))).toEqual({
      error: "connection lost",
    });
    expect(errorInWords(new Error("self-signed certificate"))).toEqual({ error: "self-signed certificate" });
    expect(errorInWords("plain words")).toEqual({ error: "plain words" });
    const unknownCode = errorInWords(
      failure("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames"),
    );
    expect(unknownCode).toEqual({
      error: "Hostname/IP does not match certificate's altnames",
      errorCode: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
  });
});

describe("wordsForCode", () => {
  it("knows SQLSTATEs and system codes, and nothing else", () => {
    expect(wordsForCode("57P03")).toBe("the database is starting up or shutting down");
    expect(wordsForCode("ECONNREFUSED")).toBe("connection refused");
    expect(wordsForCode("EWHATEVER")).toBeNull();
    expect(wordsForCode("XX000")).toBeNull();
  });

  it("gives short lowercase words", () => {
    for (const code of [
      "57P01",
      "57P02",
      "57P03",
      "53300",
      "28P01",
      "3D000",
      "08006",
      "53100",
      "25006",
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EHOSTUNREACH",
      "ENOTFOUND",
    ]) {
      const words = wordsForCode(code)!;
      expect(words, code).toBe(words.toLowerCase());
      expect(words.split(" ").length, code).toBeLessThanOrEqual(8);
    }
  });
});

describe("errorCodeOf", () => {
  it("prefers the error's own code, then its cause's", () => {
    expect(errorCodeOf(Object.assign(new Error("x", { cause: failure("ECONNRESET", "y") }), { code: "57P01" }))).toBe(
      "57P01",
    );
    expect(errorCodeOf(new Error("x", { cause: failure("ECONNRESET", "y") }))).toBe("ECONNRESET");
    expect(errorCodeOf(new Error("x"))).toBeUndefined();
    expect(errorCodeOf(null)).toBeUndefined();
  });
});
