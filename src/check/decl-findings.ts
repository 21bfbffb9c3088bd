// Findings of the local passes (those whose findings about a declaration depend on its text alone:
// no symbol table, no options) kept per declaration text, so a checker run over a policy that
// differs from the last one in a few declarations runs those passes on only those. The language
// server keeps one per open document; lint checks every text once and has no use for it.
import type { Decl, Policy } from "../syntax/ast.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import { shiftSpans } from "../syntax/span.ts";
import type { CheckContext, Pass } from "./context.ts";

/**
 * What the local passes found in one declaration text, spans relative to the declaration's start.
 * Found by the declaration's node (a node the parser reused has the same text: no need to slice
 * and hash that text again) or by its text.
 */
interface Entry {
  text: string;
  found: Map<Pass, Diagnostic[]>;
}

export class DeclFindings {
  private byDecl = new Map<Decl, Entry>();
  private byText = new Map<string, Entry>();
  private file: string | null = null;

  /**
   * Starts a check of `policy` (its spans point into `source`). The cache then holds this
   * policy's declarations only: what it no longer has is dropped.
   */
  begin(file: string, source: string, policy: Policy): DeclRun {
    if (file !== this.file) {
      // findings name their file
      this.byDecl.clear();
      this.byText.clear();
    }
    this.file = file;
    const byDecl = new Map<Decl, Entry>();
    const byText = new Map<string, Entry>();
    const entries = policy.items.map((decl) => {
      let entry = this.byDecl.get(decl);
      if (entry === undefined) {
        const text = source.slice(decl.span.start, decl.span.end);
        entry = byText.get(text) ?? this.byText.get(text) ?? { text, found: new Map() };
      }
      byDecl.set(decl, entry);
      byText.set(entry.text, entry);
      return entry;
    });
    this.byDecl = byDecl;
    this.byText = byText;
    return new DeclRun(entries);
  }
}

export class DeclRun {
  constructor(private readonly entries: readonly Entry[]) {}

  /** Runs `pass` as `pass(policy, ctx)` would, declaration by declaration, replaying what it found before. */
  run(pass: Pass, policy: Policy, ctx: CheckContext): void {
    const diagnostics = ctx.session.diagnostics;
    policy.items.forEach((decl, i) => {
      const entry = this.entries[i];
      const start = decl.span.start;
      const found = entry.found.get(pass);
      if (found !== undefined) {
        for (const d of found) diagnostics.push(shiftSpans(d, start));
        return;
      }
      const from = diagnostics.length;
      pass({ ...policy, items: [decl] }, ctx);
      entry.found.set(pass, shiftSpans(diagnostics.slice(from), -start));
    });
  }
}
