// The in-memory store's index and byte arena against a plain model (a Map in recency order): random
// puts, replacements, lookups and removals, with values large enough that the arena compacts in
// place and grows many times, and keys and values in any script; a key UTF-8 cannot carry (a lone
// surrogate) is refused, never stored changed.
import { describe, expect, test } from "bun:test";
import { LruSlots } from "../../src/cache/lru-slots.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";

const SCRIPTS = ["plain", "é à ü", "ключ", "鍵と値", "😀🚀", 'quote " and \\ and \n'];

function textOf(random: SeededRandom, serial: number, maxLength: number): string {
  const piece = SCRIPTS[Math.floor(random.next() * SCRIPTS.length)];
  return `${serial}:${piece.repeat(1 + Math.floor((random.next() * maxLength) / piece.length))}`;
}

/** Checks every entry of the model against the slots, and the least recent one, without touching. */
function expectSame(slots: LruSlots, model: Map<string, string>): void {
  expect(slots.size).toBe(model.size);
  for (const [key, value] of model) {
    const slot = slots.find(key);
    expect(slot).not.toBe(-1);
    expect(slots.value(slot)).toBe(value);
  }
  const oldest = model.keys().next();
  if (oldest.done) expect(slots.oldest()).toBe(-1);
  else expect(slots.value(slots.oldest())).toBe(model.get(oldest.value)!);
}

describe("lru slots", () => {
  test("a long random run agrees with a Map in recency order, through compactions and growth", () => {
    const random = new SeededRandom(21);
    const slots = new LruSlots(2);
    const model = new Map<string, string>();
    let bytes = 0;
    for (let i = 0; i < 6000; i++) {
      const key = textOf(random, Math.floor(random.next() * 300), 40);
      const roll = random.next();
      if (roll < 0.5) {
        const value = textOf(random, i, roll < 0.05 ? 30_000 : 2000);
        expect(slots.put(key, value, value.length, i)).toBe(true);
        model.delete(key);
        model.set(key, value);
      } else if (roll < 0.8) {
        const slot = slots.find(key);
        expect(slot === -1).toBe(!model.has(key));
        if (slot !== -1) {
          expect(slots.value(slot)).toBe(model.get(key)!);
          slots.touch(slot);
          // a Map moves a key to the end only when it is deleted and set again
          const value = model.get(key)!;
          model.delete(key);
          model.set(key, value);
        }
      } else if (roll < 0.95 && model.size > 0) {
        const [oldestKey] = model.keys();
        slots.remove(slots.oldest());
        model.delete(oldestKey);
      } else if (model.size > 0) {
        const slot = slots.find(key);
        if (slot !== -1) slots.remove(slot);
        model.delete(key);
      }
      if (i % 500 === 0) expectSame(slots, model);
    }
    expectSame(slots, model);
    for (const value of model.values()) bytes += value.length;
    expect(slots.bytes).toBe(bytes);
  });

  test("expiry and charge are kept per slot, and replacing a key replaces both", () => {
    const slots = new LruSlots();
    slots.put("a", "first", 10, 100);
    slots.put("b", "second", 20, 200);
    slots.put("a", "third", 30, 300);
    expect(slots.bytes).toBe(50);
    expect(slots.expiresAt(slots.find("a"))).toBe(300);
    expect(slots.value(slots.oldest())).toBe("second");
  });

  test("a key with a lone surrogate is refused, and nothing is stored", () => {
    // values are JSON text from JSON.stringify, which escapes lone surrogates (store.ts)
    const slots = new LruSlots();
    expect(slots.put("k\ud800", "v", 1, 0)).toBe(false);
    expect(slots.find("k\ud800")).toBe(-1);
    expect(slots.size).toBe(0);
  });
});
