import { describe, expect, it } from "vitest";
import { applyJsonDelta, jsonDelta } from "./json-delta";

/** As the stream carries it: serialized, then parsed by the page. */
const wire = (v: unknown) => (v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown));

/** The delta from a to b, checked to turn a into b both in memory and through JSON. */
function roundTrip(a: unknown, b: unknown) {
  const delta = jsonDelta(a, b);
  expect(applyJsonDelta(a, delta)).toEqual(b);
  expect(applyJsonDelta(wire(a), wire(delta))).toEqual(wire(b));
  return delta;
}

describe("jsonDelta", () => {
  it("is undefined for equal values, however deep, and for the same reference", () => {
    expect(jsonDelta(1, 1)).toBeUndefined();
    expect(jsonDelta(null, null)).toBeUndefined();
    expect(jsonDelta("a", "a")).toBeUndefined();
    expect(jsonDelta(NaN, NaN)).toBeUndefined();
    expect(jsonDelta({ a: [1, { b: null }], c: "x" }, { c: "x", a: [1, { b: null }] })).toBeUndefined();
    const shared = { a: 1 };
    expect(jsonDelta(shared, shared)).toBeUndefined();
    // Absent and undefined members are the same thing in JSON.
    expect(jsonDelta({ a: 1, b: undefined }, { a: 1 })).toBeUndefined();
    expect(jsonDelta({ a: 1 }, { a: 1, b: undefined })).toBeUndefined();
  });

  it("sets primitives and null directly", () => {
    expect(roundTrip(1, 2)).toBe(2);
    expect(roundTrip("a", null)).toBeNull();
    expect(roundTrip({ a: 1 }, null)).toBeNull();
    expect(roundTrip([1], false)).toBe(false);
    expect(roundTrip({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3 } })).toEqual({ a: { c: 3 } });
  });

  it("sets an object or array wholesale when it appears in place of null, a primitive or the other kind", () => {
    expect(roundTrip(null, { a: 1 })).toEqual({ $: { a: 1 } });
    expect(roundTrip(3, [1])).toEqual({ $: [1] });
    expect(roundTrip({ a: 1 }, [1])).toEqual({ $: [1] });
    expect(roundTrip([1], { 0: 1 })).toEqual({ $: { 0: 1 } });
    expect(roundTrip({ db: null }, { db: { up: true } })).toEqual({ db: { $: { up: true } } });
    expect(roundTrip({ db: { up: true } }, { db: null })).toEqual({ db: null });
  });

  it("adds members and lists removed ones under $del", () => {
    expect(roundTrip({ a: 1, b: 2 }, { a: 1, c: 3 })).toEqual({ c: 3, $del: ["b"] });
    expect(roundTrip({ a: 1, b: 2 }, { a: 1 })).toEqual({ $del: ["b"] });
    expect(roundTrip({ a: 1, b: 2 }, { a: 1, b: undefined })).toEqual({ $del: ["b"] });
    expect(roundTrip({ a: 1 }, { a: 1, b: { c: [] } })).toEqual({ b: { $: { c: [] } } });
    expect(roundTrip({ a: 1, b: null }, { a: 1 })).toEqual({ $del: ["b"] });
    expect(roundTrip({}, { a: null })).toEqual({ a: null });
  });

  it("patches arrays of the same length by index, and replaces one whose length changed", () => {
    expect(roundTrip([1, 2, 3], [1, 5, 3])).toEqual({ 1: 5 });
    expect(roundTrip([{ a: 1 }, { a: 2 }], [{ a: 1 }, { a: 3 }])).toEqual({ 1: { a: 3 } });
    expect(roundTrip([1, 2, 3], [1, 2])).toEqual({ $: [1, 2] });
    expect(roundTrip([], [1])).toEqual({ $: [1] });
    expect(roundTrip({ list: [1, 2] }, { list: [] })).toEqual({ list: { $: [] } });
    // An undefined element is null, as JSON.stringify writes it.
    expect(jsonDelta([1, undefined], [1, null])).toBeUndefined();
  });

  it("patches nested arrays", () => {
    expect(roundTrip([[1, 2], [3]], [[1, 2], [4]])).toEqual({ 1: { 0: 4 } });
    expect(roundTrip({ m: [[1], [2, [3, 4]]] }, { m: [[1], [2, [3, 5]]] })).toEqual({ m: { 1: { 1: { 1: 5 } } } });
    expect(roundTrip([[1, 2]], [[1, 2, 3]])).toEqual({ 0: { $: [1, 2, 3] } });
  });

  it("replaces an object wholesale when a changed member's key starts with $", () => {
    expect(roundTrip({ $: 1, a: 1 }, { $: 2, a: 1 })).toEqual({ $: { $: 2, a: 1 } });
    expect(roundTrip({ a: 1 }, { a: 1, $del: ["a"] })).toEqual({ $: { a: 1, $del: ["a"] } });
    expect(roundTrip({ x: { $ref: "a", n: 1 } }, { x: { $ref: "b", n: 1 } })).toEqual({
      x: { $: { $ref: "b", n: 1 } },
    });
    // Unchanged $-members are not spelled, and removed ones are only named in $del.
    expect(roundTrip({ $ref: "a", n: 1 }, { $ref: "a", n: 2 })).toEqual({ n: 2 });
    expect(roundTrip({ $ref: "a", n: 1 }, { n: 1 })).toEqual({ $del: ["$ref"] });
    expect(roundTrip({ a: { $: 1 } }, { a: { $: 1 }, b: 2 })).toEqual({ b: 2 });
    // A base member named $del is kept when the delta's own $del removes others.
    expect(roundTrip({ $del: ["x"], a: 1, b: 2 }, { $del: ["x"], a: 1 })).toEqual({ $del: ["b"] });
  });

  it("carries a __proto__ key as a plain member", () => {
    const a = JSON.parse('{"labels":{"__proto__":"x","a":"1"}}') as unknown;
    const b = JSON.parse('{"labels":{"__proto__":"y","a":"1"}}') as unknown;
    const delta = roundTrip(a, b);
    expect(JSON.stringify(delta)).toBe('{"labels":{"__proto__":"y"}}');
    const applied = applyJsonDelta(a, wire(delta)) as { labels: Record<string, string> };
    expect(Object.getPrototypeOf(applied.labels)).toBe(Object.prototype);
    expect(Object.keys(applied.labels)).toEqual(["__proto__", "a"]);
    expect(JSON.stringify(roundTrip({ labels: {} }, b))).toBe('{"labels":{"__proto__":"y","a":"1"}}');
  });
});

