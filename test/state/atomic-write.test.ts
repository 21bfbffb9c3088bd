// The write path: whole files only, no temp leftovers on success or failure, stale temps cleanable.
import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { atomicWrite, cleanStaleTemps, tempPathFor } from "../../src/state/atomic-write.ts";
import { tempDir } from "./fixtures.ts";

test("replaces the target and leaves no temp file", async () => {
  using dir = tempDir();
  const path = dir.file("s.bin");
  writeFileSync(path, "old");
  await atomicWrite(path, new TextEncoder().encode("new contents"));
  expect(readFileSync(path, "utf8")).toBe("new contents");
  expect(readdirSync(dir.path)).toEqual(["s.bin"]);
});

test("temp names are unique, carry the pid and sit beside the target", () => {
  const a = tempPathFor("/x/s.bin");
  const b = tempPathFor("/x/s.bin");
  expect(a).not.toBe(b);
  expect(a.startsWith(`/x/s.bin.tmp-${process.pid}-`)).toBe(true);
});

test("a failed write leaves the old file intact and removes its temp file", async () => {
  using dir = tempDir();
  const path = dir.file("s.bin");
  mkdirSync(path); // rename of a file over a directory fails
  await expect(atomicWrite(path, new Uint8Array([1, 2, 3]))).rejects.toThrow();
  expect(readdirSync(dir.path)).toEqual(["s.bin"]);
});

test("cleanup removes dead writers' temps, keeps a live process's and other files'", async () => {
  using dir = tempDir();
  const path = dir.file("s.bin");
  const live = process.ppid; // a process that certainly exists and is not us
  for (const name of [
    "s.bin.tmp-999999999-3",
    `s.bin.tmp-${process.pid}-8`,
    `s.bin.tmp-${live}-1`,
    "s.bin.tmp-junk",
    "s.bin.corrupt-x",
    "s.bin",
  ]) {
    writeFileSync(dir.file(name), "x");
  }
  const removed = await cleanStaleTemps(path);
  expect(removed.sort()).toEqual(["s.bin.tmp-999999999-3", `s.bin.tmp-${process.pid}-8`, "s.bin.tmp-junk"].sort());
  expect(readdirSync(dir.path).sort()).toEqual(["s.bin", "s.bin.corrupt-x", `s.bin.tmp-${live}-1`].sort());
});
