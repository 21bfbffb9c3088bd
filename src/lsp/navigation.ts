// The request handlers that read one document's analysis: hover, definition, references,
// highlights, rename, completion, outline and formatting (through `fmt`'s formatPolicy).
import { ResponseError, SymbolKind, type Connection, type DocumentSymbol, type Range, type TextEdit } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { rulesOf } from "../check/walk.ts";
import type { Policy } from "../syntax/ast.ts";
import { formatPolicy } from "../syntax/format.ts";
import { parsePolicy } from "../syntax/parse.ts";
import type { Span } from "../syntax/span.ts";
import { completionsAt } from "./completion.ts";
import { hoverAt } from "./hover.ts";
import { occurrenceAt, sameSymbol, type Occurrence } from "./occurrences.ts";
import type { Workspace } from "./server.ts";

const IDENT = /^[A-Za-z_](?:[A-Za-z0-9_]|[.-](?=[A-Za-z0-9_]))*$/;
const DECL_SYMBOL = { provider: SymbolKind.Module, model: SymbolKind.Class, route: SymbolKind.Function, defaults: SymbolKind.Namespace, gateway: SymbolKind.Namespace } as const;

const rangeOf = (doc: TextDocument, span: Span): Range => ({ start: doc.positionAt(span.start), end: doc.positionAt(span.end) });

/** The text a rename writes: a quoted route name stays quoted; a name that is no identifier gets quotes on routes only. */
function renameText(occ: Occurrence, newName: string): string {
  if (occ.quoted || (occ.kind === "route" && !IDENT.test(newName))) return JSON.stringify(newName);
  if (!IDENT.test(newName)) throw new ResponseError(-32602, `\`${newName}\` is not a valid ${occ.kind} name`);
  return newName;
}

export function registerNavigation(connection: Connection, workspace: Workspace): void {
  const { documents } = workspace;
  /** The document, its analysis and the cursor offset for a position request, or null. */
  const at = (params: { textDocument: { uri: string }; position: { line: number; character: number } }) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    return { doc, analysis: workspace.analysis(doc), offset: doc.offsetAt(params.position) };
  };
  const symbolAt = (params: Parameters<typeof at>[0]) => {
    const found = at(params);
    const occ = found?.analysis.current ? occurrenceAt(found.analysis.occurrences, found.offset) : undefined;
    return found && occ ? { ...found, occ, all: sameSymbol(found.analysis.occurrences, occ) } : null;
  };

  connection.onHover((params) => {
    const found = at(params);
    if (!found?.analysis.policy || !found.analysis.current) return null;
    const hover = hoverAt(found.analysis.policy, found.analysis.occurrences, found.offset);
    return hover && { contents: { kind: "markdown", value: hover.markdown }, range: rangeOf(found.doc, hover.span) };
  });
  connection.onDefinition((params) => {
    const s = symbolAt(params);
    const decl = s?.all.find((o) => o.declaration);
    return s && decl ? { uri: s.doc.uri, range: rangeOf(s.doc, decl.span) } : null;
  });
  connection.onReferences((params) => {
    const s = symbolAt(params);
    if (!s) return null;
    return s.all.filter((o) => params.context.includeDeclaration || !o.declaration).map((o) => ({ uri: s.doc.uri, range: rangeOf(s.doc, o.span) }));
  });
  connection.onDocumentHighlight((params) => {
    const s = symbolAt(params);
    return s ? s.all.map((o) => ({ range: rangeOf(s.doc, o.span) })) : null;
  });
  connection.onPrepareRename((params) => {
    const s = symbolAt(params);
    return s ? { range: rangeOf(s.doc, s.occ.span), placeholder: s.occ.name } : null;
  });
  connection.onRenameRequest((params) => {
    const s = symbolAt(params);
    if (!s) return null;
    const edits: TextEdit[] = s.all.map((o) => ({ range: rangeOf(s.doc, o.span), newText: renameText(o, params.newName) }));
    return { changes: { [s.doc.uri]: edits } };
  });
  connection.onCompletion((params) => {
    const found = at(params);
    if (!found) return [];
    const text = found.doc.getText();
    return completionsAt(text, found.offset, found.analysis.current ? found.analysis.policy : namesSource(text, found.offset, found.analysis.policy));
  });
  connection.onDocumentSymbol((params) => {
    const doc = documents.get(params.textDocument.uri);
    const policy = doc && workspace.analysis(doc).policy;
    return doc && policy ? policy.items.map((d) => declSymbol(doc, d)) : [];
  });
  connection.onDocumentFormatting((params) => {
    const doc = documents.get(params.textDocument.uri);
    const analysis = doc && workspace.analysis(doc);
    if (!doc || !analysis?.current || !analysis.policy) return null; // a file that does not parse is left as it is, like `fmt`
    const formatted = formatPolicy(analysis.policy, analysis.result.source);
    if (formatted === doc.getText()) return [];
    return [{ range: { start: doc.positionAt(0), end: doc.positionAt(doc.getText().length) }, newText: formatted }];
  });
}

/**
 * The declarations completion offers while the line being typed does not parse: the same parser
 * on the text with that line blanked (offsets stay put), else the last policy that parsed.
 */
function namesSource(text: string, offset: number, fallback: Policy | null): Policy | null {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const end = text.indexOf("\n", offset);
  const blanked = text.slice(0, start) + " ".repeat((end < 0 ? text.length : end) - start) + (end < 0 ? "" : text.slice(end));
  return parsePolicy(blanked, "").policy ?? fallback;
}

function declSymbol(doc: TextDocument, d: Parameters<typeof formatPolicy>[0]["items"][number]): DocumentSymbol {
  const children: DocumentSymbol[] =
    d.kind === "route"
      ? rulesOf(d).map((r) => ({
          name: doc.getText(rangeOf(doc, { start: r.span.start, end: r.target.span.start })).replace(/\s*->\s*$/, "").trim(),
          detail: `-> ${doc.getText(rangeOf(doc, r.target.span))}`,
          kind: SymbolKind.Event,
          range: rangeOf(doc, r.span),
          selectionRange: rangeOf(doc, r.keyword.span),
        }))
      : [];
  return {
    name: d.name?.value ?? d.kind,
    detail: d.kind,
    kind: DECL_SYMBOL[d.kind],
    range: rangeOf(doc, d.span),
    selectionRange: rangeOf(doc, (d.name ?? d.keyword).span),
    children,
  };
}
