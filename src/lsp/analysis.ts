// One open document, analysed by the same pipeline as `switchyard lint` (parse → check → compile),
// plus the symbol index the editor features read. The parse is incremental (syntax/incremental.ts):
// after an edit only the declarations it touched are parsed again, into the same AST a whole parse
// gives. When an edit breaks the syntax the last policy that parsed is kept for navigation and
// hover, so a half-typed line does not switch those features off.
import { DeclFindings } from "../check/index.ts";
import { compileParsed, type CompileResult } from "../compile/index.ts";
import type { Policy } from "../syntax/ast.ts";
import { parseIncrementally, type ParseCache } from "../syntax/incremental.ts";
import { occurrencesOf, type Occurrence } from "./occurrences.ts";

export interface Analysis {
  result: CompileResult;
  /** The current AST, or the last one that parsed (its spans may be off by the broken edit). */
  policy: Policy | null;
  /** Whether `policy` is the current text's own AST. */
  current: boolean;
  /** Names of `policy`, indexed on first use: diagnostics after an edit never pay for it. */
  readonly occurrences: Occurrence[];
  /** The analysis `policy` comes from (itself when current); only that one is kept, not every broken text since. */
  readonly lastGood: Analysis | null;
  /** What the next edit's parse reuses: the declarations of the last text that parsed. */
  readonly parseCache: ParseCache | null;
  /** What the next edit's check reuses: the local passes' findings per declaration text. */
  readonly findings: DeclFindings;
}

/** `file` is what diagnostics name (the document's path); lint gives a policy no more than this. */
export function analyze(text: string, file: string, previous?: Analysis): Analysis {
  const { parsed, cache: parseCache } = parseIncrementally(text, file, previous?.parseCache ?? null);
  const findings = previous?.findings ?? new DeclFindings();
  const result = compileParsed(parsed, file, findings);
  if (result.policy === null) {
    const lastGood = previous?.lastGood ?? null;
    return {
      result,
      policy: lastGood?.policy ?? null,
      current: false,
      lastGood,
      parseCache,
      findings,
      get occurrences() {
        return lastGood?.occurrences ?? [];
      },
    };
  }
  const policy = result.policy;
  let occurrences: Occurrence[] | null = null;
  const analysis: Analysis = {
    result,
    policy,
    current: true,
    parseCache,
    findings,
    get lastGood() {
      return analysis;
    },
    get occurrences() {
      return (occurrences ??= occurrencesOf(policy));
    },
  };
  return analysis;
}
