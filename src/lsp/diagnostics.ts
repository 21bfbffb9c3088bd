// Checker diagnostics as LSP diagnostics: the same code, message, related spans, notes and help as
// lint prints (LSP has no help field, so notes and help follow the message on their own lines),
// plus the quick fix a help line spells out, carried in `data` for the code action request.
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic, Severity } from "../syntax/diagnostic.ts";

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** A replacement of the diagnostic's primary span that its help line names. */
export interface QuickFix {
  title: string;
  newText: string;
}

/** Help lines that name an exact replacement: `did you mean `x`?` and `… : write `route x``. */
const FIX_PATTERNS: [RegExp, (m: RegExpMatchArray) => QuickFix][] = [
  [/^did you mean `([^`]+)`\?$/, (m) => ({ title: `Change to \`${m[1]}\``, newText: m[1] })],
  [/^`[^`]+` is a route: write `(route [^`]+)`$/, (m) => ({ title: `Change to \`${m[1]}\``, newText: m[1] })],
];

export function quickFixOf(help: string | null): QuickFix | null {
  if (help === null) return null;
  for (const [pattern, fix] of FIX_PATTERNS) {
    const m = help.match(pattern);
    if (m) return fix(m);
  }
  return null;
}

export function toLspDiagnostic(d: Diagnostic, doc: TextDocument, file: string): LspDiagnostic {
  const range = (span: { start: number; end: number }) => ({
    start: doc.positionAt(span.start),
    end: doc.positionAt(span.end),
  });
  const lines = [d.message, ...d.notes.map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])];
  const related = d.secondary
    .filter((l) => l.file === file)
    .map((l) => ({ location: { uri: doc.uri, range: range(l.span) }, message: l.message }));
  const fix = quickFixOf(d.help);
  return {
    range: range(d.primary.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "switchyard",
    message: lines.join("\n"),
    ...(related.length ? { relatedInformation: related } : {}),
    ...(fix ? { data: fix } : {}),
  };
}

/** The quick fixes for the diagnostics the client sends back with a code action request. */
export function quickFixActions(uri: string, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const fix = d.data as QuickFix | undefined;
    if (!fix || typeof fix.newText !== "string") continue;
    actions.push({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: fix.newText }] } },
    });
  }
  return actions;
}
