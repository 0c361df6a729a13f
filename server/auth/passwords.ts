import "server-only";
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** The parameters new hashes get: N = 2^17 takes 128·N·r = 128 MiB and about half a second per hash here. */
export const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 32 } as const;

// A stored hash is read back with its own parameters; beyond these it is refused rather than run (a hostile row
// must not make one sign-in take gigabytes).
const MAX = { N: 2 ** 20, r: 32, p: 16, keylen: 64 };

// scrypt needs about 128·N·r bytes; Node refuses above maxmem (32 MiB by default), so give it twice that.
const maxmem = (N: number, r: number) => 2 * 128 * N * r;

type Parsed = { N: number; r: number; p: number; salt: Buffer; hash: Buffer };

/** scrypt$N$r$p$salt$hash: every parameter is stored, so older hashes still verify after they are raised. */
function parse(stored: string): Parsed | null {
  const [scheme, n, rr, pp, salt, hash, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || !n || !rr || !pp || !salt || !hash || rest.length) return null;
  const [N, r, p] = [Number(n), Number(rr), Number(pp)];
  const parsed = { N, r, p, salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
  const ok =
    Number.isInteger(N) &&
    N > 1 &&
    N <= MAX.N &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= MAX.r &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= MAX.p &&
    parsed.salt.length >= 8 &&
    parsed.hash.length >= 16 &&
    parsed.hash.length <= MAX.keylen;
  return ok ? parsed : null;
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keylen } = SCRYPT;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, keylen, { N, r, p, maxmem: maxmem(N, r) });
  return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return false;
  const key = await scrypt(password, h.salt, h.hash.length, { N: h.N, r: h.r, p: h.p, maxmem: maxmem(h.N, h.r) });
  return timingSafeEqual(key, h.hash);
}

/** True when a stored hash was made with other parameters than new ones get: rehash it at the next sign-in. */
export function needsRehash(stored: string): boolean {
  const h = parse(stored);
  return !h || h.N !== SCRYPT.N || h.r !== SCRYPT.r || h.p !== SCRYPT.p || h.hash.length !== SCRYPT.keylen;
}
