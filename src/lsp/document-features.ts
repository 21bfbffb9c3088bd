// The document-wide requests: completion, the outline (document symbols), workspace symbols over
// every open policy, and formatting through `fmt`'s formatPolicy.
import { SymbolKind, type Connection, type DocumentSymbol } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { rulesOf } from "../check/walk.ts";
import type { Decl, Policy } from "../syntax/ast.ts";
import { formatPolicy } from "../syntax/format.ts";
import { parsePolicy } from "../syntax/parse.ts";
import { completionsAt } from "./completion.ts";
import { rangeOf } from "./navigation.ts";
import type { Workspace } from "./server.ts";

const DECL_SYMBOL = {
  provider: SymbolKind.Module,
  model: SymbolKind.Class,
  route: SymbolKind.Function,
  defaults: SymbolKind.Namespace,
  gateway: SymbolKind.Namespace,
  key: SymbolKind.Key,
  team: SymbolKind.Object,
} as const;

export function registerDocumentFeatures(connection: Connection, workspace: Workspace): void {
  const { documents } = workspace;
  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const analysis = workspace.analysis(doc);
    const text = doc.getText();
    const offset = doc.offsetAt(params.position);
    return completionsAt(text, offset, analysis.current ? analysis.policy : namesSource(text, offset, analysis.policy));
  });
  connection.onDocumentSymbol((params) => {
    const doc = documents.get(params.textDocument.uri);
    const policy = doc && workspace.analysis(doc).policy;
    return doc && policy ? policy.items.map((d) => declSymbol(doc, d)) : [];
  });
  connection.onWorkspaceSymbol((params) => {
    const query = params.query.toLowerCase();
    return documents.all().flatMap((doc) =>
      (workspace.analysis(doc).policy?.items ?? [])
        .filter((d) => d.name && d.name.value.toLowerCase().includes(query))
        .map((d) => ({
          name: d.name!.value,
          kind: DECL_SYMBOL[d.kind],
          containerName: d.kind,
          location: { uri: doc.uri, range: rangeOf(doc, d.name!.span) },
        })),
    );
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
  const blanked =
    text.slice(0, start) + " ".repeat((end < 0 ? text.length : end) - start) + (end < 0 ? "" : text.slice(end));
  return parsePolicy(blanked, "").policy ?? fallback;
}

function declSymbol(doc: TextDocument, d: Decl): DocumentSymbol {
  const children: DocumentSymbol[] =
    d.kind === "route"
      ? rulesOf(d).map((r) => ({
          name: doc
            .getText(rangeOf(doc, { start: r.span.start, end: r.target.span.start }))
            .replace(/\s*->\s*$/, "")
            .trim(),
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
