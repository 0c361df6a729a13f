import { encode } from "next-auth/jwt";
import { beforeEach, describe, expect, it, vi } from "vitest";

// The real decode, counted: a kept token is not decrypted again.
const decoded = vi.hoisted(() => ({ count: 0 }));
vi.mock("next-auth/jwt", async (importOriginal) => {
  const real = await importOriginal<typeof import("next-auth/jwt")>();
  return {
    ...real,
    decode: async (params: Parameters<typeof real.decode>[0]) => {
      decoded.count++;
      return real.decode(params);
    },
  };
});

const { CLAIMS_MAX, claimsOfToken, forgetSessionClaims, keptSessionClaims, sessionTokenOf } =
  await import("./session-claims");

const SECRET = "k3Vt8xLw2Rq4Zp7Bn9Hs6Df1Gj5Mc0Yb";
const USER = "3f0c7a52-1111-4a4a-8b8b-222233334444";
const mint = (claims: Record<string, unknown> = {}, maxAge = 3600, secret = SECRET) =>
  encode({ token: { sub: USER, sessionEpoch: 2, email: "eng@switchyard.test", ...claims }, secret, maxAge });
/** The same token with one character of its ciphertext (the fourth part) changed. */
const tamper = (token: string) => {
  const parts = token.split(".");
  const c = parts[3]!;
  parts[3] = (c[0] === "A" ? "B" : "A") + c.slice(1);
  return parts.join(".");
};

beforeEach(() => {
  forgetSessionClaims();
  decoded.count = 0;
});

describe("session claims", () => {
  it("decodes a token once and answers from what it kept until the token expires", async () => {
    const token = await mint();
    const first = await claimsOfToken(token, SECRET);
    expect(first).toMatchObject({ sub: USER, sessionEpoch: 2 });
    expect(await claimsOfToken(token, SECRET)).toEqual(first);
    expect(decoded.count).toBe(1);

    // Past its exp the kept token is refused, and forgotten.
    const exp = first!.exp as number;
    expect(await claimsOfToken(token, SECRET, exp * 1000 - 1)).not.toBeNull();
    expect(await claimsOfToken(token, SECRET, exp * 1000)).toBeNull();
    expect(keptSessionClaims()).toBe(0);
  });

  it("refuses a tampered token even after the same user's valid token was kept, and keeps no refusal", async () => {
    const token = await mint();
    expect(await claimsOfToken(token, SECRET)).not.toBeNull();
    const forged = tamper(token);
    expect(forged).not.toBe(token);
    for (let i = 0; i < 2; i++) expect(await claimsOfToken(forged, SECRET)).toBeNull();
    expect(await claimsOfToken(`${token}x`, SECRET)).toBeNull();
    expect(await claimsOfToken(token.slice(0, -1), SECRET)).toBeNull();
    expect(await claimsOfToken("not-a-token", SECRET)).toBeNull();
    expect(keptSessionClaims()).toBe(1);
    // Every refused try was decoded (and refused) again: nothing about a failure is kept.
    expect(decoded.count).toBe(1 + 2 + 3);
  });

  it("refuses a token made with another secret, and a kept token asked for with another secret", async () => {
    const foreign = await mint({}, 3600, "another-secret-of-32-characters-xx");
    expect(await claimsOfToken(foreign, SECRET)).toBeNull();
    const token = await mint();
    expect(await claimsOfToken(token, SECRET)).not.toBeNull();
    expect(await claimsOfToken(token, "another-secret-of-32-characters-xx")).toBeNull();
  });

  it("refuses an expired token, and keeps none", async () => {
    const expired = await mint({}, -60);
    expect(await claimsOfToken(expired, SECRET)).toBeNull();
    // Within jose's 15 s clock tolerance: still refused, a session ends at its exp.
    const justExpired = await mint({}, -5);
    expect(await claimsOfToken(justExpired, SECRET)).toBeNull();
    expect(keptSessionClaims()).toBe(0);
  });

  it("gives back claims no caller can change", async () => {
    const token = await mint();
    const claims = (await claimsOfToken(token, SECRET))!;
    expect(() => {
      (claims as Record<string, unknown>).sub = "someone-else";
    }).toThrow();
    expect((await claimsOfToken(token, SECRET))!.sub).toBe(USER);
  });

  it(`keeps at most ${CLAIMS_MAX} tokens, forgetting the least recently used first`, async () => {
    const tokens = await Promise.all(Array.from({ length: CLAIMS_MAX + 1 }, (_, i) => mint({ n: i })));
    for (const t of tokens.slice(0, CLAIMS_MAX)) await claimsOfToken(t, SECRET);
    await claimsOfToken(tokens[0]!, SECRET); // used again: now the most recent
    await claimsOfToken(tokens[CLAIMS_MAX]!, SECRET);
    expect(keptSessionClaims()).toBe(CLAIMS_MAX);
    const before = decoded.count;
    await claimsOfToken(tokens[0]!, SECRET);
    expect(decoded.count).toBe(before); // still kept
    await claimsOfToken(tokens[1]!, SECRET);
    expect(decoded.count).toBe(before + 1); // was forgotten, decoded again
  });
});

describe("the session cookie", () => {
  const c = (name: string, value: string) => ({ name, value });

  it("is found under either of next-auth's names, the __Secure- one first", () => {
    expect(sessionTokenOf([])).toBeNull();
    expect(sessionTokenOf([c("other", "x")])).toBeNull();
    expect(sessionTokenOf([c("next-auth.session-token", "plain")])).toBe("plain");
    expect(sessionTokenOf([c("__Secure-next-auth.session-token", "secure")])).toBe("secure");
    expect(
      sessionTokenOf([c("next-auth.session-token", "plain"), c("__Secure-next-auth.session-token", "secure")]),
    ).toBe("secure");
    expect(sessionTokenOf([c("next-auth.session-token-x", "x"), c("next-auth.csrf-token", "y")])).toBeNull();
  });

  it("is joined from next-auth's chunks in their order", () => {
    const chunks = Array.from({ length: 12 }, (_, i) => c(`next-auth.session-token.${i}`, `<${i}>`)).reverse();
    expect(sessionTokenOf(chunks)).toBe(Array.from({ length: 12 }, (_, i) => `<${i}>`).join(""));
    expect(
      sessionTokenOf([c("__Secure-next-auth.session-token.1", "b"), c("__Secure-next-auth.session-token.0", "a")]),
    ).toBe("ab");
    expect(sessionTokenOf([c("next-auth.session-token.x", "x")])).toBeNull();
  });

  it("decodes when next-auth chunked it", async () => {
    const token = await mint({ padding: "p".repeat(5000) });
    const size = 3900;
    const chunks = Array.from({ length: Math.ceil(token.length / size) }, (_, i) =>
      c(`next-auth.session-token.${i}`, token.slice(i * size, (i + 1) * size)),
    );
    expect(chunks.length).toBeGreaterThan(1);
    expect(await claimsOfToken(sessionTokenOf(chunks)!, SECRET)).toMatchObject({ sub: USER });
  });
});
