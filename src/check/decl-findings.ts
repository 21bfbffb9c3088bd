// Findings of the local passes (those whose findings about a declaration depend on its text alone:
// no symbol table, no options) kept per declaration text, so a checker run over a policy that
// differs from the last one in a few declarations runs those passes on only those. The language
// server keeps one per open document; lint checks every text once and has no use for it.
import type { Decl, Policy } from "../syntax/ast.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import { shiftSpans } from "../syntax/span.ts";
import type { CheckContext, Pass } from "./context.ts";

/** Diagnostics of one pass on one declaration, spans relative to the declaration's start. */
type Findings = Map<string, Diagnostic[]>;

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
    const now: Findings = new Map();
    this.current.set(pass, now);
    const diagnostics = ctx.session.diagnostics;
    for (const decl of policy.items) {
      const text = this.source.slice(decl.span.start, decl.span.end);
      const known = now.get(text) ?? before?.get(text);
      const start = decl.span.start;
      if (known !== undefined) {
        for (const d of known) diagnostics.push(shiftSpans(d, start));
        now.set(text, known);
        continue;
      }
      const from = diagnostics.length;
      pass(onlyDecl(policy, decl), ctx);
      now.set(text, shiftSpans(diagnostics.slice(from), -start));
    }
  }
}

function onlyDecl(policy: Policy, decl: Decl): Policy {
  return { ...policy, items: [decl] };
}
