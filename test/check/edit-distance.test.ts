// Did-you-mean hints: close typos find their word, unrelated words suggest nothing.
import { expect, test } from "bun:test";
import { closest, didYouMean, editDistance } from "../../src/util/edit-distance.ts";

test("edit distance counts insertions, deletions, substitutions and adjacent swaps", () => {
  expect(editDistance("attempts", "attempts")).toBe(0);
  expect(editDistance("atempts", "attempts")).toBe(1);
  expect(editDistance("attmepts", "attempts")).toBe(1);
  expect(editDistance("kitten", "sitting")).toBe(3);
  expect(editDistance("", "abc")).toBe(3);
});

test("close typos suggest the known word", () => {
  expect(closest("visoin", ["chat", "vision", "tools"])).toBe("vision");
  expect(closest("round_robbin", ["round_robin", "weighted"])).toBe("round_robin");
  expect(closest("Vision", ["vision"])).toBe("vision");
  expect(didYouMean("opnai", ["openai", "anthropic"])).toBe("did you mean `openai`?");
});

test("far-off words suggest nothing", () => {
  expect(closest("a", ["b", "c"])).toBeNull();
  expect(closest("retry", ["continue", "restart", "fail"])).toBeNull();
  expect(closest("banana", ["vision", "tools"])).toBeNull();
  expect(didYouMean("zzz", [])).toBeNull();
});
