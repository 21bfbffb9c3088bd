// The compile pipeline as one call: parse → check → compile, stopping at the first stage that
// reports errors (with syntax errors, the checks that are safe on the declarations that parsed
// still run, so one run shows as much as it can). The server (startup and hot reload) and the CLI both come through here, so a
// policy means the same thing to `switchyard lint` as to the running gateway.
import {
  checkPartialPolicy,
  checkPolicy,
  INPUT_MESSAGES,
  inputDiagnostic,
  type CheckOptions,
  type DeclFindings,
} from "../check/index.ts";

import { sortDiagnostics } from "../check/render/sort.ts";
import type { Diagnostic } from "../syntax/diagnostic.ts";
import type { Policy } from "../syntax/ast.ts";
import { parsePolicy, parsePolicyBytes, type ParseResult } from "../syntax/parse.ts";
import { checkBounds } from "./analysis/bounds-check.ts";
import { compilePolicy } from "./compile-policy.ts";
import type { Graph } from "./graph.ts";

export { compilePolicy } from "./compile-policy.ts";
export type { CheckOptions } from "../check/index.ts";

export interface CompileResult {
  graph: Graph | null;
  diagnostics: Diagnostic[];
  source: string;
  /** The parsed AST (null when the text did not parse), for tools that need more than the graph: the language server. */
  policy: Policy | null;
}

export function compilePolicySource(source: string, file: string, opts?: CheckOptions): CompileResult {
  return finish(parsePolicy(source, file), file, opts);
}

/** Reads the file as bytes (so encoding problems become diagnostics too); never throws for I/O. */
export async function compilePolicyFile(path: string, opts?: CheckOptions): Promise<CompileResult> {
  let bytes: Uint8Array;
  try {
    bytes = await Bun.file(path).bytes();
  } catch (e) {
    return { graph: null, diagnostics: [ioDiagnostic(path, e)], source: "", policy: null };
  }
  return finish(parsePolicyBytes(bytes, path), path, opts);
}

/**
 * The rest of the pipeline for text parsed elsewhere: the language server parses incrementally
 * (syntax/incremental.ts), hands the same ParseResult `parsePolicy` would give, and keeps the
 * findings of the checker's local passes per declaration in `reuse` from one edit to the next.
 */
export function compileParsed(parsed: ParseResult, file: string, reuse: DeclFindings): CompileResult {
  return finish(parsed, file, undefined, reuse);
}

function finish(
  parsed: ParseResult,
  file: string,
  opts: CheckOptions | undefined,
  reuse?: DeclFindings,
): CompileResult {
  const { policy, source } = parsed;
  if (policy === null || hasErrors(parsed.diagnostics)) {
    const partial = parsed.partial ? checkPartialPolicy(parsed.partial, opts) : [];
    return { graph: null, diagnostics: sortDiagnostics([...parsed.diagnostics, ...partial]), source, policy: null };
  }
  const diagnostics = [...parsed.diagnostics, ...checkPolicy(policy, opts, reuse?.begin(file, source, policy))];
  if (hasErrors(diagnostics)) return { graph: null, diagnostics: sortDiagnostics(diagnostics), source, policy };
  try {
    const graph = compilePolicy(policy, source);
    // declared bounds are checked on the compiled graph; a broken bound is an error like any other
    diagnostics.push(...checkBounds(policy, graph));
    return { graph: hasErrors(diagnostics) ? null : graph, diagnostics: sortDiagnostics(diagnostics), source, policy };
  } catch (e) {
    // A checked policy should always compile; if it does not, say so as a diagnostic, not a stack trace.
    diagnostics.push(internalDiagnostic(file, e));
    return { graph: null, diagnostics: sortDiagnostics(diagnostics), source, policy };
  }
}

function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

/** SY4001: the policy file could not be read. */
export function ioDiagnostic(path: string, e: unknown): Diagnostic {
  const code = typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "";
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "EISDIR"
          ? "it is a directory"
          : code || "read failed";
  return inputDiagnostic(
    "SY4001",
    INPUT_MESSAGES.SY4001.cannotRead({ path, reason }),
    { file: path, span: { start: 0, end: 0 }, message: "" },
    {
      help: code === "ENOENT" ? "check the path; policy files end in `.route`" : "check the file's permissions",
    },
  );
}

function internalDiagnostic(file: string, e: unknown): Diagnostic {
  return inputDiagnostic(
    "SY4002",
    INPUT_MESSAGES.SY4002.internal({ reason: e instanceof Error ? e.message : String(e) }),
    { file, span: { start: 0, end: 0 }, message: "" },
    {
      notes: ["the checker accepted this policy but the compiler could not build it"],
    },
  );
}
