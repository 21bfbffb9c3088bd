// What every outcome of the pipeline must look like, however bad the input: diagnostics that
// point inside the file and render in every format, never an exception or a stack trace.
import { expect } from "bun:test";
import { FORMATS, renderDiagnostics } from "../../src/check/render/index.ts";
import type { Diagnostic } from "../../src/syntax/diagnostic.ts";
import { LineIndex } from "../../src/syntax/span.ts";

const STACK_FRAME = /\n\s+at .+[(:]\d+/;

/** Checks the shape of each diagnostic and that every renderer copes with it; returns the plain human text. */
export function expectWellFormed(diags: readonly Diagnostic[], file: string, source: string): string {
  const index = new LineIndex(source);
  for (const d of diags) {
    expect(d.code).toMatch(/^SY\d{4}$/);
    expect(["error", "warning", "info"]).toContain(d.severity);
    expect(d.message.length).toBeGreaterThan(0);
    for (const label of [d.primary, ...d.secondary]) {
      expect(label.file).toBe(file);
      expect(label.span.start).toBeGreaterThanOrEqual(0);
      expect(label.span.end).toBeGreaterThanOrEqual(label.span.start);
      // Unreadable files (binary, bad utf-8, too large) have no text; their offsets are bytes.
      if (source.length > 0) expect(label.span.end).toBeLessThanOrEqual(source.length);
      const pos = index.position(label.span.start);
      expect(pos.line).toBeGreaterThanOrEqual(1);
      expect(pos.column).toBeGreaterThanOrEqual(1);
    }
  }
  const sources = new Map([[file, source]]);
  for (const format of FORMATS) {
    const out = renderDiagnostics(diags, format, sources, { color: format === "human" });
    expect(out).not.toMatch(STACK_FRAME);
  }
  // colour on above exercises the ANSI path; callers match locations in the plain text
  const human = renderDiagnostics(diags, "human", sources, { color: false });
  expect(human).not.toMatch(STACK_FRAME);
  return human;
}

/** Runs `fn`, turning an exception into a test failure that names the input. */
export function mustNotThrow<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(`${what} threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}