describe("applyJsonDelta", () => {
  it("keeps the identity of every branch the delta does not name, and leaves the base untouched", () => {
    const base = {
      generatedAt: "t0",
      regions: [
        { id: "a", sample: { at: "t0", cdn: { costs: { egress: 1 } } } },
        { id: "b", sample: { at: "t0" } },
      ],
      alerts: [] as unknown[],
    };
    const frozen = JSON.stringify(base);
    const next = { ...base, generatedAt: "t1", regions: [base.regions[0]!, { id: "b", sample: { at: "t1" } }] };
    const out = applyJsonDelta(base, jsonDelta(base, next)) as typeof base;
    expect(out).toEqual(next);
    expect(JSON.stringify(base)).toBe(frozen);
    expect(out.alerts).toBe(base.alerts);
    expect(out.regions).not.toBe(base.regions);
    expect(out.regions[0]).toBe(base.regions[0]);
    expect(out.regions[1]).not.toBe(base.regions[1]);
    // Through the wire too: the page's unchanged branches are the ones it already holds.
    const paged = applyJsonDelta(base, wire(jsonDelta(base, next))) as typeof base;
    expect(paged.regions[0]!.sample.cdn).toBe(base.regions[0]!.sample.cdn);
  });

  it("returns the base itself for no delta, and keeps members in their order", () => {
    const base = { a: 1, b: 2, c: 3 };
    expect(applyJsonDelta(base, undefined)).toBe(base);
    expect(Object.keys(applyJsonDelta(base, { a: 5, d: 4, $del: ["b"] }) as object)).toEqual(["a", "c", "d"]);
  });

  it("refuses a delta that does not fit its base", () => {
    expect(() => applyJsonDelta(null, { a: 1 })).toThrow(/members of null/);
    expect(() => applyJsonDelta(3, { a: 1 })).toThrow(/members of number/);
    expect(() => applyJsonDelta(undefined, { a: 1 })).toThrow(/members of undefined/);
    expect(() => applyJsonDelta([1, 2], { 2: 1 })).toThrow(/element "2"/);
    expect(() => applyJsonDelta([1, 2], { "01": 1 })).toThrow(/element "01"/);
    expect(() => applyJsonDelta([1, 2], { $del: ["0"] })).toThrow(/element "\$del"/);
    expect(() => applyJsonDelta({ a: 1 }, { $del: "a" })).toThrow(/not a list of keys/);
    expect(() => applyJsonDelta({ a: 1 }, [1])).toThrow(/never an array/);
    expect(() => applyJsonDelta({ a: null }, { a: { b: 1 } })).toThrow(/members of null/);
  });
});

