import { describe, expect, it } from "vitest";
import { storeFullMessage, storeTroubleInWords } from "@/lib/store-status";
import { ServiceError } from "@/server/errors";
import { storeErrorOf } from "./pg-driver";

/** What a failed query means, from the driver's own errors: typed, in plain words for people, raw for the log. */

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("storeErrorOf", () => {
  it("makes a full disk (53100) a store_full error with the one sentence people read", () => {
    const err = storeErrorOf(pgError("53100", 'could not extend file "base/16384/16390": No space left on device'));
    expect(err).toMatchObject({ code: "store_full", status: 507, shown: storeFullMessage });
    expect(err!.message).toMatch(/No space left on device/);
  });

  it("makes a store that is away, restarting or out of resources 'unavailable', in words without its address", () => {
    const cases: [unknown, RegExp][] = [
      [pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5433"), /\(connection refused\)/],
      [new AggregateError([pgError("ECONNREFUSED", "connect ECONNREFUSED ::1:5433")], ""), /\(connection refused\)/],
      [pgError("57P01", "terminating connection due to administrator command"), /\(the store is shutting down\)/],
      [pgError("57P03", "the database system is starting up"), /\(the store is starting up\)/],
      [new Error("Connection terminated unexpectedly"), /\(connection lost\)/],
      [new Error("Query read timeout"), /\(no answer in time\)/],
      [new Error("timeout exceeded when trying to connect"), /\(no answer in time\)/],
      [pgError("57014", "canceling statement due to statement timeout"), /\(the store did not answer in time\)/],
      [pgError("53300", "sorry, too many clients already"), /\(the store has no free connections\)/],
      [pgError("53200", "out of memory"), /\(the store is out of memory\)/],
    ];
    for (const [raw, words] of cases) {
      const err = storeErrorOf(raw);
      expect(err, String(raw)).toBeInstanceOf(ServiceError);
      expect(err!.code).toBe("unavailable");
      expect(err!.shown).toMatch(words);
      expect(err!.shown).not.toMatch(/127\.0\.0\.1|::1|5433|ECONN|\b5\d[A-Z0-9]\d\d\b/);
    }
  });

  it("leaves ordinary SQL errors to their caller", () => {
    expect(storeErrorOf(pgError("23505", "duplicate key value violates unique constraint"))).toBeNull();
    expect(storeErrorOf(pgError("57014", "canceling statement due to user request"))).toBeNull();
    expect(storeErrorOf(new ServiceError("conflict", "taken"))).toBeNull();
  });
});

describe("storeTroubleInWords", () => {
  it("never repeats a host, a port or a code", () => {
    expect(storeTroubleInWords("getaddrinfo ENOTFOUND store.internal")).toBe("the store's host name does not resolve");
    expect(storeTroubleInWords("connect EHOSTUNREACH 10.0.0.5:5432")).toBe("no route to the store's host");
    expect(storeTroubleInWords("something nobody foresaw at 10.0.0.5:5432")).toBe("no answer");
  });
});
