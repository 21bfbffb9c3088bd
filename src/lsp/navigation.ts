// The request handlers about symbols under the cursor: hover, definition, references, highlights
// and rename (document-wide features are in document-features.ts).
import { ResponseError, type Connection, type Range, type TextEdit } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Span } from "../syntax/span.ts";
import { hoverAt } from "./hover.ts";
import { occurrenceAt, sameSymbol, type Occurrence } from "./occurrences.ts";
import type { Workspace } from "./server.ts";

const IDENT = /^[A-Za-z_](?:[A-Za-z0-9_]|[.-](?=[A-Za-z0-9_]))*$/;

export const rangeOf = (doc: TextDocument, span: Span): Range => ({
  start: doc.positionAt(span.start),
  end: doc.positionAt(span.end),
});

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
    return s.all
      .filter((o) => params.context.includeDeclaration || !o.declaration)
      .map((o) => ({ uri: s.doc.uri, range: rangeOf(s.doc, o.span) }));
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
    const edits: TextEdit[] = s.all.map((o) => ({
      range: rangeOf(s.doc, o.span),
      newText: renameText(o, params.newName),
    }));
    return { changes: { [s.doc.uri]: edits } };
  });
}
