import { describe, expect, it } from "vitest";
import { announceHere, subscribe } from "./bus";
import { readPerChange } from "./read-per-change";

/** A store read counted: what each call would have read, and how many reads it took. */
function counted(key: string) {
  const store = { value: 1, reads: 0, fail: false };
  const read = readPerChange(key, ["incidents"], async () => {
    store.reads++;
    if (store.fail) throw new Error("the store cannot be reached");
    return store.value;
  });
  return { store, read };
}

describe("readPerChange", () => {
  it("reads once for many callers, and again after an event on its topic", async () => {
    const { store, read } = counted("test-once");
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    expect(store.reads).toBe(1);
    store.value = 2;
    expect(await read()).toBe(1);
    announceHere("alerts"); // not its topic
    expect(await read()).toBe(1);
    announceHere("incidents");
    expect(await read()).toBe(2);
    expect(store.reads).toBe(2);
  });

  it("hands a listener that reads on the event the read after the change, whenever it subscribed", async () => {
    const { store, read } = counted("test-listener");
    expect(await read()).toBe(1);
    const seen: Promise<number>[] = [];
    const unsubscribe = subscribe("incidents", () => seen.push(read()));
    store.value = 2;
    announceHere("incidents");
    unsubscribe();
    expect(await Promise.all(seen)).toEqual([2]);
  });

  it("takes a change this console made without reading again, and hands it to the listeners it tells", async () => {
    const { store, read } = counted("test-take");
    expect(await read()).toBe(1);
    const seen: Promise<number>[] = [];
    const unsubscribe = subscribe("incidents", () => seen.push(read()));
    store.value = 5; // what the store would answer now: the change below is what this console wrote
    read.take(
      (v) => v + 1,
      () => announceHere("incidents"),
    );
    unsubscribe();
    expect(await Promise.all(seen)).toEqual([2]);
    expect(await read()).toBe(2);
    expect(store.reads).toBe(1);
    // Told without a change: the read stays; an event from elsewhere still drops it.
    read.take(null, () => announceHere("incidents"));
    expect(await read()).toBe(2);
    announceHere("incidents");
    expect(await read()).toBe(5);
    expect(store.reads).toBe(2);
  });

  it("keeps no failed read: the next call asks the store again", async () => {
    const { store, read } = counted("test-failure");
    store.fail = true;
    await expect(read()).rejects.toThrow("cannot be reached");
    store.fail = false;
    expect(await read()).toBe(1);
    expect(store.reads).toBe(2);
  });
});
