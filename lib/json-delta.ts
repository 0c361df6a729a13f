/**
 * What changed between two JSON values, small enough to push to every open page each second: the live stream
 * (app/api/v1/events) sends the fleet snapshot once, then only its deltas, which a page applies to what it holds.
 *
 * A delta is JSON too:
 * - a primitive or null: the value becomes it;
 * - `{ "$": v }`: the value becomes the object or array v wholesale: its type changed, an array's length changed,
 *   or a changed member's key starts with "$" and could not be told from the markers here;
 * - any other object: the members named change by their own deltas, and the keys listed in `"$del"` are removed.
 *   An array of unchanged length is patched the same way by index (`{ "3": delta }`): the base says it is an array.
 * As with JSON.stringify, a member whose value is undefined is absent and an undefined array element is null.
 * Pure and dependency-free: the server and the browser share it.
 */

/** The shape a delta takes once parsed; applyJsonDelta checks it against its base. */
export type JsonDelta = null | boolean | number | string | { [key: string]: unknown };

type Members = Record<string, unknown>;
type Change = [key: string, delta: JsonDelta];

const DEL = "$del";
const isMembers = (v: unknown): v is Members => typeof v === "object" && v !== null && !Array.isArray(v);
/** Own members only: a key such as "__proto__" (alert labels come from outside) must not reach the prototype. */
const member = (o: Members, key: string) => (Object.hasOwn(o, key) ? o[key] : undefined);

/**
 * The delta turning `prev` into `next`, or undefined when they are equal. Shared references are equal without a
 * look inside, so both must be left unmutated once diffed (the fleet snapshot's unchanged samples cost nothing).
 */
export function jsonDelta(prev: unknown, next: unknown): JsonDelta | undefined {
  if (prev === next || (Number.isNaN(prev) && Number.isNaN(next))) return undefined;
  if (typeof next !== "object" || next === null) return next as JsonDelta;
  if (Array.isArray(next))
    return Array.isArray(prev) && prev.length === next.length ? patch(arrayChanges(prev, next), [], next) : { $: next };
  if (!isMembers(prev)) return { $: next };
  const n = next as Members;
  return patch(
    memberChanges(prev, n),
    Object.keys(prev).filter((k) => prev[k] !== undefined && member(n, k) === undefined),
    n,
  );
}

function arrayChanges(prev: unknown[], next: unknown[]): Change[] {
  const changes: Change[] = [];
  for (let i = 0; i < next.length; i++) {
    const d = jsonDelta(prev[i] ?? null, next[i] ?? null);
    if (d !== undefined) changes.push([String(i), d]);
  }
  return changes;
}

function memberChanges(prev: Members, next: Members): Change[] {
  const changes: Change[] = [];
  for (const [k, v] of Object.entries(next)) {
    if (v === undefined) continue;
    const d = jsonDelta(member(prev, k), v);
    if (d !== undefined) changes.push([k, d]);
  }
  return changes;
}

function patch(changes: Change[], removed: string[], next: unknown): JsonDelta | undefined {
  if (!changes.length && !removed.length) return undefined;
  if (changes.some(([k]) => k.startsWith("$"))) return { $: next };
  // fromEntries defines each key as a plain member, "__proto__" included.
  const delta: Members = Object.fromEntries(changes);
  if (removed.length) delta[DEL] = removed;
  return delta;
}

/**
 * `base` with `delta` applied, `base` untouched: members the delta does not name keep their identity, so a page
 * re-renders only what changed. Throws when the delta does not fit the base (it was made from another one).
 */
export function applyJsonDelta(base: unknown, delta: unknown): unknown {
  if (delta === undefined) return base;
  if (typeof delta !== "object" || delta === null) return delta;
  if (Array.isArray(delta)) throw new Error("a JSON delta is never an array");
  const d = delta as Members;
  if (Object.hasOwn(d, "$")) return d.$;
  if (Array.isArray(base)) return patchArray(base, d);
  if (isMembers(base)) return patchMembers(base, d);
  throw new Error(`a JSON delta changes members of ${base === null ? "null" : typeof base}`);
}

function patchArray(base: unknown[], d: Members): unknown[] {
  const out = base.slice();
  for (const [k, sub] of Object.entries(d)) {
    const i = Number(k);
    if (!Number.isInteger(i) || i < 0 || i >= base.length || String(i) !== k)
      throw new Error(`a JSON delta names element "${k}" of an array of ${base.length}`);
    out[i] = applyJsonDelta(base[i], sub);
  }
  return out;
}

function patchMembers(base: Members, d: Members): Members {
  const removed = member(d, DEL) ?? [];
  if (!Array.isArray(removed) || !removed.every((k) => typeof k === "string"))
    throw new Error(`a JSON delta's "${DEL}" is not a list of keys`);
  const gone = new Set<string>(removed);
  // Members keep their order (a page lists some, such as costs by category, as they come); new ones go last.
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(base))
    if (!gone.has(k)) out.push([k, k !== DEL && Object.hasOwn(d, k) ? applyJsonDelta(v, d[k]) : v]);
  for (const [k, sub] of Object.entries(d))
    if (k !== DEL && !Object.hasOwn(base, k)) out.push([k, applyJsonDelta(undefined, sub)]);
  return Object.fromEntries(out);
}
