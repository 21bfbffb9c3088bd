// Findings of the local passes (those whose findings about a declaration depend on its text alone:
// no symbol table, no options) kept per declaration text, so a checker run over a policy that
// differs from the last one in a few declarations runs those passes on only those. The language
// server keeps one per open document; lint checks every text once and has no use for it.
import type { Decl, Policy } from "../syntax/ast.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import { shiftSpans } from "../syntax/span.ts";
import type { CheckContext, Pass } from "./context.ts";

/**
 * Diagnostics of one pass on one declaration, spans relative to the declaration's start, by the
 * declaration's text and by its node (a node the parser reused has the same text: no need to
 * slice and hash that text again).
 */
interface Findings {
  byText: Map<string, Diagnostic[]>;
  byDecl: Map<Decl, { text: string; found: Diagnostic[] }>;
}

export class DeclFindings {
  private previous = new Map<Pass, Findings>();
  private current = new Map<Pass, Findings>();
  private file: string | null = null;

  /** Starts a run over `source` (the text the policy's spans point into). */
  begin(file: string, source: string): DeclRun {
    if (file !== this.file) this.previous.clear(); // findings name their file
    this.file = file;
    this.current = new Map();
    return new DeclRun(source, this.previous, this.current);
  }

  /** Ends the run: what it did not use is dropped, so the cache holds one text's declarations. */
  end(): void {
    this.previous = this.current;
  }
}

export class DeclRun {
  constructor(
    private readonly source: string,
    private readonly previous: Map<Pass, Findings>,
    private readonly current: Map<Pass, Findings>,
  ) {}

  /** Runs `pass` as `pass(policy, ctx)` would, declaration by declaration, replaying what it found before. */
  run(pass: Pass, policy: Policy, ctx: CheckContext): void {
    const before = this.previous.get(pass);
    const now: Findings = { byText: new Map(), byDecl: new Map() };
    this.current.set(pass, now);
    const diagnostics = ctx.session.diagnostics;
    for (const decl of policy.items) {
      const start = decl.span.start;
      const same = before?.byDecl.get(decl);
      const text = same?.text ?? this.source.slice(start, decl.span.end);
      let found = same?.found ?? now.byText.get(text) ?? before?.byText.get(text);
      if (found === undefined) {
        const from = diagnostics.length;
        pass(onlyDecl(policy, decl), ctx);
        found = shiftSpans(diagnostics.slice(from), -start);
      } else for (const d of found) diagnostics.push(shiftSpans(d, start));
      now.byDecl.set(decl, { text, found });
      now.byText.set(text, found);
    }
  }
}

function onlyDecl(policy: Policy, decl: Decl): Policy {
  return { ...policy, items: [decl] };
}