// ---- generated values: a fixed seed, so a failure reproduces -----------------------------------------------
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const KEYS = ["a", "b", "c", "id", "at", "$", "$del", "$x", "0", "1", "__proto__"];

function generator(random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const primitive = (): Json =>
    pick<() => Json>([
      () => null,
      () => random() < 0.5,
      () => Math.round(random() * 100) - 50,
      () => random() * 10,
      () => pick(["", "x", "y", "2026-11-25T12:00:00.000Z"]),
    ])();
  const value = (depth: number): Json => {
    const r = random();
    if (depth <= 0 || r < 0.4) return primitive();
    if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth - 1));
    const o: { [key: string]: Json } = {};
    for (let i = Math.floor(random() * 5); i > 0; i--)
      Object.defineProperty(o, pick(KEYS), {
        value: value(depth - 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return o;
  };
  /** A few edits of a copy of v: changed leaves, members added and removed, arrays grown and shrunk, types changed. */
  const edit = (v: Json, depth: number): Json => {
    const r = random();
    if (r < 0.15 || depth <= 0) return r < 0.08 ? value(2) : v;
    if (Array.isArray(v)) {
      const out = v.map((x) => (random() < 0.4 ? edit(x, depth - 1) : x));
      if (random() < 0.15) out.push(value(2));
      if (random() < 0.15) out.splice(Math.floor(random() * out.length), 1);
      return out;
    }
    if (v !== null && typeof v === "object") {
      const out: { [key: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) {
        if (random() < 0.1) continue;
        Object.defineProperty(out, k, {
          value: random() < 0.4 ? edit(x, depth - 1) : x,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      if (random() < 0.2)
        Object.defineProperty(out, pick(KEYS), {
          value: value(2),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    return random() < 0.5 ? primitive() : v;
  };
  return { value, edit };
}

describe("generated round trips", () => {
  it("turns a into b for a thousand generated pairs, and finds nothing left to change after", () => {
    const random = mulberry32(20261125);
    const { value, edit } = generator(random);
    let same = 0;
    for (let i = 0; i < 1000; i++) {
      const a = value(5);
      const b = random() < 0.2 ? value(5) : edit(a, 5);
      const delta = jsonDelta(a, b);
      if (delta === undefined) same++;
      const applied = applyJsonDelta(a, delta);
      expect(applied).toEqual(b);
      expect(jsonDelta(applied, b)).toBeUndefined();
      expect(applyJsonDelta(wire(a), wire(delta))).toEqual(wire(b));
      expect(jsonDelta(a, wire(a))).toBeUndefined();
    }
    // The generator produces both: equal pairs (delta undefined) and changed ones.
    expect(same).toBeGreaterThan(10);
    expect(same).toBeLessThan(900);
  });
});
